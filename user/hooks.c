// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Which of our LSM programs may attach on a given kernel. A program reads
 * its arguments by position, typed as it declared them; a kernel whose
 * hook has other parameters (they change between releases) would make it
 * misread them, or be refused by the verifier. So each program carries the
 * prototype it was written for (ISOLATE_HOOK_TAG, a BTF decl tag), and it
 * is loaded only where the kernel's bpf_lsm_<hook> has the same one. A
 * hook with no matching program is named in the refusal: nothing attaches
 * with a guess.
 *
 * Types are compared as C spells them ("long unsigned int" is spelled
 * "unsigned long"); integers also match by size and signedness, through
 * typedefs (u64 and unsigned long). Other typedefs and every pointer are
 * compared by name: a kernel that changes one is a kernel to look at first.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "isolate_bpf.skel.h"
#include "user/internal.h"

#define MAX_PARAMS	12
#define TYPE_LEN	128

/* A prototype: parameter types, canonically spelled. */
struct proto {
	int n;
	char type[MAX_PARAMS][TYPE_LEN];
	bool optional;		/* a hook some kernels lack (ISOLATE_HOOK_OPTIONAL) */
	bool returns_int;	/* a verdict, which the program takes and returns; else void */
};

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool is_int_word(const char *w)
{
	static const char *const words[] = {
		"unsigned", "signed", "int", "long", "short", "char", "_Bool",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/* One spelling per integer type: "unsigned long", "long long", "char"... */
static const char *canonical_int(const char (*words)[32], int n, char *out, size_t len)
{
	int longs = 0;
	bool is_unsigned = false, is_signed = false, is_short = false, is_char = false,
	     is_bool = false;

	for (int i = 0; i < n; i++) {
		longs += !strcmp(words[i], "long");
		is_unsigned |= !strcmp(words[i], "unsigned");
		is_signed |= !strcmp(words[i], "signed");
		is_short |= !strcmp(words[i], "short");
		is_char |= !strcmp(words[i], "char");
		is_bool |= !strcmp(words[i], "_Bool");
	}
	snprintf(out, len, "%s%s", is_unsigned ? "unsigned " : is_signed && is_char ? "signed " : "",
		 is_bool ? "_Bool" : is_char ? "char" : is_short ? "short" :
		 longs >= 2 ? "long long" : longs == 1 ? "long" : "int");
	return out;
}

/*
 * Canonical spelling of a C type: tokens (words and '*') separated by one
 * space, integer keywords in one order. With drop_name, the last word is a
 * parameter name and is left out. Returns -EINVAL for what is not a type.
 */
static int canonical_type(const char *text, bool drop_name, char *out, size_t len)
{
	char tokens[24][32], word[32];
	int n = 0;
	size_t used = 0;

	for (const char *p = text; *p;) {
		size_t k = 0;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (n == 24 || (*p != '*' && !is_ident_char(*p)))
			return -EINVAL;
		if (*p == '*') {
			strcpy(tokens[n++], "*");
			p++;
			continue;
		}
		while (is_ident_char(*p) && k < sizeof(tokens[0]) - 1)
			tokens[n][k++] = *p++;
		if (is_ident_char(*p))
			return -EINVAL;
		tokens[n++][k] = 0;
	}
	if (drop_name) {
		if (n < 2 || !strcmp(tokens[n - 1], "*"))
			return -EINVAL;
		n--;
	}
	if (!n)
		return -EINVAL;
	for (int i = 0; i < n;) {
		const char *tok = tokens[i++];

		if (is_int_word(tok)) {
			int first = i - 1;

			while (i < n && is_int_word(tokens[i]))
				i++;
			tok = canonical_int(&tokens[first], i - first, word, sizeof(word));
		}
		used += snprintf(out + used, len > used ? len - used : 0, "%s%s",
				 used ? " " : "", tok);
		if (used >= len)
			return -EINVAL;
	}
	return 0;
}

/*
 * Parses "HOOK(TYPE NAME, ..., int ret)", or "HOOK?(...)" for an optional
 * hook, into the hook and its parameters; without "int ret" last, a hook
 * that returns nothing.
 */
static int parse_tag(const char *tag, char *hook, size_t hook_len, struct proto *p)
{
	const char *open = strchr(tag, '('), *end = strrchr(tag, ')');
	size_t optional_len = strlen(ISOLATE_HOOK_OPTIONAL), name_len;
	char param[TYPE_LEN * 2];

	if (!open || !end || end[1] || open == tag)
		return -EINVAL;
	name_len = open - tag;
	p->optional = name_len > optional_len &&
		      !strncmp(open - optional_len, ISOLATE_HOOK_OPTIONAL, optional_len);
	if (p->optional)
		name_len -= optional_len;
	if (name_len >= hook_len)
		return -EINVAL;
	snprintf(hook, hook_len, "%.*s", (int)name_len, tag);
	p->n = 0;
	for (const char *s = open + 1; s < end;) {
		const char *comma = memchr(s, ',', end - s);
		size_t k = (comma ? comma : end) - s;

		if (p->n == MAX_PARAMS || k >= sizeof(param))
			return -EINVAL;
		memcpy(param, s, k);
		param[k] = 0;
		if (canonical_type(param, true, p->type[p->n++], TYPE_LEN))
			return -EINVAL;
		s += k + (comma != NULL);
	}
	/* BPF_PROG's last argument, where the hook returns int: what the hooks before ours decided. */
	p->returns_int = p->n && !strcmp(p->type[p->n - 1], "int") && strstr(open, " ret)");
	if (p->returns_int)
		p->n--;
	return 0;
}

/* A BTF type, spelled as C would (the spelling canonical_type expects). */
static int spell(const struct btf *btf, __u32 id, char *out, size_t len, int depth)
{
	const struct btf_type *t = id ? btf__type_by_id(btf, id) : NULL;
	char inner[TYPE_LEN];
	const char *kw;

	if (!id)
		return snprintf(out, len, "void") >= (int)len ? -EINVAL : 0;
	if (!t || depth > 8)
		return -EINVAL;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		if (spell(btf, t->type, inner, sizeof(inner), depth + 1))
			return -EINVAL;
		return snprintf(out, len, "%s *", inner) >= (int)len ? -EINVAL : 0;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE: {
		const struct btf_type *under = btf__type_by_id(btf, t->type);

		kw = btf_is_const(t) ? "const" : "volatile";
		if (spell(btf, t->type, inner, sizeof(inner), depth + 1))
			return -EINVAL;
		/* A qualified pointer is written after the star. */
		if (under && btf_is_ptr(under))
			return snprintf(out, len, "%s %s", inner, kw) >= (int)len ? -EINVAL : 0;
		return snprintf(out, len, "%s %s", kw, inner) >= (int)len ? -EINVAL : 0;
	}
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return spell(btf, t->type, out, len, depth + 1);
	case BTF_KIND_INT:
	case BTF_KIND_TYPEDEF:
		kw = "";
		break;
	case BTF_KIND_STRUCT:
		kw = "struct ";
		break;
	case BTF_KIND_UNION:
		kw = "union ";
		break;
	case BTF_KIND_FWD:
		kw = btf_kflag(t) ? "union " : "struct ";
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		kw = "enum ";
		break;
	default:
		return -EINVAL;
	}
	if (snprintf(inner, sizeof(inner), "%s%s", kw, btf__name_by_offset(btf, t->name_off)) >=
	    (int)sizeof(inner))
		return -EINVAL;
	return canonical_type(inner, false, out, len);
}

/* Whether a parameter fits in one register: what a `void *` may stand for. */
static bool one_register(const struct btf *btf, __u32 id)
{
	int resolved = btf__resolve_type(btf, id);
	const struct btf_type *t = resolved < 0 ? NULL : btf__type_by_id(btf, resolved);

	if (!t)
		return false;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return true;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return t->size <= 8;
	default:
		return false;
	}
}

#define LSM_FUNC_PREFIX "bpf_lsm_"

/*
 * The kernel's bpf_lsm_* functions, found in one pass over its BTF (a
 * search by name is a pass each, over some hundred thousand types).
 */
struct lsm_funcs {
	size_t n;
	struct { const char *hook; __u32 id; } f[512];
};

static void find_lsm_funcs(const struct btf *btf, struct lsm_funcs *out)
{
	size_t prefix = strlen(LSM_FUNC_PREFIX);
	__u32 count = btf__type_cnt(btf);

	out->n = 0;
	for (__u32 id = 1; id < count && out->n < sizeof(out->f) / sizeof(out->f[0]); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!strncmp(name, LSM_FUNC_PREFIX, prefix)) {
			out->f[out->n].hook = name + prefix;
			out->f[out->n++].id = id;
		}
	}
}

/*
 * The kernel's prototype of hook, spelled, into *p and text; -ENOENT when
 * the kernel offers no such hook to BPF, -EINVAL when a parameter cannot
 * be spelled. ids gets the parameters' type ids.
 */
static int kernel_proto(const struct btf *btf, const struct lsm_funcs *funcs, const char *hook,
			struct proto *p, __u32 *ids, char *text, size_t len)
{
	const struct btf_type *func = NULL, *proto;
	const struct btf_param *params;
	size_t used = 0;

	text[0] = 0;
	for (size_t i = 0; i < funcs->n && !func; i++)
		if (!strcmp(funcs->f[i].hook, hook))
			func = btf__type_by_id(btf, funcs->f[i].id);
	if (!func)
		return -ENOENT;
	proto = func ? btf__type_by_id(btf, func->type) : NULL;
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) > MAX_PARAMS)
		return -EINVAL;
	params = btf_params(proto);
	p->n = btf_vlen(proto);
	for (int i = 0; i < p->n; i++) {
		if (spell(btf, params[i].type, p->type[i], TYPE_LEN, 0))
			return -EINVAL;
		ids[i] = params[i].type;
		used += snprintf(text + used, len > used ? len - used : 0, "%s%s",
				 i ? ", " : "", p->type[i]);
	}
	/* Our programs return the hook's int verdict, or nothing. */
	if (spell(btf, proto->type, text + used, len > used ? len - used : 0, 0)) {
		text[used] = 0;
		return -EINVAL;
	}
	p->returns_int = !strcmp(text + used, "int");
	if (!p->returns_int && strcmp(text + used, "void")) {
		text[used] = 0;
		return -EINVAL;
	}
	text[used] = 0;
	return 0;
}

/* Size and signedness of an integer type; false for other types. */
struct int_shape {
	unsigned int size;
	bool is_signed;
};

static bool kernel_int_shape(const struct btf *btf, int id, struct int_shape *shape)
{
	const struct btf_type *t;

	id = id < 0 ? id : btf__resolve_type(btf, id);
	t = id < 0 ? NULL : btf__type_by_id(btf, id);
	if (!t || !btf_is_int(t))
		return false;
	shape->size = t->size;
	shape->is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
	return true;
}

/*
 * The shape of an integer type as a program spells it (canonically): by
 * its keywords (LP64, as BPF and x86_64 are), or the kernel's typedef of
 * that name.
 */
static bool spelled_int_shape(const struct btf *btf, const char *type, struct int_shape *shape)
{
	static const struct { const char *name; unsigned int size; bool is_signed; } ints[] = {
		{ "char", 1, true }, { "signed char", 1, true }, { "unsigned char", 1, false },
		{ "short", 2, true }, { "unsigned short", 2, false },
		{ "int", 4, true }, { "unsigned int", 4, false },
		{ "long", 8, true }, { "unsigned long", 8, false },
		{ "long long", 8, true }, { "unsigned long long", 8, false },
		{ "_Bool", 1, false },
	};

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (!strcmp(type, ints[i].name)) {
			shape->size = ints[i].size;
			shape->is_signed = ints[i].is_signed;
			return true;
		}
	}
	return kernel_int_shape(btf, btf__find_by_name_kind(btf, type, BTF_KIND_TYPEDEF), shape);
}

/*
 * Whether a program that declared a parameter as type reads the kernel's
 * parameter (type id) right: the same type, or integers of the same size
 * and signedness under other names (u64 for unsigned long), or `void *`
 * for a one-register parameter it never reads.
 */
static bool param_matches(const struct btf *btf, const char *type, const char *kernel_type,
			  __u32 kernel_id)
{
	struct int_shape mine, theirs;

	if (!strcmp(type, kernel_type))
		return true;
	if (!strcmp(type, "void *"))
		return one_register(btf, kernel_id);
	return kernel_int_shape(btf, kernel_id, &theirs) && spelled_int_shape(btf, type, &mine) &&
	       mine.size == theirs.size && mine.is_signed == theirs.is_signed;
}

static bool proto_matches(const struct btf *btf, const struct proto *kernel, const __u32 *ids,
			  const struct proto *prog)
{
	if (kernel->n != prog->n || kernel->returns_int != prog->returns_int)
		return false;
	for (int i = 0; i < prog->n; i++)
		if (!param_matches(btf, prog->type[i], kernel->type[i], ids[i]))
			return false;
	return true;
}

/* The hook of an LSM program, from its section; NULL for other programs. */
static const char *hook_of(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);

	if (!strncmp(sec, "lsm/", 4))
		return sec + 4;
	return NULL;
}

/* The prototype prog declares (its ISOLATE_HOOK_TAG decl tag). */
static int program_proto(const struct btf *obj_btf, const struct bpf_program *prog,
			 struct proto *p)
{
	const char *name = bpf_program__name(prog), *hook = hook_of(prog);
	size_t prefix = strlen(ISOLATE_HOOK_TAG);
	__u32 count = btf__type_cnt(obj_btf);
	char tag_hook[64];

	for (__u32 id = 1; id < count; id++) {
		const struct btf_type *t = btf__type_by_id(obj_btf, id), *target;
		const char *tag;

		if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1)
			continue;
		target = btf__type_by_id(obj_btf, t->type);
		tag = btf__name_by_offset(obj_btf, t->name_off);
		if (!target || !btf_is_func(target) ||
		    strcmp(btf__name_by_offset(obj_btf, target->name_off), name) ||
		    strncmp(tag, ISOLATE_HOOK_TAG, prefix))
			continue;
		if (parse_tag(tag + prefix, tag_hook, sizeof(tag_hook), p) ||
		    strcmp(tag_hook, hook))
			return set_error(-EPROTO, "program %s: its hook prototype \"%s\" does not parse or names another hook than %s",
					 name, tag + prefix, hook);
		return 0;
	}
	return set_error(-EPROTO, "program %s declares no hook prototype (ISOLATE_HOOK)", name);
}

/* The choice for hook in out[0..*n), added if new. */
static struct isolate_hook_choice *choice_for(struct isolate_hook_choice *out, size_t max,
					      size_t *n, const char *hook)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(out[i].hook, hook))
			return &out[i];
	if (*n == max)
		return NULL;
	memset(&out[*n], 0, sizeof(out[*n]));
	snprintf(out[*n].hook, sizeof(out[*n].hook), "%s", hook);
	return &out[(*n)++];
}

int hooks_choose(struct bpf_object *obj, const struct btf *kernel,
		 struct isolate_hook_choice *out, size_t max, size_t *n)
{
	const struct btf *obj_btf = bpf_object__btf(obj);
	struct lsm_funcs *funcs;
	struct bpf_program *prog;
	int err = 0;

	*n = 0;
	if (!obj_btf)
		return set_error(-EPROTO, "the BPF object has no BTF");
	funcs = malloc(sizeof(*funcs));
	if (!funcs)
		return set_error(-ENOMEM, "out of memory");
	find_lsm_funcs(kernel, funcs);
	bpf_object__for_each_program(prog, obj) {
		const char *hook = hook_of(prog);
		struct isolate_hook_choice *c;
		struct proto mine, theirs;
		__u32 ids[MAX_PARAMS];
		int kerr;

		if (!hook)
			continue;
		bpf_program__set_autoload(prog, false);
		err = program_proto(obj_btf, prog, &mine);
		if (err)
			break;
		c = choice_for(out, max, n, hook);
		if (!c) {
			err = set_error(-E2BIG, "more than %zu hooks", max);
			break;
		}
		kerr = kernel_proto(kernel, funcs, hook, &theirs, ids, c->prototype,
				    sizeof(c->prototype));
		c->kernel_has_hook = kerr != -ENOENT;
		c->optional = mine.optional;
		if (kerr || !proto_matches(kernel, &theirs, ids, &mine))
			continue;
		if (c->program[0]) {
			err = set_error(-EPROTO, "programs %s and %s both match the %s hook of this kernel",
					c->program, bpf_program__name(prog), hook);
			break;
		}
		snprintf(c->program, sizeof(c->program), "%s", bpf_program__name(prog));
		bpf_program__set_autoload(prog, true);
	}
	free(funcs);
	if (err)
		return err;
	for (size_t i = 0; i < *n; i++) {
		if (out[i].program[0] || (out[i].optional && !out[i].kernel_has_hook))
			continue;
		if (!out[i].kernel_has_hook)
			return set_error(-EOPNOTSUPP, "this kernel offers no %s hook to BPF LSM programs",
					 out[i].hook);
		return set_error(-EOPNOTSUPP, "no program of isolate's is written for this kernel's %s hook (%s): refusing to attach one that would misread it",
				 out[i].hook, out[i].prototype);
	}
	return 0;
}

int isolate_hook_choices(const char *btf_path, struct isolate_hook_choice *out, size_t max,
			 size_t *n)
{
	struct btf *kernel = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	struct isolate_bpf *skel;
	int err;

	*n = 0;
	quiet_libbpf();
	if (!kernel)
		return set_error(-errno, "cannot read the kernel's BTF from %s: %s",
				 btf_path ? btf_path : "/sys/kernel/btf/vmlinux", strerror(errno));
	skel = isolate_bpf__open();
	if (skel) {
		err = hooks_choose(skel->obj, kernel, out, max, n);
		isolate_bpf__destroy(skel);
	} else {
		err = set_error(-errno, "cannot open the BPF object: %s", strerror(errno));
	}
	btf__free(kernel);
	return err;
}
