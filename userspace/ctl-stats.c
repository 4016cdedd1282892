// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-ctl stats, hist and profile: read (and reset, or set) a disk's
 * debugfs files, as text or --json.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"

static const char *dbg_root(void)
{
	const char *root = getenv("SGBLK_DEBUGFS");

	return root && *root ? root : DBG_ROOT;
}

static void dbg_path(char *buf, size_t n, const char *disk, const char *file)
{
	snprintf(buf, n, "%s/%s/%s", dbg_root(), disk, file);
}

static FILE *dbg_open(const char *disk, const char *file, const char *mode)
{
	char path[PATH_MAX];
	FILE *f;

	dbg_path(path, sizeof(path), disk, file);
	f = fopen(path, mode);
	if (!f) {
		int e = errno;

		fprintf(stderr, "%s: open %s: %s (%s)%s\n", PROG, path, strerror(e),
			strerrorname_np(e) ? strerrorname_np(e) : "?",
			e == ENOENT ? " - is sgblk loaded and debugfs mounted?" : "");
	}
	return f;
}

/*
 * Write @val to a debugfs file; write() returns the kernel's verdict, left
 * in errno on failure.
 */
static int dbg_write(const char *disk, const char *file, const char *val)
{
	char path[PATH_MAX];
	ssize_t w;
	int fd;

	dbg_path(path, sizeof(path), disk, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		char what[PATH_MAX + 8];

		snprintf(what, sizeof(what), "open %s", path);
		return sys_fail(what);
	}
	w = write(fd, val, strlen(val));
	if (w < 0) {
		char what[PATH_MAX + 64];
		int e = errno;

		snprintf(what, sizeof(what), "%s: cannot set '%s'", file, val);
		close(fd);
		errno = e;
		return sys_fail(what);
	}
	close(fd);
	return 0;
}

/*
 * Open a debugfs file to report it: the JSON object is opened, or the text
 * title ("sgblk0 counters") printed.
 */
static FILE *dbg_report(const char *disk, const char *file, const char *title,
			bool json)
{
	FILE *f = dbg_open(disk, file, "r");

	if (!f)
		return NULL;
	if (json)
		printf("{\"disk\":\"%s\"", disk);
	else if (title)
		printf("%s %s\n", disk, title);
	return f;
}

/* A debugfs command: its options and the words after them. */
struct dbg_cmd {
	const struct dbg_opts *o;
	int argc;
	char **argv;
};

static int cmd_stats(const struct dbg_cmd *c)
{
	const char *disk = c->o->disk;
	bool json = c->o->json, first = true;
	unsigned long long v;
	char name[64];
	FILE *f;
	int ret;

	if (c->o->interval) {
		if (c->argc)
			return usage_fail("stats: --interval takes no '%s'", c->argv[0]);
		return stats_watch(dbg_root(), c->o->disk_given ? disk : NULL,
				   c->o->interval, c->o->count, json);
	}
	if (c->argc) {
		if (c->argc != 1 ||
		    (strcmp(c->argv[0], "reset") != 0 && strcmp(c->argv[0], "0") != 0))
			return usage_fail("stats: only 'reset' may follow, not '%s'",
					  c->argv[0]);
		ret = dbg_write(disk, "stats", "0\n");
		if (!ret && !json)
			printf("%s: counters reset\n", disk);
		return ret;
	}
	f = dbg_report(disk, "stats", "counters", json);
	if (!f)
		return EXIT_SYS;
	/*
	 * The driver's own seq_printf of u64 counters; a line that does not
	 * scan ends the loop, and no counters at all is an error below.
	 */
	while (fscanf(f, "%63s %llu", name, &v) == 2) { /* NOLINT(cert-err34-c) */
		if (json)
			printf(",\"%s\":%llu", name, v);
		else
			printf("  %-18s %20llu\n", name, v);
		first = false;
	}
	if (json)
		printf("}\n");
	fclose(f);
	if (first) {
		fprintf(stderr, "%s: stats: no counters read\n", PROG);
		return EXIT_SYS;
	}
	return 0;
}

static int cmd_hist(const struct dbg_cmd *c)
{
	const char *disk = c->o->disk;
	char name[64], prev[64] = "";
	unsigned long long lo, hi, n;
	bool json = c->o->json, any = false;
	FILE *f;

	if (c->argc)
		return usage_fail("hist: unexpected argument '%s'", c->argv[0]);
	f = dbg_report(disk, "hist", NULL, json);
	if (!f)
		return EXIT_SYS;
	/* The driver's own u64 buckets, as for stats above. */
	while (fscanf(f, "%63s %llu-%llu %llu", name, &lo, &hi, &n) == 4) { /* NOLINT(cert-err34-c) */
		bool new = strcmp(name, prev) != 0;

		if (json) {
			if (new)
				printf("%s,\"%s\":[", any ? "]" : "", name);
			printf("%s{\"lo\":%llu,\"hi\":%llu,\"count\":%llu}",
			       new ? "" : ",", lo, hi, n);
		} else {
			if (new)
				printf("%s%s\n", any ? "\n" : "", name);
			if (n) {
				char range[48];

				if (hi == ULLONG_MAX)
					snprintf(range, sizeof(range), ">= %llu", lo);
				else if (lo == hi)
					snprintf(range, sizeof(range), "%llu", lo);
				else
					snprintf(range, sizeof(range), "%llu-%llu", lo, hi);
				printf("  %-24s %14llu\n", range, n);
			}
		}
		snprintf(prev, sizeof(prev), "%s", name);
		any = true;
	}
	fclose(f);
	if (json)
		printf("%s}\n", any ? "]" : "");
	if (!any) {
		fprintf(stderr, "%s: hist: nothing read\n", PROG);
		return EXIT_SYS;
	}
	return 0;
}

/*
 * The driver's preset names, the first word of each line of its presets
 * file, space separated into @list; whether @name is one of them.  -1 if
 * the file cannot be read.
 */
static int preset_names(const char *name, char *list, size_t n)
{
	char path[PATH_MAX], line[256], word[64];
	size_t used = 0;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/presets", dbg_root());
	f = fopen(path, "r");
	if (!f)
		return -1;
	list[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		int w;

		if (sscanf(line, "%63s", word) != 1)
			continue;
		found |= !strcmp(word, name);
		/* a name cut short ends the list */
		w = used < n ? snprintf(list + used, n - used, "%s%s",
					used ? " " : "", word) : 0;
		if (w > 0)
			used += w;
	}
	fclose(f);
	return found;
}

/*
 * The driver refused a profile write with EINVAL (it alone judges names and
 * values): say why.  Without '=' the whole value was taken as a preset name.
 */
static void profile_rejected(const char *val)
{
	char list[512];
	int known;

	if (strchr(val, '=')) {
		fprintf(stderr, "%s: profile: the driver refused the key=value pairs: an unknown key, a value that is not a number, or no valid profile (see %s help)\n",
			PROG, PROG);
		return;
	}
	known = preset_names(val, list, sizeof(list));
	if (known < 0)
		fprintf(stderr, "%s: profile: no preset '%s' (see %s/presets)\n",
			PROG, val, dbg_root());
	else if (!known)
		fprintf(stderr, "%s: profile: no preset '%s'; the driver has: %s\n",
			PROG, val, list);
}

/* Set the profile to the words after the options, joined by blanks. */
static int profile_set(const struct dbg_cmd *c)
{
	char buf[512] = "";
	size_t used = 0;
	int i, ret;

	for (i = 0; i < c->argc; i++) {
		int w = snprintf(buf + used, sizeof(buf) - used, "%s%s",
				 i ? " " : "", c->argv[i]);

		if (w < 0 || (size_t)w >= sizeof(buf) - used)
			return usage_fail("profile: value too long");
		used += w;
	}
	ret = dbg_write(c->o->disk, "profile", buf);
	if (ret && errno == EINVAL)
		profile_rejected(buf);
	return ret;
}

static int cmd_profile(const struct dbg_cmd *c)
{
	const char *disk = c->o->disk;
	char line[256], key[64], val[128];
	bool json = c->o->json, first = true;
	FILE *f;
	int ret;

	if (c->argc) {
		ret = profile_set(c);
		if (ret)
			return ret;
	}
	f = dbg_report(disk, "profile", "profile", json);
	if (!f)
		return EXIT_SYS;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %127s", key, val) != 2)
			continue;
		if (json) {
			/* A JSON number: digits, no sign, no leading zero. */
			bool num = val[0] >= '1' && val[0] <= '9' &&
				   strspn(val, "0123456789") == strlen(val);

			num |= !strcmp(val, "0");
			printf(num ? ",\"%s\":%s" : ",\"%s\":\"%s\"", key, val);
		} else {
			printf("  %-16s %s\n", key, val);
		}
		first = false;
	}
	if (json)
		printf("}\n");
	fclose(f);
	return first ? EXIT_SYS : 0;
}

/*
 * stats, hist, profile: "[--disk D] [--json] [ARGS...]" (stats also takes
 * --interval and --count), parsed once here.
 */
int cmd_debugfs(const char *cmd, int argc, char **argv)
{
	struct dbg_opts o = { .disk = "sgblk0" };
	struct dbg_cmd c = { .o = &o };
	int ret;

	ret = parse_dbg_opts(argc, argv, &o);
	if (ret)
		return ret;
	if (o.interval && strcmp(cmd, "stats") != 0)
		return usage_fail("%s: --interval is for stats only", cmd);
	c.argc = argc - optind;
	c.argv = argv + optind;
	if (!strcmp(cmd, "stats"))
		return cmd_stats(&c);
	if (!strcmp(cmd, "hist"))
		return cmd_hist(&c);
	return cmd_profile(&c);
}
