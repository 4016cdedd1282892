#!/usr/bin/env python3
"""The bounds make bench judges its goals against, built from the same run.

  bounds.py --runs       the runs the count boot makes (RUNS of
                         scripts/guest/profile.sh)
  bounds.py COUNT_DIR    what a count boot counted, as text

Beside the fleet's icount boot, scripts/bench makes one count boot: the
same kernel, module and buffer, scripts/guest/profile.sh without perf,
and the QEMU plugin tbcount counting every code block executed in a window
of each run (exact, no sampling).  It gives two costs, in instructions per
I/O:

  copy(job)  what the copy loops cost brd per read of the job's size: the
             code blocks of its per-bvec routine (brd_do_bvec up to 6.14,
             brd_rw_bvec since, where the copy may be inlined) and of the
             memcpy family that run at least 16 times per 4 KiB page of the
             I/O (a rep movs, or an unrolled loop's body).  The per-page
             work around them (lookup, kmap) is left out, so the bounds
             are the strictest the copy allows.  Any memory device must
             make this copy; null_blk makes none.
  dma_api    what the DMA API costs sgblk's null backend per 4k read:
             dma_*, __dma_*, iommu_dma_*, swiotlb_* (the map and the unmap
             every request makes).

With I = 1e9 / IOPS, the instructions per I/O of a device in the fleet's
icount boot (one instruction per guest ns), the bounds are IOPS ratios:

  copy_ceiling   I_brd / (I_null_blk + copy(job)): what a blk-mq memory
                 device reaches against brd if it does nothing null_blk
                 does not, except the copy;
  dma_ceiling    I_null_blk / (I_null_blk + dma_api): the same for a
                 blk-mq device that maps and unmaps each request;
  copy_back      I_none / (I_none + B * copy(128k) / 131072): a profile
                 that bounces B bytes per request copies them once more
                 than `none` does, at brd's cost per byte.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import profile_report  # noqa: E402
import tbcount  # noqa: E402

# (device, profile, job) of each counted run
COPY_RUNS = {"4k": ("brd", "-", "randread-4k"), "128k": ("brd", "-", "seqread-128k")}
DMA_RUN = ("sgblk-null", "none", "randread-4k")
COPY_FUNCS = re.compile(r"^(brd_(do|rw)_bvec|copy_(to|from)_brd|"
                        r"(__)?mem(cpy|move)(_orig|_erms|_fast)?)$")
DMA_FUNCS = re.compile(r"^(__)?dma_|^iommu_dma_|^swiotlb_")
COPY_128K_BYTES = 131072
JOB_PAGES = {"randread-4k": 1, "seqread-128k": 32}
LOOP_EXECS_PER_PAGE = 16


def runs():
    """RUNS for scripts/guest/profile.sh: DEVICE:PROFILE:JOB ..."""
    return " ".join(":".join(k) for k in list(COPY_RUNS.values()) + [DMA_RUN])


def counted(counts, pdir, key, pattern, loops_only=False):
    """(instructions per I/O of the functions @pattern matches, {function:
    instructions per I/O}) in the counted window of run @key, or None.
    @loops_only: only their blocks that ran LOOP_EXECS_PER_PAGE times per
    page of the I/O or more."""
    win = profile_report.counted_blocks(pdir, profile_report.unit_name(*key), counts)
    if not win or win[2] <= 0:
        return None
    blocks, syms, ios, _ = win
    least = LOOP_EXECS_PER_PAGE * JOB_PAGES.get(key[2], 1) * ios if loops_only else 0
    parts = {f: n / ios for f, n in
             tbcount.per_function([b for b in blocks if b[2] >= least], syms).items()
             if pattern.match(f)}
    return sum(parts.values()), parts


def costs(count_dir):
    """{"copy-4k", "copy-128k", "dma_api": (instructions per I/O, parts)},
    those the count boot in @count_dir counted (empty without one).  A
    cost that counted nothing is left out: a bound built on a zero would
    be no bound."""
    out = {}
    pdir = os.path.join(count_dir, "profile")
    try:
        counts = profile_report.load_counts(count_dir)
        for size, key in COPY_RUNS.items():
            out["copy-" + size] = counted(counts, pdir, key, COPY_FUNCS, loops_only=True)
        out["dma_api"] = counted(counts, pdir, DMA_RUN, DMA_FUNCS)
    except (OSError, ValueError, IndexError):
        return {}
    return {k: v for k, v in out.items() if v and v[0] > 0}


def copy_ceiling(i_ref, i_blkmq, copy):
    """IOPS ratio against a bio-based memory device (@i_ref instructions per
    I/O) of a blk-mq device costing @i_blkmq plus the @copy."""
    return i_ref / (i_blkmq + copy)


def dma_ceiling(i_blkmq, dma):
    """IOPS ratio to a blk-mq device costing @i_blkmq of one costing the
    same plus the DMA API's @dma."""
    return i_blkmq / (i_blkmq + dma)


def copy_back(i_none, bounced_bytes, copy_128k):
    """IOPS ratio to `none` (@i_none) of a profile that copies
    @bounced_bytes per request once more, at brd's 128k cost per byte."""
    return i_none / (i_none + bounced_bytes * copy_128k / COPY_128K_BYTES)


def describe(name, cost):
    """One line: a cost and the functions it is made of."""
    total, parts = cost
    top = sorted(parts.items(), key=lambda kv: -kv[1])
    return "%s: %.0f instructions per I/O (%s)" % (
        name, total, ", ".join("%s %.0f" % kv for kv in top if kv[1] >= 0.5))


def main(argv):
    if argv[1:] == ["--runs"]:
        print(runs())
        return 0
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.stderr.write("usage: bounds.py --runs | bounds.py COUNT_DIR\n")
        return 2
    c = costs(argv[1])
    if not c:
        sys.stderr.write("bounds: no counted run under %s\n" % argv[1])
        return 1
    for k in sorted(c):
        print(describe(k, c[k]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
