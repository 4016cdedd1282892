/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgblk-ctl: drive the sgblk bio builder (/dev/sgblk-ctl) and read or set
 * the per-disk debugfs files.  Shared declarations for sgblk-ctl.c
 * (dispatch, --help), ctl-opts.c (errors and option parsing), ctl-ubuf.c
 * (the user buffer of biogen and its data check), ctl-biogen.c (biogen),
 * ctl-stats.c (stats, hist, profile) and ctl-watch.c (stats --interval).
 *
 * Exit status: 0 success; 1 a system call failed (the reason, with its errno
 * name, goes to stderr); 2 usage error; 3 the job ran but found bio errors,
 * data mismatches or a checksum disagreement.
 */
#ifndef SGBLK_CTL_H
#define SGBLK_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sgblk_ioctl.h>

#define PROG		"sgblk-ctl"
#define EXIT_SYS	1
#define EXIT_USAGE	2
#define EXIT_DATA	3
/*
 * A command saw --help: it returns this, and main() prints the help (the
 * commands' files never call back into sgblk-ctl.c).
 */
#define CMD_HELP	(-1)

#define PAGE		4096UL

/* debugfs: the driver's directory (SGBLK_DEBUGFS overrides it) */
#define DBG_ROOT	"/sys/kernel/debug/sgblk"

/* ctl-opts.c */
int sys_fail(const char *what);
void json_error(bool json);
int usage_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool parse_size(const char *s, uint64_t *out);
bool parse_signed(const char *s, uint64_t *out);
int opt_num(const char *opt, const char *arg, uint64_t max, uint64_t *out);
bool parse_disk(const char *s, int32_t *index, char *name);
/* The options of stats, hist and profile; interval and count: stats only. */
struct dbg_opts {
	char disk[SGBLK_DISK_NAME_LEN];
	bool disk_given;
	bool json;
	double interval;	/* seconds; 0: no live view */
	unsigned long count;	/* live view reports; 0: no end */
};

int parse_dbg_opts(int argc, char **argv, struct dbg_opts *o);	/* or CMD_HELP */

/* ctl-ubuf.c: the data check, the user buffer and its iovec layouts */
struct check {
	uint64_t seed;
	uint64_t bad_block;	/* last block counted + 1; 0 = none */
	uint64_t mismatches;
	uint64_t first;
};

struct layout_ent {
	uint64_t len;	/* 0: the whole remaining length (contig) */
	uint64_t off;
};

struct ubuf {
	struct sgblk_iovec *iov;
	void **region;
	size_t *region_len;
	unsigned int n;
};

int parse_layout(const char *arg, struct layout_ent **out, unsigned int *n);
int ubuf_build(struct ubuf *b, const struct layout_ent *ents,
	       unsigned int nents, uint64_t len);
void ubuf_free(struct ubuf *b);
void ubuf_fill(struct ubuf *b, uint64_t seed, uint64_t devoff);
void ubuf_poison(struct ubuf *b);
uint64_t ubuf_checksum(struct ubuf *b);
void ubuf_check(struct ubuf *b, struct check *ck, uint64_t devoff);

/* ctl-biogen.c */
int cmd_biogen(int argc, char **argv);	/* or CMD_HELP */

/* ctl-stats.c: stats, hist and profile (@cmd), after their options; or CMD_HELP */
int cmd_debugfs(const char *cmd, int argc, char **argv);

/* ctl-watch.c: stats --interval */
int stats_watch(const char *root, const char *only, double interval,
		unsigned long count, bool json);

#endif
