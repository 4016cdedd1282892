// SPDX-License-Identifier: GPL-2.0
/* sgblk-ctl: the command word, dispatch and --help (see ctl.h). */
#include <stdio.h>
#include <string.h>
#include "ctl.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: sgblk-ctl COMMAND [options]\n"
"\n"
"commands:\n"
"  biogen   build bios in the kernel and submit them to an sgblk disk\n"
"  stats    [--disk D] [--json] [reset]   show (or reset) the counters\n"
"  stats    [--disk D] [--json] --interval SEC [--count N]\n"
"           live view, iostat-style: a line per disk (every disk without\n"
"           --disk) per interval: r/s w/s, MB/s, splits/s, bounced MB/s,\n"
"           DMA merges/s and engine faults in the interval; requests in\n"
"           flight, DMA mappings outstanding and bounce pool kB held at\n"
"           its end; N reports, or until interrupted; --json: one object\n"
"           a line\n"
"  hist     [--disk D] [--json]           show the per-request histograms\n"
"  profile  [--disk D] [VALUE...]         show or set the DMA profile\n"
"           (a preset name, one per line in " DBG_ROOT "/presets,\n"
"           or key=value pairs: seg_boundary= max_seg_size= max_descs=\n"
"           dma_align= dma_mask_bits= bounce_pool_kb=)\n"
"  help     this text (as is -h, --help, also after a command)\n"
"\n"
"biogen options (sizes take k/m/g suffixes, powers of 1024):\n"
"  --disk D            disk name (sgblk0) or index (0)       [sgblk0]\n"
"  --source S          user | vmalloc | contig (page allocator; [vmalloc]\n"
"                      aliases kmalloc, pages)\n"
"  --op O              read | write                          [read]\n"
"  --offset SECTOR     first 512-byte sector                 [0]\n"
"  --len BYTES         bytes per repetition (<= 64M)         [1M]\n"
"  --bio-size BYTES    bytes per bio                         [64k]\n"
"  --inflight N        bios in flight at most (1-256)        [8]\n"
"  --repeat N          repetitions                           [1]\n"
"  --buf-offset N      vmalloc/contig: data offset in the first page [0]\n"
"  --iovec-layout L    user: how the buffer is cut into iovecs  [contig]\n"
"                      LEN@OFF,LEN@OFF,...: each iovec LEN bytes starting\n"
"                      OFF bytes into its own page-aligned region; the list\n"
"                      repeats until --len is covered (last one cut short).\n"
"                      Named: contig (one iovec), subpage (512 B at odd\n"
"                      offsets), scatter (4 KiB at page offsets 512..3584),\n"
"                      odd (odd lengths and offsets), tiny (512 B pieces)\n"
"  --seed N            pattern seed                          [1]\n"
"  --verify            reads: check the pattern (kernel and, for user, here)\n"
"  --checksum          report the FNV-1a 64 checksum of the data\n"
"  --plug              submit under a blk_plug (lets bios merge)\n"
"  --json              one JSON object on stdout\n"
"  --fault F[,F...]    send a deliberately bad request (tests): null-iov,\n"
"                      unmapped-iov, unmapped-buf, readonly-buf, reserved,\n"
"                      tail, size=N, flags=N, iovcnt=N, len=N, op=N,\n"
"                      source=N, index=N\n"
"\n"
"exit status: 0 ok, 1 system error (errno name on stderr), 2 usage,\n"
"3 bio errors, data mismatches or checksum disagreement\n");
}

int main(int argc, char **argv)
{
	const char *cmd;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	/* Subcommand options start after the command word. */
	argv[1] = argv[0];
	argc--;
	argv++;
	if (!strcmp(cmd, "biogen"))
		ret = cmd_biogen(argc, argv);
	else if (!strcmp(cmd, "stats") || !strcmp(cmd, "hist") || !strcmp(cmd, "profile"))
		ret = cmd_debugfs(cmd, argc, argv);
	else
		return usage_fail("unknown command '%s'", cmd);
	if (ret == CMD_HELP) {
		usage(stdout);
		return 0;
	}
	return ret;
}
