// SPDX-License-Identifier: GPL-2.0
/*
 * Which program isolate attaches to each LSM hook, decided from the
 * kernel's BTF: on the hook prototypes captured from Debian's 6.1 and 6.12
 * cloud kernels and the development machines' 6.18 (tests/data/), and on
 * copies of them changed the way a future kernel might change them. A hook
 * whose prototype matches none of the programs refuses, naming the hook:
 * isolate_load() makes this same choice before it loads anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include <isolate/isolate.h>

#include "lsm_btf.h"

#define DATA "tests/data/lsm-hooks-"

struct choices {
	struct isolate_hook_choice c[ISOLATE_HOOKS_MAX];
	size_t n;
	int err;
};

static void choose(const char *btf_path, struct choices *out)
{
	out->err = isolate_hook_choices(btf_path, out->c, ISOLATE_HOOKS_MAX, &out->n);
}

static const struct isolate_hook_choice *hook(const struct choices *ch, const char *name)
{
	for (size_t i = 0; i < ch->n; i++)
		if (!strcmp(ch->c[i].hook, name))
			return &ch->c[i];
	return NULL;
}

/* The program chosen for a hook, "" for none, "(no such hook)". */
static const char *program(const struct choices *ch, const char *name)
{
	const struct isolate_hook_choice *c = hook(ch, name);

	return c ? c->program : "(no such hook)";
}

/* Hooks the kernel has that no program was chosen for. */
static size_t unmatched(const struct choices *ch)
{
	size_t n = 0;

	for (size_t i = 0; i < ch->n; i++)
		n += !ch->c[i].program[0] && (ch->c[i].kernel_has_hook || !ch->c[i].optional);
	return n;
}

/* A pointer to struct (or union, with is_union) name in btf, added if new. */
static int ptr_to(struct btf *btf, const char *name, bool is_union)
{
	int id = btf__find_by_name_kind(btf, name, is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT);

	if (id < 0)
		id = is_union ? btf__add_union(btf, name, 0) : btf__add_struct(btf, name, 0);
	return id < 0 ? id : btf__add_ptr(btf, id);
}

static int int_type(struct btf *btf, const char *name, size_t size, bool is_signed)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_INT);

	return id > 0 ? id : btf__add_int(btf, name, size, is_signed ? BTF_INT_SIGNED : 0);
}

/* Adds the parameter types of a changed hook to btf; returns how many. */
typedef int (*param_types_fn)(struct btf *btf, int *out);

/*
 * A kernel like 6.1, but with hook `changed` declared with the parameters
 * types() adds, or missing when types is NULL. Written to path; 0 or -1.
 */
static int variant(const char *changed, param_types_fn types, char *path, size_t len)
{
	struct btf *src = btf__parse(DATA "6.1.btf", NULL), *dst = btf__new_empty();
	char fn[128];
	const void *raw;
	int params[16], n, ret, proto, fd = -1, ok = -1;
	__u32 size;

	if (!src || !dst || lsm_btf_copy_hooks(src, dst, changed))
		goto out;
	if (types) {
		n = types(dst, params);
		ret = int_type(dst, "int", 4, true);
		proto = n < 0 || ret < 0 ? -1 : btf__add_func_proto(dst, ret);
		for (int i = 0; proto > 0 && i < n; i++)
			if (btf__add_func_param(dst, "arg", params[i]))
				goto out;
		snprintf(fn, sizeof(fn), LSM_FUNC_PREFIX "%s", changed);
		if (proto < 0 || btf__add_func(dst, fn, BTF_FUNC_GLOBAL, proto) < 0)
			goto out;
	}
	raw = btf__raw_data(dst, &size);
	snprintf(path, len, "/tmp/isolate-hooks-XXXXXX");
	fd = mkstemp(path);
	if (raw && fd >= 0 && write(fd, raw, size) == (ssize_t)size)
		ok = 0;
out:
	if (fd >= 0)
		close(fd);
	btf__free(src);
	btf__free(dst);
	return ok;
}

static int choose_variant(const char *changed, param_types_fn types, struct choices *ch)
{
	char path[64];

	if (variant(changed, types, path, sizeof(path)))
		return -1;
	choose(path, ch);
	unlink(path);
	return 0;
}

TEST(debian_6_1_gets_the_6_1_programs)
{
	struct choices ch;

	choose(DATA "6.1.btf", &ch);
	ASSERT_EQ(0, ch.err) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_EQ(0U, unmatched(&ch));
	EXPECT_STREQ("isolate_inode_setattr", program(&ch, "inode_setattr"));
	EXPECT_STREQ("isolate_inode_setxattr", program(&ch, "inode_setxattr"));
	EXPECT_STREQ("isolate_inode_removexattr", program(&ch, "inode_removexattr"));
	EXPECT_STREQ("isolate_perf_event_open", program(&ch, "perf_event_open"));
	EXPECT_STREQ("isolate_bpf", program(&ch, "bpf"));
	EXPECT_STREQ("isolate_file_open", program(&ch, "file_open"));
	/* A hook that returns nothing: its program takes no verdict. */
	EXPECT_STREQ("isolate_d_instantiate", program(&ch, "d_instantiate"));
	EXPECT_STREQ("struct dentry *, struct inode *", hook(&ch, "d_instantiate")->prototype);
	EXPECT_STREQ("struct dentry *, struct iattr *", hook(&ch, "inode_setattr")->prototype);
	/* 6.1's ftruncate reaches path_truncate: file_truncate is not missed. */
	ASSERT_NE(NULL, hook(&ch, "file_truncate"));
	EXPECT_TRUE(hook(&ch, "file_truncate")->optional);
	EXPECT_FALSE(hook(&ch, "file_truncate")->kernel_has_hook);
	EXPECT_STREQ("", program(&ch, "file_truncate"));
}

TEST(debian_6_12_gets_the_idmap_and_attr_less_programs)
{
	struct choices ch;

	choose(DATA "6.12.btf", &ch);
	ASSERT_EQ(0, ch.err) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_EQ(0U, unmatched(&ch));
	EXPECT_STREQ("isolate_inode_setattr_idmap", program(&ch, "inode_setattr"));
	/* Only the type of an argument they never read changed. */
	EXPECT_STREQ("isolate_inode_setxattr", program(&ch, "inode_setxattr"));
	EXPECT_STREQ("isolate_inode_removexattr", program(&ch, "inode_removexattr"));
	EXPECT_STREQ("isolate_perf_event_open_type", program(&ch, "perf_event_open"));
	EXPECT_STREQ("isolate_bpf", program(&ch, "bpf"));
	EXPECT_STREQ("isolate_file_truncate", program(&ch, "file_truncate"));
	EXPECT_STREQ("isolate_d_instantiate", program(&ch, "d_instantiate"));
	EXPECT_STREQ("struct mnt_idmap *, struct dentry *, struct iattr *",
		     hook(&ch, "inode_setattr")->prototype);
}

TEST(linux_6_18_gets_the_bpf_program_that_knows_kernel_callers)
{
	struct choices ch;

	choose(DATA "6.18.btf", &ch);
	ASSERT_EQ(0, ch.err) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_EQ(0U, unmatched(&ch));
	EXPECT_STREQ("isolate_bpf_from", program(&ch, "bpf"));
	EXPECT_STREQ("isolate_inode_setattr_idmap", program(&ch, "inode_setattr"));
	/* u64 where 6.1 says unsigned long: the same integer. */
	EXPECT_STREQ("struct task_struct *, u64", hook(&ch, "task_alloc")->prototype);
	EXPECT_STREQ("isolate_task_alloc", program(&ch, "task_alloc"));
}

static int setattr_with_flags(struct btf *btf, int *out)
{
	out[0] = ptr_to(btf, "dentry", false);
	out[1] = ptr_to(btf, "iattr", false);
	out[2] = int_type(btf, "unsigned int", 4, false);
	return 3;
}

TEST(an_unknown_prototype_is_refused_with_the_hook_name)
{
	struct choices ch;

	ASSERT_EQ(0, choose_variant("inode_setattr", setattr_with_flags, &ch));
	EXPECT_EQ(-EOPNOTSUPP, ch.err);
	EXPECT_NE(NULL, strstr(isolate_last_error(), "inode_setattr")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_NE(NULL, strstr(isolate_last_error(),
			       "struct dentry *, struct iattr *, unsigned int"));
	ASSERT_NE(NULL, hook(&ch, "inode_setattr"));
	EXPECT_TRUE(hook(&ch, "inode_setattr")->kernel_has_hook);
	EXPECT_STREQ("", program(&ch, "inode_setattr"));
	/* The others are still chosen: features reports per capability. */
	EXPECT_EQ(1U, unmatched(&ch));
	EXPECT_STREQ("isolate_file_open", program(&ch, "file_open"));
}

static int file_open_on_an_inode(struct btf *btf, int *out)
{
	out[0] = ptr_to(btf, "inode", false);
	return 1;
}

TEST(a_parameter_of_another_type_is_refused)
{
	struct choices ch;

	ASSERT_EQ(0, choose_variant("file_open", file_open_on_an_inode, &ch));
	EXPECT_EQ(-EOPNOTSUPP, ch.err);
	EXPECT_NE(NULL, strstr(isolate_last_error(), "file_open")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_STREQ("", program(&ch, "file_open"));
}

static int task_alloc_with_int_flags(struct btf *btf, int *out)
{
	out[0] = ptr_to(btf, "task_struct", false);
	out[1] = int_type(btf, "unsigned int", 4, false);
	return 2;
}

TEST(an_integer_of_another_size_is_refused)
{
	struct choices ch;

	ASSERT_EQ(0, choose_variant("task_alloc", task_alloc_with_int_flags, &ch));
	EXPECT_EQ(-EOPNOTSUPP, ch.err);
	EXPECT_STREQ("", program(&ch, "task_alloc"));
}

static int chown_with_wide_ids(struct btf *btf, int *out)
{
	int path = btf__find_by_name_kind(btf, "path", BTF_KIND_STRUCT);
	int wide = btf__add_struct(btf, "wide_id", 16);

	out[0] = btf__add_ptr(btf, btf__add_const(btf, path));
	out[1] = wide;
	out[2] = wide;
	return path < 0 || wide < 0 ? -1 : 3;
}

/* `void *` stands for an unread argument of one register, not of two. */
TEST(an_unread_argument_wider_than_a_register_is_refused)
{
	struct choices ch;

	ASSERT_EQ(0, choose_variant("path_chown", chown_with_wide_ids, &ch));
	EXPECT_EQ(-EOPNOTSUPP, ch.err);
	EXPECT_STREQ("", program(&ch, "path_chown"));
}

static int d_instantiate_params(struct btf *btf, int *out)
{
	out[0] = ptr_to(btf, "dentry", false);
	out[1] = ptr_to(btf, "inode", false);
	return 2;
}

/* The same parameters, but a verdict returned where the program gives none. */
TEST(a_hook_that_returns_what_the_program_does_not_is_refused)
{
	struct choices ch;

	ASSERT_EQ(0, choose_variant("d_instantiate", d_instantiate_params, &ch));
	EXPECT_EQ(-EOPNOTSUPP, ch.err);
	EXPECT_NE(NULL, strstr(isolate_last_error(), "d_instantiate")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_STREQ("", program(&ch, "d_instantiate"));
	EXPECT_STREQ("isolate_file_open", program(&ch, "file_open"));
}

TEST(a_missing_hook_is_refused_with_its_name)
{
	struct choices ch;

	ASSERT_EQ(0, choose_variant("userns_create", NULL, &ch));
	EXPECT_EQ(-EOPNOTSUPP, ch.err);
	EXPECT_NE(NULL, strstr(isolate_last_error(), "no userns_create hook")) {
		TH_LOG("%s", isolate_last_error());
	}
	ASSERT_NE(NULL, hook(&ch, "userns_create"));
	EXPECT_FALSE(hook(&ch, "userns_create")->kernel_has_hook);
}

TEST(an_unreadable_btf_is_an_error)
{
	struct choices ch;

	choose("tests/data/no-such-file.btf", &ch);
	EXPECT_EQ(-ENOENT, ch.err);
	EXPECT_EQ(0U, ch.n);
}

TEST_HARNESS_MAIN
