#!/usr/bin/env python3
"""Host unit test of scripts/lib/tbcount.py (TAP lines; exit 1 on failure)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tbcount as tc  # noqa: E402
import taptest  # noqa: E402

KALLSYMS = """ffffffff81000000 T _stext
ffffffff81001000 t native_safe_halt
ffffffff81002000 D some_data
ffffffff81003000 T blk_mq_end_request
0000000000000000 T hidden_by_kptr_restrict
"""
MODULE = "ffffffffc0001000 t sgblk_queue_rq\t[sgblk]\n"
WINDOWS = """window 0
ffffffff81001004 2 10
ffffffff81003010 5 3
ffffffffc0001020 7 4
55550000 3 100
window 1
ffffffff81003000 1 1
"""


class TbCount(unittest.TestCase):
    def setUp(self):
        self.syms = tc.merge_syms(tc.read_kallsyms(KALLSYMS.splitlines()),
                                  tc.read_kallsyms(MODULE.splitlines()))
        self.win = tc.read_windows(WINDOWS.splitlines())

    def test_windows_split(self):
        self.assertEqual(len(self.win), 2)
        self.assertEqual(self.win[1], [(0xffffffff81003000, 1, 1)])

    def test_blocks_go_to_their_function(self):
        f = tc.per_function(self.win[0], self.syms)
        self.assertEqual(f["native_safe_halt"], 20)
        self.assertEqual(f["sgblk_queue_rq"], 28)
        self.assertEqual(f["[user]"], 300)

    def test_data_symbols_do_not_capture_code(self):
        # the block at ...3010 is past the data symbol at ...2000
        self.assertEqual(tc.per_function(self.win[0], self.syms)["blk_mq_end_request"], 15)

    def test_zero_addresses_ignored(self):
        self.assertNotIn("hidden_by_kptr_restrict", self.syms[1])


if __name__ == "__main__":
    sys.exit(taptest.run(TbCount, "tbcount"))
