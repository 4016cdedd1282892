#!/usr/bin/env python3
"""Host unit test of scripts/lib/bounds.py and the goal bounds of
scripts/lib/report.py (TAP lines; exit 1 on failure): a count boot's files
made here, with known blocks, must give the costs they hold, and a cost
that counted nothing must give no bound."""
import gzip
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bounds  # noqa: E402
import report  # noqa: E402
import taptest  # noqa: E402

KALLSYMS = """ffffffff81000000 T memcpy_orig
ffffffff81000100 T __memcpy
ffffffff81001000 T dma_map_page_attrs
ffffffff81001100 T dma_unmap_page_attrs
ffffffff81002000 T submit_bio_noacct
"""
BRD = """ffffffffc0001000 t brd_do_bvec\t[brd]
ffffffffc0001400 t brd_submit_bio\t[brd]
"""
SGBLK = "ffffffffc0002000 t sgblk_dma_map\t[sgblk]\n"
WINDOW_NS = 500000000      # 0.5 s of guest time
IOPS = 100000.0            # so a window holds 50000 I/Os
IOS = IOPS * WINDOW_NS / 1e9


def blocks(per_io):
    """tbcount lines: (vaddr, insns, execs per I/O)."""
    return "".join("%x %d %d\n" % (v, n, int(e * IOS)) for v, n, e in per_io)


# brd, 4k: a rep movsq block (1 insn, 512 per I/O), its per-page work (40
# insns once per I/O), brd_submit_bio (not the copy)
BRD_4K = [(0xffffffffc0001010, 1, 512), (0xffffffffc0001000, 40, 1),
          (0xffffffffc0001400, 30, 1)]
# brd, 128k: memcpy_orig's loop (12 insns, 4096 per I/O), its entry (5, 32
# per I/O: once per page, under the 16-per-page cut) and brd's per page work
BRD_128K = [(0xffffffff81000010, 12, 4096), (0xffffffff81000000, 5, 32),
            (0xffffffffc0001000, 40, 32)]
SGBLK_4K = [(0xffffffff81001000, 66, 1), (0xffffffff81001100, 46, 1),
            (0xffffffffc0002000, 136, 1), (0xffffffff81002000, 90, 1)]


class Bounds(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="test_bounds.")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def count_dir(self, units):
        """A count boot's directory: units [(key, blocks, module symbols)]."""
        pdir = os.path.join(self.dir, "profile")
        os.makedirs(pdir)
        with gzip.open(os.path.join(pdir, "kallsyms.gz"), "wt") as fh:
            fh.write(KALLSYMS)
        tb = ""
        for i, (key, blk, msyms) in enumerate(units):
            u = "_".join(key)
            tb += "window %d\n" % i + blocks(blk)
            with open(os.path.join(pdir, u + ".window"), "w") as fh:
                fh.write("1000000000\n%d\n" % (1000000000 + WINDOW_NS))
            with open(os.path.join(pdir, u + ".count.json"), "w") as fh:
                json.dump({"jobs": [{"read": {"total_ios": int(IOPS)},
                                     "write": {"total_ios": 0}, "job_runtime": 1000}]}, fh)
            with open(os.path.join(pdir, u + ".kallsyms"), "w") as fh:
                fh.write(msyms)
            with open(os.path.join(pdir, "windows"), "a") as fh:
                fh.write(u + "\n")
        with open(os.path.join(self.dir, "tbcount.txt"), "w") as fh:
            fh.write(tb)
        return self.dir

    def full(self):
        return self.count_dir([(bounds.COPY_RUNS["4k"], BRD_4K, BRD),
                               (bounds.COPY_RUNS["128k"], BRD_128K, BRD),
                               (bounds.DMA_RUN, SGBLK_4K, SGBLK)])

    def test_copy_is_the_loops_only(self):
        c = bounds.costs(self.full())
        self.assertAlmostEqual(c["copy-4k"][0], 512, places=3)
        self.assertEqual(set(c["copy-4k"][1]), {"brd_do_bvec"})
        self.assertAlmostEqual(c["copy-128k"][0], 12 * 4096, places=3)
        self.assertEqual(set(c["copy-128k"][1]), {"memcpy_orig"})

    def test_dma_api_is_the_dma_functions_only(self):
        c = bounds.costs(self.full())
        self.assertAlmostEqual(c["dma_api"][0], 66 + 46, places=3)
        self.assertNotIn("sgblk_dma_map", c["dma_api"][1])

    def test_a_cost_that_counted_nothing_gives_no_bound(self):
        d = self.count_dir([(bounds.COPY_RUNS["4k"], BRD_4K[2:], BRD),
                            (bounds.DMA_RUN, SGBLK_4K, SGBLK)])
        c = bounds.costs(d)
        self.assertNotIn("copy-4k", c)
        self.assertNotIn("copy-128k", c)
        g = next(g for g in report.goal_list() if g["name"].startswith("sgblk memory / brd, 4k"))
        rows = [row("brd", "-", "randread-4k", 125000), row("null_blk", "-", "randread-4k", 115000)]
        self.assertIsNone(report.goal_bound(rows, c, g))

    def test_no_count_boot_no_costs(self):
        self.assertEqual(bounds.costs(self.dir), {})

    def test_bounds_of_the_goals(self):
        c = bounds.costs(self.full())
        rows = [row("null_blk", "-", "randread-4k", 1e9 / 8700),
                row("brd", "-", "randread-4k", 1e9 / 7800),
                row("null_blk", "-", "seqread-128k", 1e9 / 21000),
                row("brd", "-", "seqread-128k", 1e9 / 43000),
                row("sgblk-memory", "none", "seqread-128k", 1e9 / 45000),
                row("sgblk-memory", "dma28", "seqread-128k", 1e9 / 60000, 131072)]
        want = {"sgblk null / null_blk, 4k randread": 8700 / (8700 + 112),
                "sgblk memory / brd, 4k randread": 7800 / (8700 + 512),
                "sgblk memory / brd, 128k seqread": 43000 / (21000 + 12 * 4096),
                "dma28 / none, 128k seqread": 45000 / (45000 + 12 * 4096)}
        for g in report.goal_list():
            if g["name"] in want:
                self.assertAlmostEqual(report.goal_bound(rows, c, g), want[g["name"]],
                                       places=6, msg=g["name"])
        # the missed goals' table: sgblk's instructions beyond what the bound allows
        g = next(g for g in report.goal_list() if g["name"].startswith("dma28"))
        bd = report.goal_bound(rows, c, g)
        text = "\n".join(report.missed_lines(self.dir, {"icount": [
            dict(r, cpu_pct=None, descs_per_req=None, splits_per_req=None, bounce_pct=None)
            for r in rows]}, [(g["name"], g["a"], g["b"], bd)]))
        self.assertIn("| dma28 / none, 128k seqread | 60000 | 45000 | +15000 | %+.0f |" %
                      (60000 - (45000 + 12 * 4096)), text)
        # boundary-1k: page's ratio, only where both built the same elements
        g = next(g for g in report.goal_list() if g["name"].startswith("boundary-1k"))
        page = row("sgblk-memory", "page", "seqread-128k", 1e9 / 52000, 0, 32, 32)
        b1k = row("sgblk-memory", "boundary-1k", "seqread-128k", 1e9 / 56000, 0, 32, 128)
        self.assertAlmostEqual(report.goal_bound(rows + [page, b1k], c, g), 45000 / 52000)
        b1k["sg_elems_per_req"] = 8
        self.assertIsNone(report.goal_bound(rows + [page, b1k], c, g))
        b1k["sg_elems_per_req"], page["descs_per_req"] = 32, 64
        self.assertIsNone(report.goal_bound(rows + [page, b1k], c, g))
        # desc-4 has no row here: no bound, not a made-up one
        g = next(g for g in report.goal_list() if g["name"].startswith("desc-4"))
        self.assertIsNone(report.goal_bound(rows, c, g))


def row(dev, prof, job, iops, bounce=None, elems=None, descs=None):
    return {"tool": "fio", "device": dev, "profile": prof, "job": job,
            "iodepth": report.HEADLINE_DEPTH, "iops": iops, "bounce_bytes_per_req": bounce,
            "sg_elems_per_req": elems, "descs_per_req": descs}


if __name__ == "__main__":
    sys.exit(taptest.run(Bounds, "bounds"))
