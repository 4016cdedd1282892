#!/usr/bin/env python3
"""Read the QEMU plugin tbcount's windows (scripts/lib/qemu-plugin/tbcount.c)
and turn them into instructions per function.

A window is "window N" followed by "VADDR INSNS EXECS" lines (hex address of
a translation block's first instruction, its instructions, its executions).
A block counts for the function its first instruction is in, resolved
against the guest's /proc/kallsyms (kernel and module text); user-space
addresses are one bucket, "[user]".
"""
import bisect
import gzip
from collections import Counter

KERNEL_BASE = 0xffff800000000000


def open_text(path):
    return gzip.open(path, "rt") if path.endswith(".gz") else open(path)


def read_kallsyms(lines):
    """Sorted (addresses, names) of the text symbols in /proc/kallsyms lines."""
    syms = []
    for line in lines:
        parts = line.split()
        if len(parts) < 3 or parts[1] not in "tTwW":
            continue
        addr = int(parts[0], 16)
        if addr:
            syms.append((addr, parts[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def merge_syms(*tables):
    pairs = sorted(p for addrs, names in tables for p in zip(addrs, names))
    return [a for a, _ in pairs], [n for _, n in pairs]


def read_windows(lines):
    """List of windows, each a list of (vaddr, insns, execs)."""
    out = []
    for line in lines:
        if line.startswith("window"):
            out.append([])
        elif out and line.strip():
            v, n, e = line.split()
            out[-1].append((int(v, 16), int(n), int(e)))
    return out


def per_function(window, syms):
    """Counter: function -> instructions executed in the window."""
    addrs, names = syms
    out = Counter()
    for vaddr, insns, execs in window:
        if vaddr < KERNEL_BASE:
            name = "[user]"
        else:
            i = bisect.bisect_right(addrs, vaddr) - 1
            name = names[i] if i >= 0 else "[kernel]"
        out[name] += insns * execs
    return out
