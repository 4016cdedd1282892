#!/usr/bin/env python3
"""REPORT.md over the groups of a fleet run (make bench with several kernels,
DMA backends or HOSTS): one column group per kernel-and-backend or host, each
with its modes, the goal ratios side by side, every fio server's kernel, CPU
and IOMMU state, and the cells that failed.  Each group has its own
REPORT.md (scripts/lib/report.py) with the details.

Usage: report_fleet.py RUN_DIR GROUP_DIR...
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402


def main():
    run_dir, groups = sys.argv[1], sys.argv[2:]
    cols = []  # (group name, mode, rows)
    servers = []
    for g in groups:
        name = os.path.relpath(g, run_dir)
        for m in report.MODES:
            rows, _ = report.collect(g, m)
            hi = report.read_hostinfo(os.path.join(g, m, "hostinfo.txt"))
            if hi:
                servers.append("| %s | %s | %s | %s (%s CPUs) | %s |" % (
                    name, m, hi.get("kernel", "?"), hi.get("cpu", "?"),
                    hi.get("ncpu", "?"), hi.get("iommu", "?")))
            if rows or os.path.isdir(os.path.join(g, m)):
                cols.append((name, m, rows))

    def ratio(rows, a, b):
        ra, rb = report.find(rows, *a), report.find(rows, *b)
        return ra["iops"] / rb["iops"] if ra and rb and rb["iops"] else None

    L = ["# sgblk benchmark fleet: %s" % os.path.basename(os.path.normpath(run_dir)), "",
         "Produced by `make bench` as a fleet (scripts/fleet): every cell a fio server "
         "(a QEMU guest booted with `scripts/vm --fio-server`, or a host of HOSTS=), every "
         "fio job of the plan one `fio --client` invocation over all of them. Ratios are "
         "IOPS ratios measured within one server; icount ratios are instructions per I/O "
         "(the headline), tcg and host ones wall clock. Details per group: %s." % ", ".join(
             "[%s](%s/REPORT.md)" % ((os.path.relpath(g, run_dir),) * 2) for g in groups)]
    L += report.failed_lines(run_dir)
    if servers:
        L += ["", "## fio servers", "", "| group | mode | kernel | CPU | IOMMU |",
              "|---|---|---|---|---|"] + servers
    L += ["", "## Performance goals", "",
          "| goal | target | " + " | ".join("%s %s" % (g, m) for g, m, _ in cols) + " |",
          "|---|---|" + "---|" * len(cols)]
    for g in report.goal_list():
        cells = []
        for _, m, rows in cols:
            r = ratio(rows, g["a"], g["b"])
            cell = report.fmt(r)
            if r is not None and m == "icount" and g["judged"] == "ratio" and r < g["target"]:
                cell = "**%s**" % cell
            cells.append(cell)
        L.append("| %s | %s >= %.2f | %s |" % (g["name"], g["judged"], g["target"],
                                             " | ".join(cells)))
    L += ["", "The cells are IOPS ratios. Bold: an icount ratio below its goal. A goal "
          "judged on the fraction of its bound is judged in the group's REPORT.md, where "
          "the bound is (the direct-backend groups, which get a count boot)."]
    with open(os.path.join(run_dir, "REPORT.md"), "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
