/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reading policy documents from files and buffers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "yaml_parse.h"

int policy_read_file(const char *path, char **buf, size_t *len, char *msg, size_t msg_len)
{
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t used = 0;
	struct stat st;
	char *data;
	int err;

	*buf = NULL;
	if (fd < 0) {
		err = -errno;
		snprintf(msg, msg_len, "expected a readable policy file, got %s: %s", path,
			 strerror(errno));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(msg, msg_len, "expected a regular policy file, got %s", path);
		return -EINVAL;
	}
	data = malloc(POLICY_FILE_MAX + 2);
	if (!data) {
		close(fd);
		snprintf(msg, msg_len, "out of memory");
		return -ENOMEM;
	}
	/* Sizes of /proc and /sys files lie: read until EOF, up to the bound. */
	for (;;) {
		ssize_t n = read(fd, data + used, POLICY_FILE_MAX + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			snprintf(msg, msg_len, "cannot read %s: %s", path, strerror(errno));
			goto fail;
		}
		if (!n)
			break;
		used += (size_t)n;
		if (used > POLICY_FILE_MAX) {
			err = -EFBIG;
			snprintf(msg, msg_len, "expected a policy file of at most %u bytes, got %s",
				 POLICY_FILE_MAX, path);
			goto fail;
		}
	}
	close(fd);
	data[used] = '\0';
	*buf = data;
	*len = used;
	return 0;
fail:
	close(fd);
	free(data);
	return err;
}

int isolate_policy_load(const char *path, struct isolate_policy **out,
			struct isolate_diag *diag)
{
	char msg[sizeof(diag->msg)];
	size_t len;
	char *buf;
	int err;

	*out = NULL;
	err = policy_read_file(path, &buf, &len, msg, sizeof(msg));
	if (err) {
		diag_set(diag, NULL, 0, 0, "%s", msg);
		return err;
	}
	err = isolate_policy_parse(path, buf, len, out, diag);
	free(buf);
	return err;
}

int isolate_policy_parse_with(const char *name, const char *buf, size_t len,
			      const struct isolate_policy_source *sources, size_t n_sources,
			      struct isolate_policy **out, struct isolate_diag *diag)
{
	struct isolate_policy *p;
	int err;

	*out = NULL;
	err = yaml_parse_document(name, buf, len, &p, diag);
	if (err)
		return err;
	err = policy_resolve(p, sources, n_sources, diag);
	if (err) {
		isolate_policy_free(p);
		return err;
	}
	*out = p;
	return 0;
}

int isolate_policy_parse(const char *name, const char *buf, size_t len,
			 struct isolate_policy **out, struct isolate_diag *diag)
{
	return isolate_policy_parse_with(name, buf, len, NULL, 0, out, diag);
}

int isolate_policy_resolve(struct isolate_policy *p, struct isolate_diag *diag)
{
	return policy_resolve(p, NULL, 0, diag);
}
