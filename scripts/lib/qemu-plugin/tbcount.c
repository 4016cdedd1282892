// SPDX-License-Identifier: GPL-2.0
/*
 * tbcount: a QEMU TCG plugin that counts the guest instructions executed
 * per translation block, exactly, between two markers the guest sets.
 *
 * Sampling a deterministic (icount) guest with a periodic clock aliases: a
 * fixed period locks onto the phase of a periodic workload and
 * misattributes whole functions.  Counting every executed block has no
 * such error.  The guest marks a window by executing `xchg %bx,%bx`
 * (66 87 db, a no-op; sgblk-mark does it) or, on arm64, `orr x3,x3,x3`
 * (aa030063, a no-op no compiler emits): the first marker snapshots the
 * counters, the second writes what ran since, as "window N" followed by
 * "VADDR INSNS EXECS" lines (hex address of the block's first
 * instruction, instructions in the block, executions in the window).
 * Blocks are attributed to the function of their first instruction.
 *
 * Usage: qemu-system-x86_64 (or -aarch64) ... -plugin tbcount.so,out=FILE  (one vCPU:
 * the counters are plain, as QEMU's inline ops are).
 * Built against QEMU's plugin API version 1 (QEMU 7.x); the few entry
 * points used are declared below.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API __attribute__((visibility("default")))

/* QEMU plugin API v1: only what is used here */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*vcpu_udata_cb)(unsigned int vcpu, void *udata);
typedef void (*udata_cb)(qemu_plugin_id_t id, void *udata);
enum { PLUGIN_CB_NO_REGS = 0 };
enum { PLUGIN_INLINE_ADD_U64 = 0 };
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, int op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    vcpu_udata_cb cb, int flags, void *udata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb cb, void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t i);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

API int qemu_plugin_version = 1;

struct block {
	uint64_t vaddr;
	uint64_t execs;		/* updated inline by the translated code */
	uint64_t base;		/* execs at the window's start */
	uint32_t insns;
	struct block *next;	/* hash chain */
	struct block *all;	/* every block, for snapshots and dumps */
};

#define NBUCKETS (1u << 20)
static struct block **buckets;
static struct block *blocks;
static FILE *out;
static bool open_window;
static unsigned int windows;

static struct block *block_get(uint64_t vaddr, uint32_t insns)
{
	uint64_t h = (vaddr ^ (vaddr >> 20) ^ ((uint64_t)insns << 40)) * 0x9e3779b97f4a7c15ull;
	struct block **head = &buckets[h >> 44];
	struct block *b;

	for (b = *head; b; b = b->next)
		if (b->vaddr == vaddr && b->insns == insns)
			return b;
	b = calloc(1, sizeof(*b));
	if (!b) {
		fprintf(stderr, "tbcount: out of memory\n");
		abort();
	}
	b->vaddr = vaddr;
	b->insns = insns;
	b->next = *head;
	*head = b;
	b->all = blocks;
	blocks = b;
	return b;
}

static void marker(unsigned int vcpu, void *udata)
{
	struct block *b;

	(void)vcpu;
	(void)udata;
	if (!open_window) {
		for (b = blocks; b; b = b->all)
			b->base = b->execs;
		open_window = true;
		return;
	}
	fprintf(out, "window %u\n", windows++);
	for (b = blocks; b; b = b->all)
		if (b->execs != b->base)
			fprintf(out, "%llx %u %llu\n", (unsigned long long)b->vaddr, b->insns,
				(unsigned long long)(b->execs - b->base));
	fflush(out);
	open_window = false;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	static const unsigned char mark[] = { 0x66, 0x87, 0xdb };
	static const unsigned char mark_a64[] = { 0x63, 0x00, 0x03, 0xaa };
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	struct block *b = block_get(qemu_plugin_tb_vaddr(tb), (uint32_t)n);

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, PLUGIN_INLINE_ADD_U64, &b->execs, 1);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		size_t len = qemu_plugin_insn_size(insn);
		const void *data = qemu_plugin_insn_data(insn);

		if ((len == sizeof(mark) && !memcmp(data, mark, sizeof(mark))) ||
		    (len == sizeof(mark_a64) && !memcmp(data, mark_a64, sizeof(mark_a64))))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, marker, PLUGIN_CB_NO_REGS,
							       NULL);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (out)
		fclose(out);
}

API int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
	const char *path = NULL;
	int i;

	(void)info;
	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
	if (!path) {
		fprintf(stderr, "tbcount: usage: -plugin tbcount.so,out=FILE\n");
		return 1;
	}
	out = fopen(path, "w");
	buckets = calloc(NBUCKETS, sizeof(*buckets));
	if (!out || !buckets) {
		fprintf(stderr, "tbcount: cannot open %s or allocate\n", path);
		return 1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
