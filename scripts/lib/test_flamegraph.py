#!/usr/bin/env python3
"""Host unit test of the perf script folding (scripts/lib/flamegraph.py).
Prints one TAP line per test; exit status 1 if any failed."""
import os
import sys
import unittest
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flamegraph as fg  # noqa: E402
import taptest  # noqa: E402

SCRIPT = """fio 
\tffffffffa0001234 sgblk_dma_map+0x12 ([sgblk])
\tffffffffa0002000 sgblk_queue_rq ([sgblk])
\tffffffff81000130 entry_SYSCALL_64_after_hwframe ([kernel.kallsyms])
\t    7fb8026c0ca3 [unknown] (/usr/bin/fio)

perf 
\tffffffff81111111 perf_poll ([kernel.kallsyms])

swapper 
\tffffffff81222222 native_safe_halt ([kernel.kallsyms])
\tffffffff81333333 do_idle ([kernel.kallsyms])
fio 
\tffffffffa0001234 sgblk_dma_map ([sgblk])
\tffffffffa0002000 sgblk_queue_rq ([sgblk])
\tffffffff81000130 entry_SYSCALL_64_after_hwframe ([kernel.kallsyms])
\t    7fb8026c0ca3 [unknown] (/usr/bin/fio)

"""


class Fold(unittest.TestCase):
    def folded(self):
        return fg.fold(fg.samples(SCRIPT.splitlines(True)))

    def test_stacks_root_first_and_counted(self):
        f = self.folded()
        key = "fio;[fio];entry_SYSCALL_64_after_hwframe;sgblk_queue_rq;sgblk_dma_map"
        self.assertEqual(f[key], 2)  # +0x offset stripped, both samples merged
        self.assertEqual(f["swapper;do_idle;native_safe_halt"], 1)

    def test_perf_itself_left_out(self):
        self.assertFalse([s for s in self.folded() if s.startswith("perf;")])
        self.assertEqual(sum(self.folded().values()), 3)

    def test_sample_without_blank_line_ends_at_next_header(self):
        # the swapper sample is followed directly by the next header
        self.assertEqual(sum(self.folded().values()), 3)

    def test_self_counts(self):
        s = fg.self_counts(self.folded())
        self.assertEqual(s["sgblk_dma_map"], 2)
        self.assertEqual(s["native_safe_halt"], 1)
        self.assertNotIn("sgblk_queue_rq", s)

    def test_read_folded_round_trip(self):
        f = self.folded()
        text = "".join("%s %d\n" % kv for kv in f.items())
        self.assertEqual(fg.read_folded(text.splitlines(True)), f)

    def test_svg_well_formed_and_proportional(self):
        doc = xml.dom.minidom.parseString(fg.svg(self.folded(), "t<&>"))
        rects = {}
        for g in doc.getElementsByTagName("g"):
            name = g.getElementsByTagName("title")[0].firstChild.data.split(" (")[0]
            rects[name] = float(g.getElementsByTagName("rect")[0].getAttribute("width"))
        self.assertAlmostEqual(rects["fio"], 2 * rects["swapper"], delta=0.2)
        self.assertAlmostEqual(rects["sgblk_dma_map"], rects["fio"], delta=0.2)

    def test_unknown_frames_named_by_dso(self):
        self.assertEqual(fg.frame_name("[unknown]", "/usr/bin/fio"), "[fio]")
        self.assertEqual(fg.frame_name("", "[kernel.kallsyms]"), "[kernel.kallsyms]")


if __name__ == "__main__":
    sys.exit(taptest.run(Fold, "flamegraph"))
