#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpus of fuzz_sgplan (layout: see fuzz_sgplan.c).

Usage: gen-corpus.py DIR   (make corpus) -- rewrites DIR/*.bin.
"""
import os
import sys

PRESETS = {'none': 0, 'page': 1, 'boundary-1k': 2, 'align-4k': 3,
           'dma28': 4, 'desc-4': 5, 'raw': 6}
# address bases of a segment
B_1M, B_4G, B_MASK, B_ZERO, B_PREV_END, B_POW2, B_PAGE, B_PREV = range(8)
SCALE = {1: 0, 512: 1, 4096: 2, 65536: 3}


OUT_BOUND, OUT_BOUND_1, OUT_RING, OUT_TWICE = range(4)


def hdr(preset, max_descs=None, bits=None, lb=12, la=0, mseg=None,
        bounce_log2=0, corrupt=None, out=OUT_BOUND):
    """Header; lb, la, mseg, bounce_log2 matter for raw profiles only."""
    h = bytearray(14)
    h[0] = PRESETS[preset]
    h[1] = out << 3
    if max_descs is not None:
        h[1] |= 1
        if max_descs <= 16:
            h[10], h[11] = max_descs, 0x80
        else:
            h[10], h[11] = max_descs & 0xff, (max_descs >> 8) & 0x0f
    if bits is not None:
        h[1] |= 4
        h[8] = bits - 24
    else:
        h[8] = 64 - 24
    h[2], h[3] = lb, la
    if mseg is None:
        h[4] = 0                      # max_seg_size = boundary
    else:                             # 512 + h[5..6], rounded to the align
        assert 512 <= mseg < 512 + 0x10000
        h[4] = 2
        h[5:7] = (mseg - 512).to_bytes(2, 'little')
    h[9] = bounce_log2
    if corrupt is not None:
        h[1] |= 2
        h[12], h[13] = corrupt
    return bytes(h)


def seg(length, base=B_1M, delta=0, scale=1, b1=None):
    s = bytearray(8)
    s[0] = base | SCALE[scale] << 3
    d = (delta // scale) & 0xffffff
    s[1:4] = d.to_bytes(3, 'little')
    if b1 is not None:
        s[1] = b1
    if length < 0x10000:
        mode, v = 0, length
    elif length % 4096 == 0 and length // 4096 < 4096:
        mode, v = 2, length // 4096
    elif length % 512 == 0 and length // 512 <= 0x4000:
        mode, v = 1, length // 512 - 1
    else:
        assert length < 1 << 30
        mode, v = 3, length >> 6
        s[4] = length & 0x3f
    s[4] |= mode << 6
    s[5:8] = v.to_bytes(3, 'little')
    return bytes(s)


PAGE = 4096
SEEDS = {
    # one per driver preset
    'none-pages': hdr('none') + seg(PAGE) + seg(PAGE, delta=8 * PAGE,
                                                scale=PAGE) + seg(2 * PAGE, B_PREV_END),
    'none-odd-tail': hdr('none') + seg(PAGE, delta=3) + seg(1001, B_PREV_END),
    'page-split': hdr('page', out=OUT_BOUND_1)
    + seg(16384, delta=0x800, scale=512),
    'page-runs': hdr('page') + seg(700, delta=1) + seg(PAGE, B_PREV_END)
    + seg(3 * PAGE, B_PAGE),
    'boundary-1k': hdr('boundary-1k', out=OUT_TWICE) + seg(8192, delta=512, scale=512)
    + seg(1536) + seg(513, B_PREV_END),
    'align-4k-direct': hdr('align-4k') + seg(PAGE) + seg(4 * PAGE, B_PAGE)
    + seg(100, B_PAGE),
    'align-4k-bounce': hdr('align-4k') + seg(PAGE, delta=512, scale=512)
    + seg(1000) + seg(PAGE, B_PAGE) + seg(PAGE, B_PAGE),
    'dma28-straddle': hdr('dma28') + seg(PAGE) + seg(PAGE, B_MASK, -2048)
    + seg(PAGE, B_MASK) + seg(PAGE, B_1M),
    'desc-4-cut': hdr('desc-4') + b''.join(seg(PAGE, B_PAGE, b1=i)
                                           for i in range(6))
    + seg(100, delta=3),
    'desc-4-fits': hdr('desc-4') + b''.join(seg(PAGE, B_PAGE, b1=i)
                                            for i in range(4)),
    # legal segments, too many for the budget, room for all of them
    'desc-4-ring': hdr('desc-4', out=OUT_RING)
    + b''.join(seg(PAGE, B_PAGE, b1=i) for i in range(6)),
    # presets with overrides
    'page-mask24': hdr('page', bits=24) + seg(PAGE, B_MASK, -PAGE)
    + seg(PAGE, B_MASK),
    'none-budget2': hdr('none', max_descs=2) + seg(700, delta=1)
    + seg(PAGE, B_PAGE) + seg(PAGE, B_PAGE, b1=9),
    'boundary-1k-e2big': hdr('boundary-1k', max_descs=3)
    + seg(8192, delta=1),
    # address edges
    'top-of-2to64': hdr('none') + seg(PAGE, B_ZERO, -PAGE)
    + seg(PAGE, B_ZERO, -2048),
    '4g-line': hdr('none') + seg(PAGE, B_4G, -2048) + seg(8192, B_4G, -PAGE),
    'pow2-addrs': hdr('page') + seg(PAGE, B_POW2, b1=40)
    + seg(PAGE, B_POW2, b1=63) + seg(PAGE, B_PREV),
    # invalid input
    'zero-len': hdr('none') + seg(PAGE) + seg(0, B_PREV_END),
    'empty': hdr('page'),
    'over-4g': hdr('none') + b''.join(seg((1 << 30) - 64, B_PAGE, b1=i)
                                      for i in range(5)),
    # raw profiles
    'raw-maxseg': hdr('raw', lb=14, la=9, mseg=1536, bits=32,
                      bounce_log2=9) + seg(3 * PAGE) + seg(PAGE, B_4G, -512),
    'raw-sub-page': hdr('raw', lb=9, la=2, bits=36, bounce_log2=9)
    + seg(2000, delta=6) + seg(4, B_PREV_END) + seg(1000, B_PREV_END),
    'raw-bad-align': hdr('raw', lb=12, la=13) + seg(PAGE),
    'raw-flip-boundary': hdr('raw', lb=12, corrupt=(0, 3)) + seg(PAGE),
    'preset-flip-bounce': hdr('page', corrupt=(5, 8)) + seg(PAGE),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'corpus'
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith('.bin'):
            os.unlink(os.path.join(out, f))
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(out, name + '.bin'), 'wb') as f:
            f.write(data)
    print(f'{len(SEEDS)} seeds in {out}/')


if __name__ == '__main__':
    main()
