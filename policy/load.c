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
