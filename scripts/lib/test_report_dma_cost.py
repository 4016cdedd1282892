#!/usr/bin/env python3
"""Host tests of report-dma-cost.py (make bench-dma ARCH=arm64's report):
from a run directory with known IOPS and counters, the derived rows
(maintenance, engine, per KiB, SMMU) must be the arithmetic the report
promises."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taptest  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report-dma-cost.py")
JOBS = [f"{d}-{s}" for s in ("4k", "64k", "128k", "1m") for d in ("read", "write")]


def ips(instr):
    """IOPS of a job costing @instr instructions per I/O (icount)."""
    return f"{1e9 / instr:.6f}"


def write_run(run, instr, cache=True):
    """instr: {(backend, device): instructions per I/O}, for every job."""
    with open(os.path.join(run, "results.tsv"), "w") as f:
        for (b, dev), v in instr.items():
            m = "sg" if dev.startswith("sgblk") else "-"
            for j in JOBS:
                f.write(f"{b}\t{dev}\t{j}\t{ips(v)}\t0\t{m}\n")
    if cache:
        with open(os.path.join(run, "cache.tsv"), "w") as f:
            for (b, dev), _ in instr.items():
                if not dev.startswith("sgblk"):
                    continue
                nc = b == "noncoherent"
                # 100 requests, 4 KiB mapped (to + from + unmap) each,
                # 8 KiB moved by the engine each
                f.write(f"{b}\t{dev}\t{{j}}\tsg\t100\t{204800 if nc else 0}\t"
                        f"{102400 if nc else 0}\t{102400 if nc else 0}\t"
                        f"{819200 if nc else 0}\n".replace("{j}", "read-4k"))


def row(report, label):
    m = re.search(r"^\| " + re.escape(label) + r" \| sg \| (.*) \|$", report, re.M)
    return m.group(1).split(" | ") if m else None


BASE = {("noncoherent", "sgblk-null"): 10000, ("coherent", "sgblk-null"): 8000,
        ("noncoherent", "sgblk-memory"): 20000, ("coherent", "sgblk-memory"): 16000,
        ("iommu-strict", "sgblk-null"): 11000, ("iommu-lazy", "sgblk-null"): 9000,
        ("noncoherent", "null_blk"): 5000, ("coherent", "null_blk"): 5000,
        ("noncoherent", "brd"): 9000, ("coherent", "brd"): 9000,
        ("iommu-strict", "null_blk"): 5000, ("iommu-lazy", "null_blk"): 5000}


class ReportDmaCost(unittest.TestCase):
    def report(self, instr, cache=True):
        with tempfile.TemporaryDirectory() as run:
            write_run(run, instr, cache)
            subprocess.run([sys.executable, SCRIPT, run, "test-kernel"], check=True,
                           capture_output=True)
            with open(os.path.join(run, "REPORT.md")) as f:
                return f.read()

    def test_maintenance_is_null_noncoherent_minus_coherent(self):
        r = self.report(BASE)
        self.assertEqual(row(r, "DMA API, instructions"), ["+2000"] * len(JOBS))

    def test_engine_is_memory_difference_beyond_maintenance(self):
        r = self.report(BASE)
        self.assertEqual(row(r, "engine, instructions"), ["+2000"] * len(JOBS))

    def test_per_kib_from_the_counters(self):
        r = self.report(BASE)
        # 2000 instructions over 4 KiB mapped; 2000 over 8 KiB moved
        self.assertEqual(row(r, "DMA API, instructions per KiB")[0], "500.0")
        self.assertEqual(row(r, "engine, instructions per KiB")[0], "250.0")
        self.assertEqual(row(r, "DMA API, bytes")[1], "n/a")

    def test_smmu_rows_against_coherent(self):
        r = self.report(BASE)
        self.assertEqual(row(r, "iommu-strict")[0], "+3000")
        self.assertEqual(row(r, "iommu-lazy")[0], "+1000")

    def test_bytes_per_fio_io_not_per_request(self):
        # the block layer split each of read-4k's fio I/Os in two: 50 I/Os,
        # 100 requests; bytes per I/O double
        with tempfile.TemporaryDirectory() as run:
            write_run(run, BASE)
            d = os.path.join(run, "noncoherent", "bench-dma")
            os.makedirs(d)
            for dev in ("sgblk-null", "sgblk-memory"):
                with open(os.path.join(d, f"{dev}-read-4k-sg.json"), "w") as f:
                    f.write('{"jobs": [{"read": {"total_ios": 50}, "write": {"total_ios": 0}}]}')
            subprocess.run([sys.executable, SCRIPT, run, "test-kernel"], check=True,
                           capture_output=True)
            with open(os.path.join(run, "REPORT.md")) as f:
                r = f.read()
        self.assertEqual(row(r, "DMA API, bytes")[0], "8192")
        self.assertEqual(row(r, "DMA API, instructions per KiB")[0], "250.0")

    def test_no_counters_no_bytes(self):
        r = self.report(BASE, cache=False)
        # a row with no figure is left out, the others stay
        self.assertIsNone(row(r, "DMA API, bytes"))
        self.assertEqual(row(r, "DMA API, instructions"), ["+2000"] * len(JOBS))


if __name__ == "__main__":
    sys.exit(taptest.run(ReportDmaCost, "report-dma-cost"))
