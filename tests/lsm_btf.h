/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel's LSM hook prototypes, kept small: the bpf_lsm_* functions of
 * its BTF and the types their parameters name, structs and unions reduced
 * to their name and size. What isolate's hook choice reads of a kernel,
 * and nothing else; tests/data/lsm-hooks-*.btf are made of it
 * (tests/lsm_btf_capture.c), and tests change a copy of it.
 */
#ifndef ISOLATE_TESTS_LSM_BTF_H
#define ISOLATE_TESTS_LSM_BTF_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#define LSM_FUNC_PREFIX "bpf_lsm_"

struct lsm_btf_copy {
	const struct btf *src;
	struct btf *dst;
	int *ids;	/* src type id -> dst type id, 0 when not copied yet */
};

static int lsm_btf_type(struct lsm_btf_copy *c, __u32 id);

static int lsm_btf_type_uncached(struct lsm_btf_copy *c, const struct btf_type *t)
{
	const char *name = btf__name_by_offset(c->src, t->name_off);
	int inner, proto;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return btf__add_int(c->dst, name, t->size, btf_int_encoding(t));
	case BTF_KIND_STRUCT:
		return btf__add_struct(c->dst, name, t->size);
	case BTF_KIND_UNION:
		return btf__add_union(c->dst, name, t->size);
	case BTF_KIND_FWD:
		return btf__add_fwd(c->dst, name, btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	case BTF_KIND_ENUM:
		return btf__add_enum(c->dst, name, t->size);
	case BTF_KIND_ENUM64:
		return btf__add_enum64(c->dst, name, t->size, btf_kflag(t));
	default:
		break;
	}
	inner = lsm_btf_type(c, t->type);
	if (inner < 0)
		return inner;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		return btf__add_ptr(c->dst, inner);
	case BTF_KIND_CONST:
		return btf__add_const(c->dst, inner);
	case BTF_KIND_VOLATILE:
		return btf__add_volatile(c->dst, inner);
	case BTF_KIND_RESTRICT:
		return btf__add_restrict(c->dst, inner);
	case BTF_KIND_TYPE_TAG:
		return btf__add_type_tag(c->dst, name, inner);
	case BTF_KIND_TYPEDEF:
		return btf__add_typedef(c->dst, name, inner);
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = btf_params(t);
		int ids[16];

		if (btf_vlen(t) > 16)
			return -E2BIG;
		/* Parameter types first: a prototype's parameters follow it. */
		for (int i = 0; i < btf_vlen(t); i++) {
			ids[i] = lsm_btf_type(c, p[i].type);
			if (ids[i] < 0)
				return ids[i];
		}
		proto = btf__add_func_proto(c->dst, inner);
		for (int i = 0; proto > 0 && i < btf_vlen(t); i++) {
			int err = btf__add_func_param(c->dst, btf__name_by_offset(c->src, p[i].name_off),
						      ids[i]);
			if (err)
				return err;
		}
		return proto;
	}
	case BTF_KIND_FUNC:
		return btf__add_func(c->dst, name, (enum btf_func_linkage)btf_vlen(t), inner);
	default:
		return -EOPNOTSUPP;
	}
}

static int lsm_btf_type(struct lsm_btf_copy *c, __u32 id)
{
	const struct btf_type *t;
	int new_id;

	if (!id)
		return 0;	/* void */
	if (c->ids[id])
		return c->ids[id];
	t = btf__type_by_id(c->src, id);
	if (!t)
		return -EINVAL;
	new_id = lsm_btf_type_uncached(c, t);
	if (new_id > 0)
		c->ids[id] = new_id;
	return new_id;
}

/*
 * Adds to dst every bpf_lsm_<hook> function of src and the types it
 * names, except the hook named skip (NULL: none). 0 or a negative errno.
 */
static inline int lsm_btf_copy_hooks(const struct btf *src, struct btf *dst, const char *skip)
{
	struct lsm_btf_copy c = { .src = src, .dst = dst };
	__u32 n = btf__type_cnt(src);
	size_t prefix = strlen(LSM_FUNC_PREFIX);
	int err = 0;

	c.ids = calloc(n, sizeof(*c.ids));
	if (!c.ids)
		return -ENOMEM;
	for (__u32 id = 1; id < n && err >= 0; id++) {
		const struct btf_type *t = btf__type_by_id(src, id);
		const char *name = btf__name_by_offset(src, t->name_off);

		if (!btf_is_func(t) || strncmp(name, LSM_FUNC_PREFIX, prefix))
			continue;
		if (skip && !strcmp(name + prefix, skip))
			continue;
		err = lsm_btf_type(&c, id);
	}
	free(c.ids);
	return err < 0 ? err : 0;
}

#endif /* ISOLATE_TESTS_LSM_BTF_H */
