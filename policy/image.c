/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Compiled images: ownership and what they use of the kernel's maps. */
#include <stdlib.h>

#include "model.h"

void isolate_image_free(struct isolate_image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->n_inodes; i++)
		free(img->inodes[i].path);
	free(img->inodes);
	free(img->net);
	free(img->net_caps);
	free(img->unix_names);
	for (size_t i = 0; i < img->n_rules; i++)
		free(img->rule_text[i]);
	free(img->rule_text);
	free(img->rule_ids);
	for (size_t i = 0; i < img->n_skipped; i++)
		free(img->skipped[i]);
	free(img->skipped);
	free(img);
}

size_t isolate_image_capacity(const struct isolate_image *img, struct isolate_capacity *out,
			      size_t n)
{
	const struct isolate_capacity maps[] = {
		{ "inode_rules", img->n_inodes, ISOLATE_MAX_INODE_RULES },
		{ "net_rules", img->n_net, ISOLATE_MAX_NET_RULES },
		{ "unix_rules", img->n_unix, ISOLATE_MAX_UNIX_RULES },
	};
	size_t count = sizeof(maps) / sizeof(maps[0]);

	for (size_t i = 0; i < count && i < n; i++)
		out[i] = maps[i];
	return count;
}
