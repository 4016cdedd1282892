// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-ctl: error reporting and the option parsing the commands share
 * (numbers, disks, the debugfs commands' options).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"

/* The failed call's errno, named, on stderr; errno is kept for the caller. */
int sys_fail(const char *what)
{
	int e = errno;

	fprintf(stderr, "%s: %s: %s (%s)\n", PROG, what, strerror(e),
		strerrorname_np(e) ? strerrorname_np(e) : "?");
	errno = e;
	return EXIT_SYS;
}

/* With --json, a failed call is still one JSON object on stdout. */
void json_error(bool json)
{
	int e = errno;

	if (json)
		printf("{\"error\":\"%s\",\"errno\":%d,\"message\":\"%s\"}\n",
		       strerrorname_np(e) ? strerrorname_np(e) : "?", e, strerror(e));
	errno = e;
}

int usage_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s help)\n", PROG);
	return EXIT_USAGE;
}

/*
 * "4096", "64k", "1M", "0x1000": bytes; false on garbage or overflow.  It
 * must start with a digit: strtoull() would skip blanks and negate a sign.
 */
bool parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return false;
	}
	if (shift) {
		end++;
		if (!strcasecmp(end, "ib") || !strcasecmp(end, "b"))
			end += strlen(end);
		if (*end || v > (UINT64_MAX >> shift))
			return false;
	}
	*out = (uint64_t)v << shift;
	return true;
}


/* parse_size syntax, or '-' and that: stored as two's complement. */
bool parse_signed(const char *s, uint64_t *out)
{
	uint64_t v;

	if (*s != '-')
		return parse_size(s, out);
	if (!parse_size(s + 1, &v) || v > (uint64_t)INT64_MAX + 1)
		return false;
	*out = -v;
	return true;
}

/*
 * One numeric option: parse_size syntax, at most @max.  A bad value is a
 * usage error naming the option and the value as the user spelled them.
 */
int opt_num(const char *opt, const char *arg, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!parse_size(arg, &v))
		return usage_fail("bad %s '%s': want a number (0x hex; k, m, g: powers of 1024)",
				  opt, arg);
	if (v > max)
		return usage_fail("bad %s '%s': at most %" PRIu64, opt, arg, max);
	*out = v;
	return 0;
}

/* --disk: "sgblk3" or "3"; fills the debugfs name too. */
bool parse_disk(const char *s, int32_t *index, char *name)
{
	char *end;
	long v;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || *end || v > INT32_MAX)
			return false;
		*index = (int32_t)v;
		snprintf(name, SGBLK_DISK_NAME_LEN, "sgblk%ld", v);
		return true;
	}
	if (!*s || strlen(s) >= SGBLK_DISK_NAME_LEN)
		return false;
	for (end = (char *)s; *end; end++)
		if (!isalnum((unsigned char)*end) && *end != '-' && *end != '_')
			return false;
	*index = -1;
	snprintf(name, SGBLK_DISK_NAME_LEN, "%s", s);
	return true;
}

/*
 * Common "[--disk D] [--json] [--interval SEC [--count N]] [ARGS...]"
 * parsing; the command judges whether --interval applies to it.
 */
int parse_dbg_opts(int argc, char **argv, struct dbg_opts *o)
{
	static const struct option opts[] = {
		{ "disk", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	bool count_given = false;
	uint64_t n;
	int32_t idx;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!parse_disk(optarg, &idx, o->disk))
				return usage_fail("bad --disk '%s'", optarg);
			o->disk_given = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'i':
			errno = 0;
			o->interval = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    isspace((unsigned char)*optarg) || !(o->interval >= 0.01) ||
			    o->interval > 3600)
				return usage_fail("--interval '%s': seconds from 0.01 to 3600",
						  optarg);
			break;
		case 'c':
			if (!parse_size(optarg, &n) || !n)
				return usage_fail("--count '%s': a whole number of reports, 1 or more",
						  optarg);
			o->count = n;
			count_given = true;
			break;
		case 'h':
			return CMD_HELP;
		default:
			return usage_fail("bad option");
		}
	}
	if (count_given && !o->interval)
		return usage_fail("--count goes with --interval");
	return 0;
}
