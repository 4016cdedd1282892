#!/usr/bin/env python3
"""Summarise one benchmark run directory: fio JSON -> summary.csv + REPORT.md.

Usage: report.py RUN_DIR KVER
The headline is icount mode (deterministic); plain TCG is a sanity column.
"""
import csv
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

PAIRS = [("sgblk-null", "null_blk"), ("sgblk-memory", "brd")]


def iops(path):
    with open(path) as f:
        job = json.load(f)["jobs"][0]
    return job["read"]["iops"] + job["write"]["iops"]


def collect(run_dir, mode):
    runs = {}
    for path in sorted(glob.glob(os.path.join(run_dir, mode, "bench", "*.json"))):
        label = os.path.basename(path).rsplit("-", 1)[0]
        runs.setdefault(label, []).append(iops(path))
    return runs


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def qemu_version():
    out = subprocess.run(["qemu-system-x86_64", "--version"],
                         capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "unknown"


def main():
    run_dir, kver = sys.argv[1], sys.argv[2]
    modes = {m: collect(run_dir, m) for m in ("icount", "tcg")}
    env = {
        "kernel": kver,
        "accelerator": "QEMU TCG (no KVM); icount: -icount shift=0,align=off,sleep=off -smp 1",
        "qemu": qemu_version(),
        "host_cpu": cpu_model(),
        "date": subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"],
                               capture_output=True, text=True).stdout.strip(),
    }
    with open(os.path.join(run_dir, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["mode", "device", "runs", "iops_mean", "iops_min", "iops_max",
                    "kernel", "accelerator", "host_cpu"])
        for mode, runs in modes.items():
            for label, vals in sorted(runs.items()):
                w.writerow([mode, label, len(vals), round(statistics.mean(vals)),
                            round(min(vals)), round(max(vals)), kver,
                            "tcg-icount" if mode == "icount" else "tcg", env["host_cpu"]])

    lines = ["# sgblk benchmark: %s" % os.path.basename(run_dir), "",
             "fio `fio-jobs/randread-4k.fio` (4 KiB random read, io_uring, QD32, "
             "O_DIRECT), devices measured alternately in one boot per mode.", "",
             "| environment | |", "|---|---|"]
    lines += ["| %s | %s |" % kv for kv in env.items()]
    lines += ["", "## Ratios (mean IOPS of sgblk / mean IOPS of the reference)", "",
              "| pair | icount (headline) | plain TCG (sanity) |", "|---|---|---|"]
    for a, b in PAIRS:
        cells = []
        for mode in ("icount", "tcg"):
            runs = modes[mode]
            if a in runs and b in runs:
                cells.append("%.3f" % (statistics.mean(runs[a]) / statistics.mean(runs[b])))
            else:
                cells.append("n/a")
        lines.append("| %s / %s | %s | %s |" % (a, b, cells[0], cells[1]))
    lines += ["", "## IOPS per device", "", "| mode | device | runs | mean | min | max |",
              "|---|---|---|---|---|---|"]
    for mode, runs in modes.items():
        for label, vals in sorted(runs.items()):
            lines.append("| %s | %s | %d | %.0f | %.0f | %.0f |" % (
                mode, label, len(vals), statistics.mean(vals), min(vals), max(vals)))
    lines += ["", "icount IOPS measure instructions per I/O of the whole guest stack "
              "(deterministic); plain TCG figures are wall-clock noise, shown only "
              "as a sanity check.", ""]
    with open(os.path.join(run_dir, "REPORT.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
