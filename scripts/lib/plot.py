#!/usr/bin/env python3
"""PNG plots for one benchmark run, through gnuplot.

Imported by report.py: plots(run_dir, rows, mode) writes, under
RUN_DIR/plots/, one NAME.dat (whitespace-separated, first line the column
titles) and one NAME.gp (a gnuplot script that can be re-run by hand from
that directory) per plot, runs gnuplot and returns [(name, title)] of the
PNGs that were made.  rows are report.py's aggregated rows of one mode
(dicts with device, profile, job, iodepth, bs, iops, mibs and the per-request
counters).  A plot whose data is absent is skipped; a missing gnuplot skips
them all; neither is an error.
"""
import os
import shutil
import subprocess

PROFILES = ["none", "page", "boundary-1k", "align-4k", "dma28", "desc-4"]
DEVICES = ["sgblk-null", "null_blk", "sgblk-memory", "brd"]
BSIZES = ["4k", "8k", "16k", "32k", "64k", "128k", "256k", "512k", "1m"]


def _terminal():
    """pngcairo if this gnuplot has it, else the libgd png terminal."""
    try:
        r = subprocess.run(["gnuplot", "-e", "set terminal pngcairo"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0 and "unknown" not in r.stderr.lower():
            return "pngcairo noenhanced font 'sans,10'"
    except (OSError, subprocess.SubprocessError):
        pass
    return "png noenhanced"


def _fmt(v):
    return "NaN" if v is None else "%.6g" % v


def _write_dat(path, header, table):
    with open(path, "w") as f:
        f.write(" ".join('"%s"' % h for h in header) + "\n")
        for row in table:
            x = row[0] if str(row[0]).isdigit() else '"%s"' % row[0]
            f.write(" ".join([x] + [_fmt(v) for v in row[1:]]) + "\n")


def _bs_bytes(bs):
    mult = {"k": 1 << 10, "m": 1 << 20}
    return int(bs[:-1]) * mult[bs[-1]] if bs[-1] in mult else int(bs)


class Plotter:
    def __init__(self, run_dir, rows, mode):
        self.dir = os.path.join(run_dir, "plots")
        self.rows = rows
        self.mode = mode
        self.made = []
        self.term = None

    def get(self, key, device, profile, job, **kw):
        for r in self.rows:
            if (r["tool"] == "fio" and r["device"] == device and r["profile"] == profile
                    and r["job"] == job and all(str(r[k]) == str(v) for k, v in kw.items())):
                return r.get(key)
        return None

    def render(self, name, title, header, table, body):
        """Write NAME.dat and NAME.gp, run gnuplot; body uses DAT for the file."""
        if not table or all(v is None for row in table for v in row[1:]):
            return
        os.makedirs(self.dir, exist_ok=True)
        if self.term is None:
            self.term = _terminal()
        _write_dat(os.path.join(self.dir, name + ".dat"), header, table)
        gp = ["# %s (%s); regenerate: cd plots && gnuplot %s.gp" % (title, self.mode, name),
              "set terminal %s size 960,540" % self.term,
              "set output '%s.png'" % name,
              "set datafile missing 'NaN'",
              "set key autotitle columnhead",
              "set title \"%s\\n%s\"" % (title, self.subtitle),
              "set grid ytics",
              "DAT = '%s.dat'" % name]
        gp += body
        with open(os.path.join(self.dir, name + ".gp"), "w") as f:
            f.write("\n".join(gp) + "\n")
        r = subprocess.run(["gnuplot", name + ".gp"], cwd=self.dir,
                           capture_output=True, text=True)
        png = os.path.join(self.dir, name + ".png")
        if r.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 0:
            self.made.append((name, title))
        else:
            print("plot: %s failed: %s" % (name, r.stderr.strip()[:300]))

    @staticmethod
    def bars(ncols, extra=()):
        return (["set style data histograms",
                 "set style histogram clustered gap 1",
                 "set style fill solid 0.85 border -1",
                 "set boxwidth 0.9",
                 "set xtics nomirror",
                 "set key top right"] + list(extra) +
                ["plot " + ", ".join("DAT using %d%s" % (c, ":xtic(1)" if c == 2 else "")
                                     for c in range(2, ncols + 2))])

    def pairs(self):
        table = []
        for j in ["randread-4k", "seqread-128k", "randwrite-4k"]:
            row = [j]
            for d in DEVICES:
                v = self.get("iops", d, "none" if d.startswith("sgblk") else "-", j)
                row.append(v / 1000 if v else None)
            if any(v is not None for v in row[1:]):
                table.append(row)
        self.render("pairs", "sgblk against null_blk and brd (fio, QD32)",
                    ["job"] + DEVICES, table,
                    self.bars(len(DEVICES), ["set ylabel 'kIOPS'", "set yrange [0:*]"]))

    def profile_ratio(self):
        jobs = [("randread-4k", "4k randread"), ("seqread-128k", "128k seqread"),
                ("misaligned", "7k misaligned")]
        table = []
        for p in PROFILES[1:]:
            row = [p]
            for j, _ in jobs:
                a = self.get("iops", "sgblk-memory", p, j)
                b = self.get("iops", "sgblk-memory", "none", j)
                row.append(a / b if a and b else None)
            table.append(row)
        self.render("profiles-ratio", "sgblk memory: each profile's IOPS / profile none",
                    ["profile"] + [t for _, t in jobs], table,
                    self.bars(len(jobs), [
                        "set ylabel 'IOPS ratio to none'", "set yrange [0:1.3]",
                        "set arrow from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 2 lc rgb 'red'",
                        "set arrow from graph 0, first 0.8 to graph 1, first 0.8 nohead dt 2 lc rgb 'dark-orange'",
                        "set label 'goal 4k: 0.5' at graph 0.005, first 0.52 tc rgb 'red' front",
                        "set label 'goal 128k: 0.8' at graph 0.005, first 0.82 tc rgb 'dark-orange' front",
                        "set key top left horizontal"]))

    def profile_mibs(self):
        jobs = ["randread-4k", "seqread-128k", "misaligned"]
        table = [[p] + [self.get("mibs", "sgblk-memory", p, j) for j in jobs] for p in PROFILES]
        self.render("profiles-mibs", "sgblk memory: MiB/s per profile and block size",
                    ["profile", "4k randread", "128k seqread", "7k misaligned"], table,
                    self.bars(len(jobs), ["set ylabel 'MiB/s'", "set yrange [0:*]"]))

    def counters(self):
        jobs = [("randread-4k", "4k"), ("seqread-128k", "128k"), ("misaligned", "7k misal.")]
        header = ["profile"]
        for _, t in jobs:
            header += ["bounced KiB/req " + t]
        for _, t in jobs:
            header += ["splits/req " + t]
        table = []
        for p in PROFILES:
            row = [p]
            for j, _ in jobs:
                v = self.get("bounce_bytes_per_req", "sgblk-memory", p, j)
                row.append(v / 1024 if v is not None else None)
            for j, _ in jobs:
                row.append(self.get("splits_per_req", "sgblk-memory", p, j))
            table.append(row)
        n = len(jobs)
        body = ["set style data histograms", "set style histogram clustered gap 1",
                "set style fill solid 0.85 border -1", "set key top left",
                "set terminal %s size 960,720" % self.term,
                "set output 'counters.png'",
                "set multiplot layout 2,1 title 'sgblk memory: what each profile costs the driver (%s)'"
                % self.subtitle,
                "unset title",
                "set ylabel 'bounced KiB per request'", "set yrange [0:*]",
                "plot " + ", ".join("DAT using %d%s title '%s'" % (
                    2 + i, ":xtic(1)" if i == 0 else "", jobs[i][1]) for i in range(n)),
                "set ylabel 'driver splits per request'",
                "plot " + ", ".join("DAT using %d%s title '%s'" % (
                    2 + n + i, ":xtic(1)" if i == 0 else "", jobs[i][1]) for i in range(n)),
                "unset multiplot"]
        self.render("counters", "sgblk memory: what each profile costs the driver",
                    header, table, body)

    def iodepth(self):
        series = [(d, "none" if d.startswith("sgblk") else "-", d) for d in DEVICES]
        series += [("sgblk-memory", p, p) for p in PROFILES[1:]]
        depths = sorted({int(r["iodepth"]) for r in self.rows if r["job"] == "iodepth-sweep"})
        if not depths:
            return
        table = [[str(qd)] + [(lambda v: v / 1000 if v else None)(
            self.get("iops", d, p, "iodepth-sweep", iodepth=qd)) for d, p, _ in series]
            for qd in depths]
        keep = [i for i in range(len(series)) if any(t[1 + i] is not None for t in table)]
        header = ["iodepth"] + [series[i][2] for i in keep]
        table = [[t[0]] + [t[1 + i] for i in keep] for t in table]
        body = ["set xlabel 'iodepth'", "set ylabel 'kIOPS (4k randread)'",
                "set logscale x 2", "set yrange [0:*]", "set key outside right",
                "set linetype 9 lc rgb '#a0522d' pt 9", "set linetype 10 lc rgb '#666666' pt 10",
                "plot for [c=2:%d] DAT using 1:c with linespoints lw 2 lt (c-1)" % (len(header))]
        self.render("iodepth", "IOPS against queue depth", header, table, body)

    def bs(self):
        series = [(d, "none" if d.startswith("sgblk") else "-", d) for d in DEVICES]
        series += [("sgblk-memory", p, p) for p in PROFILES[1:]]
        sizes = [b for b in BSIZES if any(r["job"] == "bs-sweep" and r["bs"] == b
                                          for r in self.rows)]
        if not sizes:
            return
        table = [[str(_bs_bytes(b) // 1024)] + [
            self.get("mibs", d, p, "bs-sweep", bs=b) for d, p, _ in series] for b in sizes]
        keep = [i for i in range(len(series)) if any(t[1 + i] is not None for t in table)]
        header = ["bs_KiB"] + [series[i][2] for i in keep]
        table = [[t[0]] + [t[1 + i] for i in keep] for t in table]
        body = ["set xlabel 'block size (KiB), sequential read QD32'",
                "set ylabel 'MiB/s (log scale)'", "set logscale x 2", "set logscale y",
                "set key outside right",
                "set linetype 9 lc rgb '#a0522d' pt 9", "set linetype 10 lc rgb '#666666' pt 10",
                "plot for [c=2:%d] DAT using 1:c with linespoints lw 2 lt (c-1)" % (len(header))]
        self.render("bs", "MiB/s against block size, per device and profile",
                    header, table, body)


def plots(run_dir, rows, mode, subtitle=""):
    if not shutil.which("gnuplot"):
        print("plot: gnuplot not found, no plots")
        return []
    p = Plotter(run_dir, rows, mode)
    p.subtitle = (subtitle or mode).replace('"', "'")
    for f in (p.pairs, p.profile_ratio, p.profile_mibs, p.counters, p.iodepth, p.bs):
        try:
            f()
        except Exception as e:  # a plot must never sink the report
            print("plot: %s skipped: %s" % (f.__name__, e))
    return p.made
