#!/usr/bin/env python3
"""Fold `perf script` call chains and draw them as a flame graph (SVG).

Debian has no flame graph package, so this is the small part of Brendan
Gregg's stackcollapse-perf.pl + flamegraph.pl that make profile needs.

  flamegraph.py fold SCRIPT[.gz]            folded stacks on stdout
  flamegraph.py svg FOLDED --title T        SVG on stdout

SCRIPT is `perf script -F comm,ip,sym,dso` output: a header line (the
command name) per sample, then one tab-indented frame per line, leaf first
("addr symbol (dso)"), then a blank line.  A folded line is
"comm;root;...;leaf COUNT", root first, as flamegraph.pl reads it.
"""
import argparse
import gzip
import html
import re
import sys
from collections import Counter

FRAME = re.compile(r"^\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$")
# Where a halted CPU is sampled: guest time passes there, instructions do not.
HALT = frozenset({"native_safe_halt", "pv_native_safe_halt", "arch_safe_halt",
                  "default_idle", "halt", "safe_halt"})


def frame_name(sym, dso):
    """A frame's label: its symbol, or [dso] when perf could not resolve it."""
    if sym and sym != "[unknown]":
        return sym.split("+0x")[0]
    base = dso.rsplit("/", 1)[-1] if dso else "unknown"
    return "[%s]" % base.strip("[]")


def samples(lines):
    """Yield (comm, frames leaf first) for each sample of perf script text."""
    comm, frames = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if comm is not None:
                yield comm, frames
            comm, frames = None, []
        elif line[0] in " \t":
            m = FRAME.match(line)
            if m and comm is not None:
                frames.append(frame_name(m.group(1), m.group(2)))
        else:
            if comm is not None:
                yield comm, frames
            comm, frames = line.split()[0] if line.split() else "?", []
    if comm is not None:
        yield comm, frames


def fold(sample_iter, exclude=("perf",)):
    """Folded stacks (root first, the command as the root frame): Counter."""
    out = Counter()
    for comm, frames in sample_iter:
        if comm in exclude:
            continue
        out[";".join([comm] + frames[::-1])] += 1
    return out


def self_counts(folded):
    """Samples per leaf function (self time) from folded stacks."""
    out = Counter()
    for stack, n in folded.items():
        out[stack.rsplit(";", 1)[-1]] += n
    return out


def read_folded(lines):
    out = Counter()
    for line in lines:
        line = line.rstrip("\n")
        if not line:
            continue
        stack, _, n = line.rpartition(" ")
        out[stack] += int(n)
    return out


def open_text(path):
    if path == "-":
        return sys.stdin
    if path.endswith(".gz"):
        return gzip.open(path, "rt", errors="replace")
    return open(path, errors="replace")


def _tree(folded):
    root = {"n": 0, "kids": {}}
    for stack, n in folded.items():
        node = root
        node["n"] += n
        for f in stack.split(";"):
            node = node["kids"].setdefault(f, {"n": 0, "kids": {}})
            node["n"] += n
    return root


def _colour(name):
    # warm hues, stable per name (flamegraph.pl's "hot" palette, hashed)
    h = sum(ord(c) * (i + 1) for i, c in enumerate(name))
    return "rgb(%d,%d,%d)" % (205 + h % 50, 60 + (h // 7) % 150, (h // 13) % 55)


def svg(folded, title="", width=1200, row=16, min_px=0.3):
    """A flame graph of folded stacks: root at the bottom, width = samples."""
    root = _tree(folded)
    total = root["n"] or 1
    scale = (width - 20) / total
    rects = []
    depth_max = [0]

    def walk(node, name, x, depth):
        w = node["n"] * scale
        if w < min_px:
            return
        depth_max[0] = max(depth_max[0], depth)
        if name is not None:
            rects.append((name, x, depth, w, node["n"]))
        cx = x
        for kname, kid in sorted(node["kids"].items()):
            walk(kid, kname, cx, depth + (name is not None))
            cx += kid["n"] * scale

    walk(root, None, 10.0, 0)
    height = (depth_max[0] + 1) * row + 60
    out = ['<?xml version="1.0" standalone="no"?>',
           '<svg version="1.1" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg" '
           'font-family="Verdana" font-size="11">' % (width, height),
           '<rect x="0" y="0" width="%d" height="%d" fill="#f8f8f8"/>' % (width, height),
           '<text x="%d" y="20" text-anchor="middle" font-size="15">%s</text>'
           % (width // 2, html.escape(title))]
    for name, x, depth, w, n in rects:
        y = height - 20 - (depth + 1) * row
        label = html.escape(name)
        tip = "%s (%d samples, %.2f%%)" % (label, n, 100.0 * n / total)
        out.append('<g><title>%s</title><rect x="%.1f" y="%d" width="%.1f" height="%d" '
                   'fill="%s" rx="2"/>' % (tip, x, y, w, row - 1, _colour(name)))
        chars = int(w / 7)
        if chars >= 3:
            text = name if len(name) <= chars else name[:chars - 2] + ".."
            out.append('<text x="%.1f" y="%d">%s</text>' % (x + 3, y + row - 4,
                                                            html.escape(text)))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fold", help="perf script text to folded stacks")
    f.add_argument("script")
    s = sub.add_parser("svg", help="folded stacks to an SVG flame graph")
    s.add_argument("folded")
    s.add_argument("--title", default="")
    a = ap.parse_args(argv)
    try:
        if a.cmd == "fold":
            with open_text(a.script) as fh:
                for stack, n in sorted(fold(samples(fh)).items()):
                    print("%s %d" % (stack, n))
        else:
            with open_text(a.folded) as fh:
                sys.stdout.write(svg(read_folded(fh), a.title))
    except OSError as e:
        print("flamegraph: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
