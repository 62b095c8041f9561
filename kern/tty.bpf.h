/* SPDX-License-Identifier: GPL-2.0 */
/* Terminals: the tty behind a descriptor, and the session it belongs to. */
#ifndef ISOLATE_TTY_BPF_H
#define ISOLATE_TTY_BPF_H

#include "isolate.bpf.h"

/* Before Linux 6.0 the session was the tty's own field, not in ctrl. */
struct tty_struct___before_ctrl {
	struct pid *session;
} __attribute__((preserve_access_index));

static __always_inline struct pid *tty_session(struct tty_struct *tty)
{
	if (bpf_core_field_exists(tty->ctrl))
		return BPF_CORE_READ(tty, ctrl.session);
	return BPF_CORE_READ((struct tty_struct___before_ctrl *)tty, session);
}

/* A tty's file keeps a tty_file_private { tty, file } as its private data. */
struct tty_file_priv {
	struct tty_struct *tty;
	struct file *file;
};

static __always_inline bool tty_file_priv(const struct file *file, struct tty_file_priv *priv)
{
	void *data = BPF_CORE_READ(file, private_data);

	return data && !bpf_probe_read_kernel(priv, sizeof(*priv), data);
}

/*
 * The session of the terminal a tty descriptor reaches: a pty master's is
 * its slave's (masters are nobody's controlling terminal).
 */
static __always_inline struct pid *file_tty_session(const struct file *file)
{
	struct tty_file_priv priv = {};
	struct tty_struct *tty;
	struct pid *session;

	if (!tty_file_priv(file, &priv) || !priv.tty)
		return NULL;
	/* Out of priv first: an access through it would be relocated as a kernel type's. */
	tty = priv.tty;
	session = tty_session(tty);
	return session ?: tty_session(BPF_CORE_READ(tty, link));
}

#endif
