#!/usr/bin/env python3
"""make profile's host half: turn a guest's /out/profile into tables and
flame graphs.

  profile_report.py DIR [--top N]

DIR/profile/ holds env.txt ("runs DEVICE:PROFILE:JOB ..."), windows (the
runs in counting-window order), kallsyms.gz and per run, U =
DEVICE_PROFILE_JOB: U.fio.json (the run without perf), U.count.json and
U.window (the counted run and its window in guest ns), U.kallsyms (module
symbols) and U.script-RATE.gz (perf script of a run under perf at RATE Hz).
DIR/tbcount.txt[.gz] is what the QEMU plugin counted.  Writes
DIR/LABEL.folded.gz, DIR/LABEL.svg, DIR/top.tsv and DIR/PROFILE.md (LABEL:
the device, plus profile and job where the runs differ in them).

Units.  In an icount guest (shift=0) guest time advances 1 ns per
instruction executed, except while the vCPU halts (sleep=off: the clock
jumps to the next timer).  With one vCPU and one fio job,
    ns per I/O = runtime / total I/Os = 1e9 / IOPS  (guest time).
The table counts instructions exactly (the plugin, per code block) over a
window of the counted run: a function's instructions per I/O are its
instructions in the window / (IOPS x window length), and the idle share
is 1 - instructions / window ns.  The flame graphs are perf samples
(cpu-clock; weighted by period when several rates ran; perf's own process
left out): their shapes show call paths, but their widths may alias with
the workload's period in a deterministic guest, so no figure is taken
from them unless no count exists (then the table says "sampled").
"""
import argparse
import gzip
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flamegraph as fg  # noqa: E402
import tbcount  # noqa: E402


def fio_ns_per_io(path):
    """(ns per I/O, IOPS) of a fio JSON run: summed over jobs and directions."""
    with open(path) as fh:
        d = json.load(fh)
    ios = rt = 0
    for j in d["jobs"]:
        for k in ("read", "write"):
            ios += j[k]["total_ios"]
        rt = max(rt, j["job_runtime"])  # ms
    if not ios:
        raise ValueError("%s: no I/O" % path)
    return rt * 1e6 / ios, ios * 1e3 / rt


def unit_name(dev, prof, job):
    return "%s_%s_%s" % (dev, prof, job)


def load_unit(pdir, dev, prof, job, label=None, counts=None):
    """One run's profile: instructions per I/O per function, and more."""
    u = unit_name(dev, prof, job)
    d = load_device(pdir, u, counts)
    d["dev"] = label or u
    return d


def load_device(pdir, dev, counts=None):
    """One run: its flame graph stacks and its instructions per I/O per
    function, counted (counts: (windows, kernel symbols)) or sampled."""
    ns_io, iops = fio_ns_per_io(os.path.join(pdir, dev + ".fio.json"))
    folded = fg.Counter()
    rates = sorted(int(f[len(dev) + 8:-3]) for f in os.listdir(pdir)
                   if f.startswith(dev + ".script-") and f.endswith(".gz"))
    for rate in rates:
        # weight each sample by its period: counts become guest ns
        with fg.open_text(os.path.join(pdir, "%s.script-%d.gz" % (dev, rate))) as fh:
            for stack, n in fg.fold(fg.samples(fh)).items():
                folded[stack] += n * 1e9 / rate
    folded = fg.Counter({k: int(round(v)) for k, v in folded.items()})
    d = {"dev": dev, "ns_io": ns_io, "iops": iops, "folded": folded, "rates": rates}
    win = counted_window(pdir, dev, counts)
    if win:
        fn, ios, wns = win
        total = sum(fn.values())
        d.update(source="counted", per_io={f: n / ios for f, n in fn.items()},
                 instr_io=total / ios, idle_share=1 - total / wns, window_ms=wns / 1e6)
        return d
    if not rates:
        raise ValueError("%s: neither a counted window nor perf samples of %s" % (pdir, dev))
    selfc = fg.self_counts(folded)
    total = sum(selfc.values())
    halt = sum(n for f, n in selfc.items() if f in fg.HALT) / total if total else 0.0
    d.update(source="sampled", per_io={f: ns_io * n / total for f, n in selfc.items()}
             if total else {}, instr_io=ns_io * (1 - halt), idle_share=halt,
             window_ms=total / 1e6)
    return d


def load_counts(run_dir):
    """(windows by run name, kernel symbols) of a profile run, or None."""
    pdir = os.path.join(run_dir, "profile")
    tb = next((p for p in (os.path.join(run_dir, "tbcount.txt.gz"),
                           os.path.join(run_dir, "tbcount.txt")) if os.path.exists(p)), None)
    order = os.path.join(pdir, "windows")
    if not tb or not os.path.exists(order):
        return None
    with tbcount.open_text(tb) as fh:
        wins = tbcount.read_windows(fh)
    with open(order) as fh:
        names = fh.read().split()
    with tbcount.open_text(os.path.join(pdir, "kallsyms.gz")) as fh:
        ksyms = tbcount.read_kallsyms(fh)
    return dict(zip(names, wins)), ksyms


def counted_blocks(pdir, dev, counts):
    """(blocks, symbols, I/Os, ns) of dev's counted window: the plugin's
    (vaddr, insns, execs) and the kernel's symbols with the module's; None
    without one."""
    if not counts or dev not in counts[0]:
        return None
    with open(os.path.join(pdir, dev + ".window")) as fh:
        t = [int(x) for x in fh.read().split()]
    _, iops = fio_ns_per_io(os.path.join(pdir, dev + ".count.json"))
    msyms = ([], [])
    mpath = os.path.join(pdir, dev + ".kallsyms")
    if os.path.exists(mpath):
        with open(mpath) as fh:
            msyms = tbcount.read_kallsyms(fh)
    wns = t[1] - t[0]
    return counts[0][dev], tbcount.merge_syms(counts[1], msyms), iops * wns / 1e9, wns


def counted_window(pdir, dev, counts):
    """(instructions per function, I/Os, ns) of dev's counted window, or None."""
    win = counted_blocks(pdir, dev, counts)
    if not win:
        return None
    blocks, syms, ios, wns = win
    return tbcount.per_function(blocks, syms), ios, wns


def read_env(pdir):
    env = {}
    try:
        with open(os.path.join(pdir, "env.txt")) as fh:
            for line in fh:
                k, _, v = line.rstrip("\n").partition(" ")
                env[k] = v
    except OSError:
        pass
    return env


def diff_rows(a, b, n):
    """Top n functions by a's minus b's instructions per I/O (a costs more)."""
    keys = set(a["per_io"]) | set(b["per_io"])
    d = sorted(keys, key=lambda f: a["per_io"].get(f, 0) - b["per_io"].get(f, 0),
               reverse=True)
    return [(f, a["per_io"].get(f, 0), b["per_io"].get(f, 0)) for f in d[:n]]


def top_table(devs, n):
    """Markdown: the union of each device's top n, ordered by the first."""
    keys = []
    for d in devs:
        for f, _ in sorted(d["per_io"].items(), key=lambda kv: -kv[1])[:n]:
            if f not in keys:
                keys.append(f)
    first = devs[0]
    keys.sort(key=lambda f: -first["per_io"].get(f, 0))
    head = "| function | " + " | ".join(d["dev"] for d in devs)
    if len(devs) > 1:
        head += " | %s - %s" % (devs[0]["dev"], devs[1]["dev"])
    lines = [head + " |", "|---" * (len(devs) + 1 + (len(devs) > 1)) + "|"]
    for f in keys:
        vals = [d["per_io"].get(f, 0) for d in devs]
        row = "| %s | " % f + " | ".join("%.0f" % v for v in vals)
        if len(devs) > 1:
            row += " | %+.0f" % (vals[0] - vals[1])
        lines.append(row + " |")
    for label, key, fmt in (("**instructions per I/O**", "instr_io", "%.0f"),
                            ("guest ns per I/O (1e9/IOPS)", "ns_io", "%.0f"),
                            ("idle share", "idle_share", "%.3f"),
                            ("IOPS (run without perf)", "iops", "%.0f"),
                            ("guest ms counted (or sampled)", "window_ms", "%.0f"),
                            ("source", "source", "%s")):
        vals = [d[key] for d in devs]
        row = "| %s | " % label + " | ".join(fmt % v for v in vals)
        if len(devs) > 1:
            row += " | " + ("%+.0f" % (vals[0] - vals[1]) if key in ("instr_io", "ns_io")
                            else "")
        lines.append(row + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--top", type=int, default=10)
    a = ap.parse_args(argv)
    pdir = os.path.join(a.dir, "profile")
    env = read_env(pdir)
    runs = [r.split(":") for r in env.get("runs", "").split()]
    if not runs or any(len(r) != 3 for r in runs):
        print("profile_report: no runs DEVICE:PROFILE:JOB in %s/env.txt" % pdir,
              file=sys.stderr)
        return 1
    jobs = {r[2] for r in runs}
    profs = {r[1] for r in runs if r[1] != "-"}

    def label(r):
        return "-".join([r[0]] + ([r[1]] if len(profs) > 1 and r[1] != "-" else []) +
                        ([r[2]] if len(jobs) > 1 else []))
    try:
        counts = load_counts(a.dir)
        devs = [load_unit(pdir, *r, label=label(r), counts=counts) for r in runs]
    except (OSError, ValueError, KeyError) as e:
        print("profile_report: %s" % e, file=sys.stderr)
        return 1
    env["job"] = ", ".join(sorted(jobs))
    env["profile"] = ", ".join(sorted(profs)) or "-"
    title_env = "%s, %s, profile %s, iodepth %s" % (env.get("job"), env.get("kernel"),
                                                   env.get("profile"), env.get("iodepth"))
    with open(os.path.join(a.dir, "top.tsv"), "w") as fh:
        fh.write("device\tfunction\tinstructions_per_io\tshare_of_instructions\n")
        for d in devs:
            with gzip.open(os.path.join(a.dir, d["dev"] + ".folded.gz"), "wt") as ff:
                for stack, c in sorted(d["folded"].items()):
                    ff.write("%s %d\n" % (stack, c))
            with open(os.path.join(a.dir, d["dev"] + ".svg"), "w") as fs:
                fs.write(fg.svg(d["folded"], "%s: %s" % (d["dev"], title_env)))
            for f, v in sorted(d["per_io"].items(), key=lambda kv: -kv[1]):
                fh.write("%s\t%s\t%.1f\t%.5f\n" % (d["dev"], f, v, v / d["instr_io"]))
    host = {}
    hpath = os.path.join(a.dir, "host.txt")
    if os.path.exists(hpath):
        with open(hpath) as fh:
            host = dict(line.rstrip("\n").split(" ", 1) for line in fh if " " in line)
    md = ["# make profile: %s" % title_env, "",
          "Top functions by self time, as **instructions per I/O**: counted",
          "exactly by the QEMU plugin tbcount over %s s of guest time in the" % env.get("window"),
          "middle of a run (instructions / (IOPS x window)); idle share: the",
          "window's guest ns without instructions (halted).  Flame graphs (perf",
          "samples; call paths, approximate widths): " +
          " ".join("[%s](%s.svg)" % (d["dev"], d["dev"]) for d in devs) + ".", "",
          top_table(devs, a.top), ""]
    if len(devs) > 1:
        md += ["## Where %s spends more than %s" % (devs[0]["dev"], devs[1]["dev"]), "",
               "| function | %s | %s | difference |" % (devs[0]["dev"], devs[1]["dev"]),
               "|---|---|---|---|"]
        md += ["| %s | %.0f | %.0f | %+.0f |" % (f, x, y, x - y)
               for f, x, y in diff_rows(devs[0], devs[1], a.top)]
        md.append("")
    md += ["## Environment", "",
           "- counting: QEMU TCG plugin scripts/lib/qemu-plugin/tbcount.c (instructions "
           "per translation block, attributed to the function of its first instruction), "
           "window %s s from 0.3 s into a %s s run, opened and closed by sgblk-mark" % (
               env.get("window"), env.get("runtime")),
           "- flame graphs: perf record -e cpu-clock -F F -a -g, one run at each F in %s "
           "Hz (software clock; in icount mode it samples guest time, and a fixed period "
           "can lock onto the workload's phase)" % env.get("freqs"),
           "- guest kernel %s, vCPUs %s, CPU model %s" % (env.get("kernel"), env.get("ncpu"),
                                                       env.get("cpu")),
           "- accelerator: %s" % host.get("accel", "QEMU TCG, -icount shift=0,align=off,sleep=off"),
           "- host CPU: %s" % host.get("host_cpu", "?"),
           "- %s; %s" % (env.get("fio"), env.get("perf")),
           "- job %s, runtime %s s, size %s, iodepth %s; commit %s" % (
               env.get("job"), env.get("runtime"), env.get("size"), env.get("iodepth"),
               host.get("commit", "?"))]
    try:
        with open(os.path.join(pdir, "buffer.txt")) as fh:
            md.append("- fio buffer (make bench's): %s" % fh.read().strip())
    except OSError:
        pass
    md.append("")
    with open(os.path.join(a.dir, "PROFILE.md"), "w") as fh:
        fh.write("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
