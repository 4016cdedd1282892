#!/usr/bin/env python3
"""REPORT.md and a plot for one make bench-dma run.

Usage: report-dma.py RUN_DIR KVER [XEN_KVER]

RUN_DIR/results.tsv: backend device job iops bad [map], one line per fio
job, all in icount mode, where a guest nanosecond is an instruction: 1e9 /
IOPS is instructions per I/O.  map is the sgblk device's mapping path (sg
or iter; "-" for the baselines; runs from before the map axis have no
column and mapped with sg).  Each sgblk device is compared with its
baseline in the same boot (sgblk-null with null_blk, sgblk-memory with
brd), and the difference (sgblk's own instructions per I/O) with that of
the direct backend on the same path: what the DMA backend adds; and on
the same backend, iter's own with sg's: what the map path adds.  The Xen
backends (xen, xen-swiotlb) run another kernel, the generic flavour of the
release (XEN_KVER): their reference is that kernel booted without Xen
(generic), not direct.
"""
import os
import subprocess
import sys

PAIRS = (("sgblk-null", "null_blk"), ("sgblk-memory", "brd"))
# the backend each one's "added" is measured against (default: direct)
REF = {"xen": "generic", "xen-swiotlb": "generic"}
JOBS = ("randread-4k", "seqread-128k")


def load(path):
    res, bad, maps = {}, [], []
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            b, dev, job, iops, nbad = cols[:5]
            m = cols[5] if len(cols) > 5 else ("sg" if dev.startswith("sgblk") else "-")
            if m == "-":
                res[(b, dev, job)] = float(iops)
            else:
                res[(b, dev, job, m)] = float(iops)
                if m not in maps:
                    maps.append(m)
            if int(nbad):
                bad.append(f"{b} {dev} {job} {m}: {nbad} engine faults + errors")
    return res, bad, maps


def ipio(res, *key):
    v = res.get(key)
    return 1e9 / v if v else None


def own(res, b, dev, base, job, m):
    si, ni = ipio(res, b, dev, job, m), ipio(res, b, base, job)
    return si - ni if si and ni else None


def fmt(v, spec="{:.0f}"):
    return "n/a" if v is None else spec.format(v)


def main():
    run, kver = sys.argv[1], sys.argv[2]
    xkver = sys.argv[3] if len(sys.argv) > 3 else None
    res, bad, maps = load(os.path.join(run, "results.tsv"))
    backends = []
    for k in res:
        if k[0] not in backends:
            backends.append(k[0])
    L = [f"# sgblk DMA backends, {kver}", "",
         "One icount boot per backend (`make bench-dma`); fio io_uring, iodepth 32,",
         "one CPU. Instructions per I/O = 1e9 / IOPS (icount: a guest ns is an",
         "instruction). *own* = sgblk's instructions per I/O minus its baseline's",
         "in the same boot (null_blk for sgblk null, brd for sgblk memory);",
         "*added* = own minus own on the direct backend with the same map path:",
         "what the DMA backend adds; *iter - sg* = own with map=iter minus own with",
         "map=sg on the same backend, same boot: what the scatterlist-free path",
         "adds (negative: saves).",
         ""]
    if xkver:
        L[-1:] = ["", f"The Xen rows ran {xkver} (the generic flavour: a dom0 needs it) as",
                  "Xen 4.17's PV dom0, as booted (xen) and with swiotlb=force (xen-swiotlb);",
                  "their *added* is over *generic*, that kernel booted without Xen (under Xen",
                  "a guest ns still counts one instruction, the hypervisor's among them).", ""]
    plot_rows = []
    for dev, base in PAIRS:
        for job in JOBS:
            L += [f"## {dev} vs {base}, {job}", "",
                  f"| backend | map | {dev} IOPS | {base} IOPS | ratio | instr/I/O | own "
                  "| added | iter - sg |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
            for b in backends:
                for m in maps:
                    s, n = res.get((b, dev, job, m)), res.get((b, base, job))
                    if s is None:
                        continue
                    o = own(res, b, dev, base, job, m)
                    o0 = own(res, REF.get(b, "direct"), dev, base, job, m)
                    osg = own(res, b, dev, base, job, "sg")
                    added = o - o0 if o is not None and o0 is not None else None
                    vs_sg = o - osg if m != "sg" and o is not None and osg is not None else None
                    ratio = s / n if s and n else None
                    L.append(f"| {b} | {m} | {fmt(s)} | {fmt(n)} | {fmt(ratio, '{:.2f}')} | "
                             f"{fmt(ipio(res, b, dev, job, m))} | {fmt(o)} | "
                             f"{fmt(added, '{:+.0f}')} | "
                             f"{'' if m == 'sg' else fmt(vs_sg, '{:+.0f}')} |")
                    if dev == "sgblk-memory" and m == "sg" and added is not None:
                        plot_rows.append((b, job, added))
            L.append("")
    if len(maps) > 1:
        L += ["## What the map path adds: iter - sg, instructions per I/O", "",
              "| backend | " + " | ".join(f"{d} {j}" for d, _ in PAIRS for j in JOBS) + " |",
              "|---|" + "---:|" * (len(PAIRS) * len(JOBS))]
        for b in backends:
            cells = []
            for dev, base in PAIRS:
                for job in JOBS:
                    o = own(res, b, dev, base, job, "iter")
                    osg = own(res, b, dev, base, job, "sg")
                    cells.append(fmt(o - osg if o is not None and osg is not None else None,
                                     "{:+.0f}"))
            L.append(f"| {b} | " + " | ".join(cells) + " |")
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
