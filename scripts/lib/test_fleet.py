#!/usr/bin/env python3
"""Host unit test of the fleet's host side (TAP lines; exit 1 on failure):
scripts/lib/fleet_split.py splits fio client JSON per server and tells a
silent or failed server from a good one; report.py and report_fleet.py name
the cells that failed and still report the rest."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

LIB = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, LIB)
import report  # noqa: E402
import taptest  # noqa: E402


def job(name, host, port, iops, error=0):
    ios = int(iops)
    side = {"iops": iops, "bw_bytes": iops * 4096, "total_ios": ios,
            "lat_ns": {"mean": 1000.0}}
    none = {"iops": 0, "bw_bytes": 0, "total_ios": 0, "lat_ns": {"mean": 0.0}}
    return {"jobname": name, "error": error, "read": side, "write": none, "trim": none,
            "usr_cpu": 10.0, "sys_cpu": 90.0, "hostname": host, "port": port}


def client_output(jobs):
    # what fio --client writes: the servers' text first, then the JSON
    return "<(none)> randread-4k: (g=0): rw=randread\n\n" + json.dumps(
        {"fio version": "fio-3.33", "client_stats": jobs})


def split(tmp, jobs, *targets):
    path = os.path.join(tmp, "step.json")
    with open(path, "w") as f:
        f.write(client_output(jobs))
    out = subprocess.run([sys.executable, os.path.join(LIB, "fleet_split.py"), path] +
                         list(targets), capture_output=True, text=True, check=True).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def bench_dir(root, mode, results):
    """ROOT/MODE/bench with one fio JSON per (n, device, profile, job, iops)."""
    d = os.path.join(root, mode, "bench")
    os.makedirs(d)
    with open(os.path.join(d, "index.tsv"), "w") as idx:
        idx.write("n\ttool\tdevice\tprofile\tjob\tiodepth\tbs\tfile\n")
        for n, dev, prof, name, iops in results:
            f = "%03d-%s-%s-%s.json" % (n, dev, prof, name)
            with open(os.path.join(d, f), "w") as j:
                json.dump({"fio version": "fio-3.33",
                           "jobs": [job(name, "127.0.0.1", 1, iops)]}, j)
            idx.write("%d\tfio\t%s\t%s\t%s\t32\t-\t%s\n" % (n, dev, prof, name, f))


PAIR = [(1, "sgblk-null", "none", "randread-4k", 95000.0),
        (2, "null_blk", "-", "randread-4k", 100000.0)]


class Fleet(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.tmp], check=False)

    def test_split_one_file_per_server(self):
        a, b = os.path.join(self.tmp, "a.json"), os.path.join(self.tmp, "b.json")
        st = split(self.tmp, [job("randread-4k", "127.0.0.1", 1001, 100000.0),
                              job("randread-4k", "127.0.0.1", 1002, 50000.0),
                              job("All clients", "127.0.0.1", 1002, 150000.0)],
                   "127.0.0.1,1001=" + a, "127.0.0.1,1002=" + b)
        self.assertEqual(st, {"127.0.0.1,1001": "ok 100.0k", "127.0.0.1,1002": "ok 50.0k"})
        # the layout fio writes on the machine itself: report.py reads it
        self.assertEqual(report.read_result(b, "fio")[0], 50000.0)

    def test_split_sections_of_one_step(self):
        # a device's stretch: one job file of several sections per server;
        # fio's JSON has one entry per job and server, then one "All clients"
        a = {k: os.path.join(self.tmp, "a%d.json" % k) for k in (1, 2)}
        b = {k: os.path.join(self.tmp, "b%d.json" % k) for k in (1, 2)}
        st = split(self.tmp, [job("0.buffer", "127.0.0.1", 1001, 1.0),
                              job("1.randread-4k", "127.0.0.1", 1001, 100000.0),
                              job("2.seqread-128k", "127.0.0.1", 1001, 9000.0),
                              job("3.up", "127.0.0.1", 1001, 1.0),
                              job("0.buffer", "127.0.0.1", 1002, 1.0),
                              job("1.randread-4k", "127.0.0.1", 1002, 50000.0),
                              job("2.seqread-128k", "127.0.0.1", 1002, 0.0),
                              job("All clients", "127.0.0.1", 1002, 159002.0)],
                   "127.0.0.1,1001/0.buffer=-", "127.0.0.1,1001/1.randread-4k=" + a[1],
                   "127.0.0.1,1001/2.seqread-128k=" + a[2], "127.0.0.1,1001/3.up=-",
                   "127.0.0.1,1002/0.buffer=-", "127.0.0.1,1002/1.randread-4k=" + b[1],
                   "127.0.0.1,1002/2.seqread-128k=" + b[2], "127.0.0.1,1002/3.up=-")
        self.assertEqual(st, {"127.0.0.1,1001/0.buffer": "ok",
                              "127.0.0.1,1001/1.randread-4k": "ok 100.0k",
                              "127.0.0.1,1001/2.seqread-128k": "ok 9.0k",
                              "127.0.0.1,1001/3.up": "ok",
                              "127.0.0.1,1002/0.buffer": "ok",
                              "127.0.0.1,1002/1.randread-4k": "ok 50.0k",
                              # its prerun failed: the other sections still count
                              "127.0.0.1,1002/2.seqread-128k": "error noio",
                              # the server's fio never got to it
                              "127.0.0.1,1002/3.up": "missing"})
        self.assertEqual(report.read_result(a[2], "fio")[0], 9000.0)
        self.assertEqual(report.read_result(b[1], "fio")[0], 50000.0)
        self.assertFalse(os.path.exists(b[2]))
        # one job per file, named as a one-job run names it
        with open(a[1]) as f:
            kept = json.load(f)["jobs"]
        self.assertEqual([j["jobname"] for j in kept], ["randread-4k"])

    def test_silent_server_is_missing(self):
        st = split(self.tmp, [job("ctl", "127.0.0.1", 1001, 1000.0)],
                   "127.0.0.1,1001=-", "127.0.0.1,1002=-")
        self.assertEqual(st["127.0.0.1,1002"], "missing")
        self.assertEqual(st["127.0.0.1,1001"], "ok")

    def test_failed_prerun_and_errors(self):
        st = split(self.tmp, [job("ctl", "127.0.0.1", 1001, 0.0),
                              job("ctl", "127.0.0.1", 1002, 10.0, error=5)],
                   "127.0.0.1,1001=-", "127.0.0.1,1002=-")
        self.assertEqual(st, {"127.0.0.1,1001": "error noio", "127.0.0.1,1002": "error 5"})

    def test_report_names_failed_cell(self):
        bench_dir(self.tmp, "icount", PAIR)
        with open(os.path.join(self.tmp, "failed.tsv"), "w") as f:
            f.write("tcg\tguest died during step: 3/101 down\n")
        subprocess.run([sys.executable, os.path.join(LIB, "report.py"), self.tmp, "6.1.0"],
                       capture_output=True, check=True)
        with open(os.path.join(self.tmp, "REPORT.md")) as f:
            text = f.read()
        self.assertIn("## Failed: tcg", text)
        self.assertIn("| sgblk null / null_blk, 4k randread | 0.950 | n/a | n/a | ratio >= 0.97 | **missed** |", text)

    def test_fleet_report_with_a_host_that_never_answered(self):
        g1, g2 = os.path.join(self.tmp, "h1"), os.path.join(self.tmp, "h2")
        bench_dir(g1, "host", PAIR)
        os.makedirs(os.path.join(g2, "host"))  # no results at all
        with open(os.path.join(g1, "host", "hostinfo.txt"), "w") as f:
            f.write("kernel 6.12.1\ncpu Some CPU\nncpu 8\niommu dmar0 domain DMA-FQ\n")
        with open(os.path.join(self.tmp, "failed.tsv"), "w") as f:
            f.write("h2/host\tno answer in 2 steps running, the last: env\n")
        subprocess.run([sys.executable, os.path.join(LIB, "report_fleet.py"), self.tmp, g1, g2],
                       capture_output=True, check=True)
        with open(os.path.join(self.tmp, "REPORT.md")) as f:
            text = f.read()
        self.assertIn("## Failed: h2/host", text)
        self.assertIn("| h1 | host | 6.12.1 | Some CPU (8 CPUs) | dmar0 domain DMA-FQ |", text)
        self.assertIn("| ratio >= 0.97 | 0.950 | n/a |", text)


if __name__ == "__main__":
    sys.exit(taptest.run(Fleet, "fleet"))
