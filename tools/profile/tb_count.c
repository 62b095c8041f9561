// SPDX-License-Identifier: GPL-2.0
/*
 * A qemu TCG plugin: how many times each translation block of the guest's
 * kernel ran. Written at exit to the file given as out=PATH, one block a
 * line: "ADDRESS INSTRUCTIONS EXECUTIONS" (hex, decimal, decimal).
 * tools/profile/attribute turns two such files into instructions per
 * operation by kernel function.
 *
 * Debian ships no qemu-plugin.h: the few entry points used are declared
 * here, as qemu's plugin API (version 1 and later) defines them.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*atexit_cb)(qemu_plugin_id_t id, void *data);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, atexit_cb cb, void *data);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

/* x86-64 kernel addresses: the upper half. */
#define KERNEL_START 0xffff800000000000ULL
#define BUCKETS (1U << 20)

/* A block is retranslated now and then: one counter per (address, length). */
struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t runs;	/* added to by the translated code itself */
	struct block *next;
};

static struct block **buckets;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *out_path;

static struct block *block_of(uint64_t vaddr, uint64_t insns)
{
	uint32_t h = (uint32_t)(((vaddr ^ (insns << 52)) * 0x9e3779b97f4a7c15ULL) >> 44);
	struct block *b;

	for (b = buckets[h]; b; b = b->next)
		if (b->vaddr == vaddr && b->insns == insns)
			return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->vaddr = vaddr;
	b->insns = insns;
	b->next = buckets[h];
	buckets[h] = b;
	return b;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	struct block *b;

	if (vaddr < KERNEL_START)
		return;
	pthread_mutex_lock(&lock);
	b = block_of(vaddr, qemu_plugin_tb_n_insns(tb));
	pthread_mutex_unlock(&lock);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->runs, 1);
}

static void on_exit_write(qemu_plugin_id_t id, void *data)
{
	FILE *f = fopen(out_path, "w");

	if (!f) {
		perror(out_path);
		return;
	}
	for (uint32_t i = 0; i < BUCKETS; i++)
		for (struct block *b = buckets[i]; b; b = b->next)
			if (b->runs)
				fprintf(f, "%llx %llu %llu\n", (unsigned long long)b->vaddr,
					(unsigned long long)b->insns, (unsigned long long)b->runs);
	fclose(f);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc,
			       char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
	if (!out_path) {
		fprintf(stderr, "tb_count: give out=PATH\n");
		return -1;
	}
	buckets = calloc(BUCKETS, sizeof(*buckets));
	if (!buckets)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_write, NULL);
	return 0;
}
