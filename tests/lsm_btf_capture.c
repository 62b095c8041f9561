// SPDX-License-Identifier: GPL-2.0
/*
 * lsm-btf-capture VMLINUX OUT: writes the LSM hook prototypes of a kernel
 * (a vmlinux with .BTF, or raw BTF such as /sys/kernel/btf/vmlinux) to OUT
 * as a small raw BTF file, for tests/hook_choice_test.c. `make
 * capture-lsm-btf` refreshes tests/data/ from the VM kernels.
 */
#include <stdio.h>

#include "lsm_btf.h"

int main(int argc, char **argv)
{
	struct btf *src, *dst;
	const void *raw;
	__u32 size;
	FILE *out;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: lsm-btf-capture VMLINUX OUT\n");
		return 2;
	}
	src = btf__parse(argv[1], NULL);
	if (!src) {
		fprintf(stderr, "lsm-btf-capture: cannot read BTF from %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	dst = btf__new_empty();
	err = dst ? lsm_btf_copy_hooks(src, dst, NULL) : -ENOMEM;
	raw = err ? NULL : btf__raw_data(dst, &size);
	out = raw ? fopen(argv[2], "we") : NULL;
	if (!out || fwrite(raw, 1, size, out) != size || fclose(out)) {
		fprintf(stderr, "lsm-btf-capture: cannot write %s: %s\n", argv[2],
			strerror(err ? -err : errno));
		return 1;
	}
	btf__free(dst);
	btf__free(src);
	return 0;
}
