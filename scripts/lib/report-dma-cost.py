#!/usr/bin/env python3
"""REPORT.md and a plot for one make bench-dma run on arm64.

Usage: report-dma-cost.py RUN_DIR KVER

RUN_DIR/results.tsv: backend device job iops bad map, one line per fio job
(scripts/guest/bench-dma.sh), in icount mode, where a guest nanosecond is
an instruction: 1e9 / IOPS is instructions per I/O.  RUN_DIR/cache.tsv:
backend device job map requests cache_map_to_dev cache_map_from_dev
cache_unmap_from_dev engine_cache_bytes, the disk's counters for each
sgblk job, divided by the job's fio I/Os (total_ios in its JSON,
BACKEND/bench-dma/DEV-JOB-MAP.json; without it, by the disk's requests),
since the block layer may split an I/O into several requests (1m on 7.x)
and instructions per I/O are per fio I/O.  The jobs are read-BS and
write-BS (random, one block size).

Backends: noncoherent (the disk's own platform device as arm64 makes it:
the DMA API cleans and invalidates, the engine does its own maintenance),
coherent (the same device with coherent=yes, or the coherent PCI function
where the kernel cannot set it), iommu-strict and iommu-lazy (the PCI
function behind the SMMUv3).  Derived, per job and map path:
  maintenance = sgblk-null(noncoherent) - sgblk-null(coherent): what the
                DMA API's cache maintenance costs (sgblk null moves no
                data, so nothing else differs);
  engine      = [sgblk-memory(nc) - sgblk-memory(c)] - maintenance: what
                the engine's own clean and invalidate cost;
  smmu-X      = sgblk-null(iommu-X) - sgblk-null(coherent).
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import cpu_model  # noqa: E402

SIZES = ("4k", "64k", "128k", "1m")
JOBS = tuple(f"{d}-{s}" for s in SIZES for d in ("read", "write"))


def load(run):
    res, bad, maps = {}, [], []
    with open(os.path.join(run, "results.tsv")) as f:
        for line in f:
            b, dev, job, iops, nbad, m = line.rstrip("\n").split("\t")[:6]
            res[(b, dev, job, m)] = float(iops)
            if m != "-" and m not in maps:
                maps.append(m)
            if int(nbad):
                bad.append(f"{b} {dev} {job} {m}: {nbad} engine faults + errors")
    cache = {}
    path = os.path.join(run, "cache.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                b, dev, job, m, req, *vals = line.rstrip("\n").split("\t")
                cache[(b, dev, job, m)] = (int(req), [int(v) for v in vals])
    return res, bad, maps, cache


def ipio(res, b, dev, job, m):
    v = res.get((b, dev, job, m))
    return 1e9 / v if v else None


def diff(a, b):
    return a - b if a is not None and b is not None else None


def fmt(v, spec="{:.0f}"):
    return "n/a" if v is None else spec.format(v)


def qemu_version():
    try:
        out = subprocess.run(["qemu-system-aarch64", "--version"], capture_output=True,
                             text=True, check=True).stdout
        return out.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def table(title, note, rows, maps):
    """rows: (label, {(job, map): value}); one row per label and map."""
    L = [f"## {title}", "", note, "",
         "| | map | " + " | ".join(JOBS) + " |",
         "|---|---|" + "---:|" * len(JOBS)]
    for label, vals, spec in rows:
        for m in maps:
            if all(vals.get((j, m)) is None for j in JOBS):
                continue
            L.append(f"| {label} | {m} | " +
                     " | ".join(fmt(vals.get((j, m)), spec) for j in JOBS) + " |")
    return L + [""]


def fio_ios(run, b, dev, job, m):
    """The fio I/Os of one job, from its JSON; None without it."""
    try:
        with open(os.path.join(run, b, "bench-dma", f"{dev}-{job}-{m}.json")) as f:
            j = json.load(f)["jobs"][0]
        return j["read"]["total_ios"] + j["write"]["total_ios"]
    except (OSError, ValueError, KeyError, IndexError):
        return None


def per_io(run, cache, b, dev, job, m, idx):
    """Counter bytes (the sum of columns @idx) per fio I/O of the job."""
    c = cache.get((b, dev, job, m))
    if not c:
        return None
    n = fio_ios(run, b, dev, job, m) or c[0]
    return sum(c[1][i] for i in idx) / n if n else None


def main():
    run, kver = sys.argv[1], sys.argv[2]
    res, bad, maps, cache = load(run)
    backends = []
    for k in res:
        if k[0] not in backends:
            backends.append(k[0])
    maps = maps or ["sg"]

    def vals(b, dev):
        return {(j, m): ipio(res, b, dev, j, m) for j in JOBS for m in maps}

    def base(b, dev):
        return {(j, m): ipio(res, b, dev, j, "-") for j in JOBS for m in maps}

    L = [f"# sgblk DMA cost on arm64, {kver}", "",
         "One icount boot per backend (`make bench-dma ARCH=arm64`); fio io_uring,",
         "iodepth 32, random reads and writes of one block size, one CPU.",
         "Instructions per I/O = 1e9 / IOPS (icount: a guest ns is an instruction).",
         "",
         f"- kernel: {kver}, arch arm64 (QEMU virt, -cpu max, TCG icount)",
         f"- backends: {', '.join(backends)} (noncoherent: the disk's platform device;"
         " coherent: the same device with coherent=yes where the kernel can set it,"
         " else the coherent PCI function; iommu-*: the PCI function behind SMMUv3)",
         f"- host CPU: {cpu_model()}; {qemu_version()}",
         ""]
    rows = [(f"sgblk null, {b}", vals(b, "sgblk-null"), "{:.0f}") for b in backends]
    rows += [(f"null_blk, {b}", base(b, "null_blk"), "{:.0f}") for b in backends]
    L += table("Instructions per I/O: sgblk null (the DMA API and the driver, no data moved)",
               "null_blk is the same boot's baseline.", rows, maps)
    rows = [(f"sgblk memory, {b}", vals(b, "sgblk-memory"), "{:.0f}") for b in backends]
    rows += [(f"brd, {b}", base(b, "brd"), "{:.0f}") for b in backends]
    L += table("Instructions per I/O: sgblk memory (the engine moves the data)",
               "brd is the same boot's baseline.", rows, maps)

    if "noncoherent" in backends and "coherent" in backends:
        nc_n, c_n = vals("noncoherent", "sgblk-null"), vals("coherent", "sgblk-null")
        nc_m, c_m = vals("noncoherent", "sgblk-memory"), vals("coherent", "sgblk-memory")
        maint = {k: diff(nc_n[k], c_n[k]) for k in nc_n}
        engine = {k: diff(diff(nc_m[k], c_m[k]), maint[k]) for k in nc_m}
        mapped = {(j, m): per_io(run, cache, "noncoherent", "sgblk-null", j, m, (0, 1, 2))
                  for j in JOBS for m in maps}
        moved = {(j, m): per_io(run, cache, "noncoherent", "sgblk-memory", j, m, (3,))
                 for j in JOBS for m in maps}
        per_kib = {k: (maint[k] / (mapped[k] / 1024)
                       if maint[k] is not None and mapped[k] else None) for k in maint}
        eng_kib = {k: (engine[k] / (moved[k] / 1024)
                       if engine[k] is not None and moved[k] else None) for k in engine}
        L += table("What cache maintenance costs, by direction and size",
                   "*DMA API*: sgblk null, noncoherent minus coherent: the clean at map and "
                   "the invalidate at unmap (a read maps and unmaps from the device: both; a "
                   "write only the clean). *bytes*: the bytes the mapping maintained per I/O "
                   "(cache_map_to_dev + cache_map_from_dev + cache_unmap_from_dev, per fio I/O). *engine*: "
                   "sgblk memory's noncoherent-minus-coherent beyond the DMA API's: the "
                   "engine's own clean and invalidate around each copy (engine_cache_bytes "
                   "per I/O below it).",
                   [("DMA API, instructions", maint, "{:+.0f}"),
                    ("DMA API, bytes", mapped, "{:.0f}"),
                    ("DMA API, instructions per KiB", per_kib, "{:.1f}"),
                    ("engine, instructions", engine, "{:+.0f}"),
                    ("engine, bytes", moved, "{:.0f}"),
                    ("engine, instructions per KiB", eng_kib, "{:.1f}")], maps)
    smmu = [b for b in backends if b.startswith("iommu-")]
    if smmu and "coherent" in backends:
        c_n = vals("coherent", "sgblk-null")
        rows = []
        for b in smmu:
            v = vals(b, "sgblk-null")
            rows.append((f"{b}", {k: diff(v[k], c_n[k]) for k in v}, "{:+.0f}"))
        L += table("What the SMMUv3 adds (sgblk null, minus coherent dma-direct)",
                   "Map, unmap and IOTLB invalidation (strict: at every unmap; lazy: "
                   "batched by the flush queue).", rows, maps)
    if bad:
        L += ["## Errors", ""] + [f"- {x}" for x in bad] + [""]
    L += plot(run, res, backends, maps)
    with open(os.path.join(run, "REPORT.md"), "w") as f:
        f.write("\n".join(L))
    return 1 if bad else 0


def plot(run, res, backends, maps):
    """Instructions per I/O of sgblk null over block size, reads and writes."""
    plots = os.path.join(run, "plots")
    os.makedirs(plots, exist_ok=True)
    m = maps[0]
    cols = [(b, d) for b in backends for d in ("read", "write")]
    with open(os.path.join(plots, "dma-cost.dat"), "w") as f:
        f.write("size " + " ".join(f"{b}-{d}" for b, d in cols) + "\n")
        for s in SIZES:
            row = [fmt(ipio(res, b, "sgblk-null", f"{d}-{s}", m)) for b, d in cols]
            f.write(s + " " + " ".join("NaN" if v == "n/a" else v for v in row) + "\n")
    series = ", ".join(f'"dma-cost.dat" using {i + 2}:xtic(1) title columnheader '
                       f'with linespoints' for i in range(len(cols)))
    with open(os.path.join(plots, "dma-cost.gp"), "w") as f:
        f.write('set terminal pngcairo size 900,500\nset output "dma-cost.png"\n'
                f'set title "sgblk null on arm64: instructions per I/O (map={m})"\n'
                'set key top left\nset ylabel "instructions per I/O"\n'
                'set xlabel "block size"\nset logscale y\nset grid ytics\n'
                f'plot {series}\n')
    try:
        subprocess.run(["gnuplot", "dma-cost.gp"], cwd=plots, check=True,
                       capture_output=True)
        return ["![instructions per I/O by size](plots/dma-cost.png)", ""]
    except (OSError, subprocess.CalledProcessError) as e:
        return [f"No plot: {e}", ""]


if __name__ == "__main__":
    sys.exit(main())
