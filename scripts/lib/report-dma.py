#!/usr/bin/env python3
"""REPORT.md and a plot for one make bench-dma run.

Usage: report-dma.py RUN_DIR KVER

RUN_DIR/results.tsv: backend device job iops bad, one line per fio job, all
in icount mode, where a guest nanosecond is an instruction: 1e9 / IOPS is
instructions per I/O.  Each sgblk device is compared with its baseline in
the same boot (sgblk-null with null_blk, sgblk-memory with brd), and the
difference (sgblk's own instructions per I/O) with that of the direct
backend: what the DMA backend adds.
"""
import os
import subprocess
import sys

PAIRS = (("sgblk-null", "null_blk"), ("sgblk-memory", "brd"))
JOBS = ("randread-4k", "seqread-128k")


def load(path):
    res, bad = {}, []
    with open(path) as f:
        for line in f:
            b, dev, job, iops, nbad = line.rstrip("\n").split("\t")
            res[(b, dev, job)] = float(iops)
            if int(nbad):
                bad.append(f"{b} {dev} {job}: {nbad} engine faults + errors")
    return res, bad


def ipio(res, b, dev, job):
    v = res.get((b, dev, job))
    return 1e9 / v if v else None


def fmt(v, spec="{:.0f}"):
    return "n/a" if v is None else spec.format(v)


def main():
    run, kver = sys.argv[1], sys.argv[2]
    res, bad = load(os.path.join(run, "results.tsv"))
    backends = []
    for b, _, _ in res:
        if b not in backends:
            backends.append(b)
    L = [f"# sgblk DMA backends, {kver}", "",
         "One icount boot per backend (`make bench-dma`); fio io_uring, iodepth 32,",
         "one CPU. Instructions per I/O = 1e9 / IOPS (icount: a guest ns is an",
         "instruction). *own* = sgblk's instructions per I/O minus its baseline's",
         "in the same boot (null_blk for sgblk null, brd for sgblk memory);",
         "*added* = own minus own on the direct backend: what the DMA backend adds.",
         ""]
    plot_rows = []
    for dev, base in PAIRS:
        for job in JOBS:
            L += [f"## {dev} vs {base}, {job}", "",
                  f"| backend | {dev} IOPS | {base} IOPS | ratio | instr/I/O | own | added |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
            d0 = ipio(res, "direct", dev, job)
            b0 = ipio(res, "direct", base, job)
            own0 = d0 - b0 if d0 and b0 else None
            for b in backends:
                s, n = res.get((b, dev, job)), res.get((b, base, job))
                si, ni = ipio(res, b, dev, job), ipio(res, b, base, job)
                own = si - ni if si and ni else None
                added = own - own0 if own is not None and own0 is not None else None
                ratio = s / n if s and n else None
                L.append(f"| {b} | {fmt(s)} | {fmt(n)} | {fmt(ratio, '{:.2f}')} | "
                         f"{fmt(si)} | {fmt(own)} | {fmt(added, '{:+.0f}')} |")
                if dev == "sgblk-memory" and added is not None:
                    plot_rows.append((b, job, added))
            L.append("")
    if bad:
        L += ["## Errors", ""] + [f"- {x}" for x in bad] + [""]
    plots = os.path.join(run, "plots")
    os.makedirs(plots, exist_ok=True)
    dat = os.path.join(plots, "dma-backends.dat")
    with open(dat, "w") as f:
        f.write("backend " + " ".join(JOBS) + "\n")
        for b in backends:
            vals = [next((a for bb, j, a in plot_rows if bb == b and j == job), 0)
                    for job in JOBS]
            f.write(b + " " + " ".join(f"{v:.0f}" for v in vals) + "\n")
    gp = os.path.join(plots, "dma-backends.gp")
    with open(gp, "w") as f:
        f.write('set terminal pngcairo size 800,450\nset output "dma-backends.png"\n'
                'set title "Instructions per I/O the DMA backend adds (sgblk memory vs brd)"\n'
                'set style data histograms\nset style fill solid 0.8 border -1\n'
                'set key top left\nset ylabel "instructions per I/O vs direct"\n'
                'set grid ytics\n'
                'plot "dma-backends.dat" using 2:xtic(1) title columnheader, '
                '"" using 3 title columnheader\n')
    try:
        subprocess.run(["gnuplot", "dma-backends.gp"], cwd=plots, check=True,
                       capture_output=True)
        L += ["![added instructions per I/O](plots/dma-backends.png)", ""]
    except (OSError, subprocess.CalledProcessError) as e:
        L += [f"No plot: {e}", ""]
    with open(os.path.join(run, "REPORT.md"), "w") as f:
        f.write("\n".join(L))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
