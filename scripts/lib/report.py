#!/usr/bin/env python3
"""Summarise one benchmark run directory: summary.csv, plots/ and REPORT.md.

Usage: report.py RUN_DIR KVER

RUN_DIR/<mode>/bench/ (mode: icount, tcg) holds what scripts/guest/bench.sh
left: index.tsv (one line per job), the fio or sgblk-uring JSON of each job
(.json or .json.gz), the sgblk debugfs counters after each sgblk job
(.stats) and env.txt.  RUN_DIR/<mode>/wall.txt is the boot's wall time.
The headline is icount mode (deterministic: guest time is instructions
executed); plain TCG is a sanity column.  Any measurement may be missing:
its cell says n/a.
"""
import csv
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bounds  # noqa: E402
import plot  # noqa: E402
import profile_report  # noqa: E402

# host: a real machine running the plan as a fio server (make bench HOSTS=)
MODES = ("icount", "tcg", "host")
PROFILES = ["none", "page", "boundary-1k", "align-4k", "dma28", "desc-4"]
JOB_BS = {"randread-4k": "4k", "randwrite-4k": "4k", "seqread-128k": "128k",
          "seqread-1m": "1m", "misaligned": "7k", "mixed-verify": "4k-64k",
          "iodepth-sweep": "4k", "uring-randread-4k": "4k"}
BAD_COUNTERS = ("rule_violations", "own_violations", "map_errors", "engine_faults",
                "errors")
HEADLINE_DEPTH = "32"


def open_any(path):
    if os.path.exists(path):
        return open(path)
    if os.path.exists(path + ".gz"):
        return gzip.open(path + ".gz", "rt")
    return None


def read_result(path, tool):
    """(iops, MiB/s, mean latency us, cpu %) of one fio or sgblk-uring JSON."""
    f = open_any(path)
    if f is None:
        return None
    with f:
        try:
            data = json.load(f)
        except ValueError:
            return None
    if tool == "sgblk-uring":
        return (data["iops"], data["mib_s"], data["lat_us"]["mean"], None,
                data.get("tool", ""))
    job = data["jobs"][0]
    rd, wr = job["read"], job["write"]
    iops = rd["iops"] + wr["iops"]
    mibs = (rd["bw_bytes"] + wr["bw_bytes"]) / (1 << 20)
    n = rd["total_ios"] + wr["total_ios"]
    lat = ((rd["lat_ns"]["mean"] * rd["total_ios"] + wr["lat_ns"]["mean"] * wr["total_ios"])
           / n / 1000) if n else None
    return iops, mibs, lat, job["usr_cpu"] + job["sys_cpu"], data.get("fio version", "")


def read_stats(path):
    if not os.path.exists(path):
        return None
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                out[parts[0]] = int(parts[1])
    return out


def read_kv(path):
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.strip().partition(" ")
                if k:
                    out[k] = v
    return out


def collect(run_dir, mode):
    """Aggregated rows of one mode: one per (tool, device, profile, job, qd, bs)."""
    bench = os.path.join(run_dir, mode, "bench")
    index = os.path.join(bench, "index.tsv")
    if not os.path.exists(index):
        return [], {}
    groups = {}
    with open(index) as f:
        for rec in csv.DictReader(f, delimiter="\t"):
            res = read_result(os.path.join(bench, rec["file"]), rec["tool"])
            if res is None:
                continue
            bs = rec["bs"] if rec["bs"] != "-" else JOB_BS.get(rec["job"], "-")
            key = (rec["tool"], rec["device"], rec["profile"], rec["job"], rec["iodepth"], bs)
            g = groups.setdefault(key, {"res": [], "stats": []})
            g["res"].append(res)
            st = read_stats(os.path.join(bench, rec["file"][:-len(".json")] + ".stats"))
            if st is not None:
                g["stats"].append(st)
    rows = []
    for (tool, dev, prof, job, qd, bs), g in groups.items():
        iops = [r[0] for r in g["res"]]
        cpu = [r[3] for r in g["res"] if r[3] is not None]
        row = {"tool": tool, "device": dev, "profile": prof, "job": job, "iodepth": qd,
               "bs": bs, "runs": len(iops), "iops": statistics.mean(iops),
               "iops_min": min(iops), "iops_max": max(iops),
               "mibs": statistics.mean(r[1] for r in g["res"]),
               "lat_us": statistics.mean(r[2] for r in g["res"] if r[2] is not None)
               if any(r[2] is not None for r in g["res"]) else None,
               "cpu_pct": statistics.mean(cpu) if cpu else None,
               "version": g["res"][0][4]}
        if g["stats"]:
            tot = {}
            for st in g["stats"]:
                for k, v in st.items():
                    tot[k] = tot.get(k, 0) + v
            req = tot.get("requests", 0)
            nbytes = tot.get("bytes_read", 0) + tot.get("bytes_written", 0)
            per = (lambda v: v / req) if req else (lambda v: None)
            row.update({
                "requests": req,
                "sg_elems_per_req": per(tot.get("sg_elems", 0)),
                "descs_per_req": per(tot.get("descs", 0)),
                "splits_per_req": per(tot.get("splits_boundary", 0) + tot.get("splits_maxseg", 0)),
                "bounce_segs_per_req": per(tot.get("bounce_segs", 0)),
                "bounce_bytes_per_req": per(tot.get("bounce_bytes", 0)),
                "bounce_pct": 100.0 * tot.get("bounce_bytes", 0) / nbytes if nbytes else None,
                "pool_exhausted": tot.get("pool_exhausted", 0),
                "bad_counters": ", ".join("%s=%d" % (k, tot[k]) for k in BAD_COUNTERS
                                          if tot.get(k)),
            })
        rows.append(row)
    order = {d: i for i, d in enumerate(["sgblk-null", "null_blk", "sgblk-memory", "brd",
                                         "null_blk-mem"])}
    prank = {p: i for i, p in enumerate(["-"] + PROFILES)}
    rows.sort(key=lambda r: (r["tool"] != "fio", order.get(r["device"], 9),
                             prank.get(r["profile"], 9), r["job"], int(r["iodepth"] or 0),
                             bs_sort(r["bs"])))
    return rows, read_kv(os.path.join(bench, "env.txt"))


def bs_sort(bs):
    try:
        return plot._bs_bytes(bs)
    except ValueError:
        return 0


def find(rows, device, profile, job, tool="fio", iodepth=HEADLINE_DEPTH):
    for r in rows:
        if (r["tool"], r["device"], r["profile"], r["job"], r["iodepth"]) == \
                (tool, device, profile, job, iodepth):
            return r
    return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_out(cmd, cwd=None):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd).stdout
        return out.strip()
    except OSError:
        return ""


def fmt(v, spec="%.3f"):
    return "n/a" if v is None else spec % v


def kiops(v):
    return "n/a" if v is None else "%.1fk" % (v / 1000)


def missed_profiles(run_dir, missed, top=8):
    """REPORT.md lines: per missed goal, the functions that make the difference
    (instructions per I/O, sgblk minus reference) from RUN_DIR/profile-icount,
    the perf boot scripts/bench runs for the missed goals."""
    pdir = os.path.join(run_dir, "profile-icount", "profile")
    if not os.path.isdir(pdir):
        return ["", "No function-level profile in this run (scripts/bench profiles the "
                "missed goals in one more icount boot with PROFILE_MISSED=1)."]
    env = profile_report.read_env(pdir)
    counts = profile_report.load_counts(os.path.join(run_dir, "profile-icount"))
    L = ["", "### Where the missed goals' instructions go (make profile, same kernel)", "",
         "Top functions by self time as instructions per I/O, sgblk minus its reference, "
         "from one more icount boot (scripts/guest/profile.sh): instructions counted "
         "exactly per code block by the QEMU plugin tbcount over %s s of each run, divided "
         "by the I/Os in that window. Flame graphs (perf samples) in `profile-icount/`."
         % env.get("window", "?")]
    for name, a, b, *_ in missed:
        if len(a) != 3:
            L += ["", "**%s**: not profiled (make profile runs fio jobs)." % name]
            continue
        try:
            ua = profile_report.load_unit(pdir, *a, counts=counts)
            ub = profile_report.load_unit(pdir, b[0], b[1], a[2], counts=counts)
        except (OSError, ValueError, KeyError):
            L += ["", "**%s**: no profile of both sides." % name]
            continue
        L += ["", "**%s**: %.0f vs %.0f instructions per I/O (%+.0f; idle %.1f%% vs "
              "%.1f%%; %s)" % (name, ua["instr_io"], ub["instr_io"], ua["instr_io"] - ub["instr_io"],
                              100 * ua["idle_share"], 100 * ub["idle_share"], ua["source"]), "",
              "| function | sgblk | reference | difference |", "|---|---|---|---|"]
        L += ["| %s | %.0f | %.0f | %+.0f |" % row
              for row in [(f, x, y, x - y) for f, x, y in
                          profile_report.diff_rows(ua, ub, top)]]
    return L


def read_failed(run_dir):
    """(cell, reason) of every fleet cell that died or never answered
    (scripts/fleet writes failed.tsv in the run directory; a kernel or
    backend group's report looks in its parent for its own cells)."""
    out = []
    for d, prefix in ((run_dir, ""), (os.path.dirname(os.path.normpath(run_dir)),
                                      os.path.basename(os.path.normpath(run_dir)) + "/")):
        path = os.path.join(d, "failed.tsv")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                cell, _, why = line.rstrip("\n").partition("\t")
                if cell and cell.startswith(prefix):
                    out.append((cell, why))
        if out:
            break
    return out


def failed_lines(run_dir):
    bad = read_failed(run_dir)
    if not bad:
        return []
    return ["", "## Failed: %s" % ", ".join(dict.fromkeys(c for c, _ in bad)), "",
            "These fio servers died, stopped answering or failed a job during the run; "
            "what they did not measure is n/a, the rest of the matrix ran to the end.", "",
            "| cell | what happened |", "|---|---|"] + \
        ["| %s | %s |" % (c, w.replace("|", "/")) for c, w in bad]


def read_hostinfo(path):
    """kernel, cpu, ncpu, iommu of a fio server, as its host-info job named
    them (scripts/guest/fleet-ctl.sh env)."""
    return read_kv(path)


def server_lines(run_dir, modes):
    rows = []
    for m in modes:
        hi = read_hostinfo(os.path.join(run_dir, m, "hostinfo.txt"))
        if hi:
            rows.append("| %s | %s | %s (%s CPUs) | %s |" % (
                m, hi.get("kernel", "?"), hi.get("cpu", "?"), hi.get("ncpu", "?"),
                hi.get("iommu", "?")))
    return rows


def goal_list():
    """The performance goals: dicts of name, what is judged ("ratio": the
    IOPS ratio sgblk / reference; "fraction": that ratio over its bound),
    target, sgblk side, reference side and the bound (scripts/lib/bounds.py):
    ("dma",), ("copy", size, the blk-mq side), ("copy_back",), ("same_queue",
    the profile with the same queue limits that the planner maps 1:1) or None."""
    nb4k = ("null_blk", "-", "randread-4k")
    mem4k = ("sgblk-memory", "none", "randread-4k")
    brd4k = ("brd", "-", "randread-4k")

    def goal(name, judged, target, a, b, bound):
        return {"name": name, "judged": judged, "target": target, "a": a, "b": b,
                "bound": bound}
    goals = [
        goal("sgblk null / null_blk, 4k randread", "ratio", 0.97,
             ("sgblk-null", "none", "randread-4k"), nb4k, ("dma",)),
        goal("sgblk memory / brd, 128k seqread", "ratio", 1.0,
             ("sgblk-memory", "none", "seqread-128k"), ("brd", "-", "seqread-128k"),
             ("copy", "128k", ("null_blk", "-", "seqread-128k"))),
        goal("sgblk memory / brd, 4k randread", "fraction", 0.97, mem4k, brd4k,
             ("copy", "4k", nb4k)),
        goal("sgblk-uring memory / brd, 4k randread", "fraction", 0.97,
             ("sgblk-memory", "none", "uring-randread-4k", "sgblk-uring"),
             ("brd", "-", "uring-randread-4k", "sgblk-uring"),
             ("copy", "4k", ("null_blk", "-", "uring-randread-4k", "sgblk-uring")))]
    for p in ("dma28", "desc-4"):
        goals.append(goal("%s / none, 128k seqread" % p, "fraction", 0.99,
                          ("sgblk-memory", p, "seqread-128k"),
                          ("sgblk-memory", "none", "seqread-128k"), ("copy_back",)))
    goals.append(goal("boundary-1k / none, 128k seqread", "ratio", 0.9,
                      ("sgblk-memory", "boundary-1k", "seqread-128k"),
                      ("sgblk-memory", "none", "seqread-128k"),
                      ("same_queue", ("sgblk-memory", "page", "seqread-128k"))))
    return goals


def instr_per_io(rows, key):
    """Instructions per I/O of an icount row (1e9 / IOPS), or None."""
    r = find(rows, *key) if key else None
    return 1e9 / r["iops"] if r and r["iops"] else None


def goal_bound(rows, costs, g):
    """The bound of goal @g from the icount rows and the count boot's
    @costs, or None where the run lacks a side of it."""
    kind = g["bound"]
    if not kind or not rows:
        return None
    ref = instr_per_io(rows, g["b"])
    if ref is None:
        return None
    if kind[0] == "dma" and "dma_api" in costs:
        return bounds.dma_ceiling(ref, costs["dma_api"][0])
    if kind[0] == "copy" and "copy-" + kind[1] in costs:
        blkmq = instr_per_io(rows, kind[2])
        return blkmq and bounds.copy_ceiling(ref, blkmq, costs["copy-" + kind[1]][0])
    if kind[0] == "copy_back" and "copy-128k" in costs:
        r = find(rows, *g["a"])
        b = r and r.get("bounce_bytes_per_req")
        return None if b is None else bounds.copy_back(ref, b, costs["copy-128k"][0])
    if kind[0] == "same_queue":
        return same_queue_bound(rows, g["a"], kind[1], ref)
    return None


def same_queue_bound(rows, key, twin_key, ref):
    """A profile's bound where the block layer splits it as it splits its
    twin (the same queue limits: a boundary under a page is clamped to a
    page for the block layer), and the twin's plan is one descriptor per
    element: the twin's ratio to the reference (@ref instructions per
    I/O), if the run shows both built the same elements per request."""
    r, t, twin = find(rows, *key), find(rows, *twin_key), instr_per_io(rows, twin_key)
    if not (r and twin):
        return None
    re_, te = r.get("sg_elems_per_req"), t.get("sg_elems_per_req")
    if re_ is None or te is None or abs(re_ - te) > 0.01 or \
            abs((t.get("descs_per_req") or 0) - te) > 0.01:
        return None
    return ref / twin


def load(run_dir):
    """Rows and guest env.txt of every mode, and the modes that have rows."""
    data = {m: collect(run_dir, m) for m in MODES}
    rows = {m: data[m][0] for m in MODES}
    genv = {m: data[m][1] for m in MODES}
    return rows, genv, [m for m in MODES if rows[m]]


def no_results(run_dir):
    """REPORT.md that says there is nothing to report, then exit 1."""
    with open(os.path.join(run_dir, "REPORT.md"), "w") as f:
        f.write("\n".join(["# sgblk benchmark: %s" % os.path.basename(
            os.path.normpath(run_dir)), "", "No results."] + failed_lines(run_dir)) + "\n")
    sys.exit("report: no results under %s/{icount,tcg,host}/bench" % run_dir)


def environment(run_dir, kver, genv, present, host_cpu):
    """(name, value) rows of the environment table: the kernel, QEMU, the
    host, the sgblk commit and the run's parameters."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    head = present[0]
    wall = {m: read_kv(os.path.join(run_dir, m, "wall.txt")).get("wall_s") for m in MODES}
    qemu = run_out(["qemu-system-x86_64", "--version"]).splitlines()
    host = read_kv(os.path.join(run_dir, "host.txt"))
    commit = host.get("commit") or run_out(["git", "describe", "--always", "--dirty"], cwd=top)
    if host.get("module"):
        commit += " (module %s)" % host["module"]
    return [
        ("guest kernel", kver),
        ("accelerator", "QEMU TCG (no KVM). icount: `-icount shift=0,align=off,sleep=off "
         "-smp 1` (headline, 1 guest ns = 1 instruction); tcg: plain TCG `-smp 1` "
         "(wall clock, sanity only)"),
        ("QEMU", qemu[0] if qemu else "unknown"),
        ("host CPU", "%s (%s CPUs online)" % (host_cpu, os.cpu_count())),
        ("guest fio", genv[head].get("fio", "unknown")),
        ("sgblk", commit or "unknown"),
        ("date", host.get("date") or run_out(["date", "-u", "+%Y-%m-%d %H:%M UTC"])),
        ("parameters", "RUNTIME per job: %s; SIZE %s, IODEPTH %s, FULL %s, ROUNDS %s" % (
            ", ".join("%s %s s" % (m, genv[m].get("runtime", "?")) for m in present),
            genv[head].get("size", "?"), genv[head].get("iodepth", "?"),
            genv[head].get("full", "?"), genv[head].get("rounds", "?"))),
        ("jobs per boot", genv[head].get("jobs", "?")),
        ("wall time per boot", ", ".join("%s %s s" % (m, wall[m]) for m in present
                                          if wall[m]) or "n/a"),
    ]


def write_summary_csv(run_dir, kver, rows, present, host_cpu):
    """summary.csv: every aggregated row of every mode."""
    cols = ["mode", "tool", "device", "profile", "job", "iodepth", "bs", "runs",
            "iops", "iops_min", "iops_max", "mibs", "lat_us", "cpu_pct", "requests",
            "sg_elems_per_req", "descs_per_req", "splits_per_req", "bounce_segs_per_req",
            "bounce_bytes_per_req", "bounce_pct", "pool_exhausted", "bad_counters"]
    with open(os.path.join(run_dir, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols + ["kernel", "accelerator", "host_cpu"])
        for m in present:
            for r in rows[m]:
                w.writerow([m] + [(("%.6g" % r[c]) if isinstance(r.get(c), float) else
                                   r.get(c, "")) for c in cols[1:]] +
                           [kver, "tcg-icount" if m == "icount" else "tcg", host_cpu])


def ratio(rows, m, a, b):
    """IOPS of row key @a over row key @b in mode @m; None if either is missing."""
    if a is None or b is None:
        return None
    ra = find(rows[m], *a)
    rb = find(rows[m], *b)
    return ra["iops"] / rb["iops"] if ra and rb and rb["iops"] else None


def cpus(rows, ka, kb):
    """"sgblk / reference" cpu % of two icount rows."""
    ra, rb = find(rows["icount"], *ka), find(rows["icount"], *kb)
    return "%s / %s" % (fmt(ra and ra["cpu_pct"], "%.0f"), fmt(rb and rb["cpu_pct"], "%.0f"))


def iops(rows, m, key):
    r = find(rows[m], *key)
    return r["iops"] if r else None


def intro_lines(run_dir, env, present):
    """The title, how the run was made, the environment, failed cells and
    fio servers."""
    L = ["# sgblk benchmark: %s" % os.path.basename(os.path.normpath(run_dir)), "",
         "Produced by `make bench` (scripts/bench). In each boot the devices run side by side "
         "in alternating order (A B B A): sgblk `backend=null` vs null_blk "
         "(memory_backed=0, irqmode=0, queue_mode=2, one submit queue, depth 64, like "
         "sgblk; max_sectors=2048: its default of 255 sectors splits a 128 KiB read, which io_uring then finishes from a worker thread), sgblk `backend=memory` vs brd and vs null_blk memory_backed=1 (all prefilled), and every sgblk DMA "
         "profile against `none` on one prefilled memory device (profiles switched through "
         "debugfs). fio jobs are in `fio-jobs/` (io_uring, O_DIRECT, QD32), all reading "
         "into one buffer made once per boot: runs of 16 KiB, physically contiguous, each "
         "followed by a gap, above 256 MiB (so dma28 bounces alike on every kernel), so a "
         "128 KiB request is 8 scatterlist elements in every run "
         "(`sgblk-membuf`; each boot's `buffer.txt` says where its pages are). The "
         "**icount** column is the headline: guest time is instructions executed, so "
         "IOPS measure instructions per I/O of the whole guest stack and repeat across "
         "boots. The **tcg** column is wall-clock TCG, noise, shown only as a sanity check.",
         "", "| environment | |", "|---|---|"]
    L += ["| %s | %s |" % kv for kv in env]

    L += failed_lines(run_dir)
    servers = server_lines(run_dir, present)
    if servers:
        L += ["", "| fio server | kernel | CPU | IOMMU |", "|---|---|---|---|"] + servers
    return L


def goal_lines(run_dir, rows):
    """The goals table, its bounds and notes; the missed goals as (name,
    sgblk side, reference side, bound or None)."""
    costs = bounds.costs(os.path.join(run_dir, "count"))
    L = ["", "## Performance goals (judged on icount)", "",
         "| goal | measured | bound | fraction of bound | goal | result | tcg (sanity) |",
         "|---|---|---|---|---|---|---|"]
    missed = []
    for g in goal_list():
        ri = ratio(rows, "icount", g["a"], g["b"])
        bd = goal_bound(rows["icount"], costs, g)
        frac = ri / bd if ri is not None and bd else None
        v = ri if g["judged"] == "ratio" else frac
        res = "n/a" if v is None else ("met" if v >= g["target"] else "**missed**")
        if v is not None and v < g["target"]:
            missed.append((g["name"], g["a"], g["b"], bd))
            if g["judged"] == "ratio" and bd is not None and bd < g["target"]:
                res += " (goal above the bound)"
        L.append("| %s | %s | %s | %s | %s >= %.2f | %s | %s |" % (
            g["name"], fmt(ri), fmt(bd), fmt(frac), g["judged"], g["target"], res,
            fmt(ratio(rows, "tcg", g["a"], g["b"]))))
    L += ["", "Measured: the IOPS ratio sgblk / reference. Bound: the best ratio the "
          "reference and the costs below allow, from this run (`scripts/lib/bounds.py`): "
          "for sgblk null, null_blk plus the DMA API calls each request makes; for "
          "sgblk memory against brd, null_blk (a blk-mq device that moves no data) plus "
          "the copy brd makes (the blk-mq ceiling with the copy a memory device must "
          "make); for a bounce profile against `none`, `none` plus one more copy of the "
          "bytes it bounced per request (the counters below), at brd's cost per byte; "
          "for boundary-1k, `page`: the block layer splits both alike (a boundary under "
          "a page is a page to the queue), and `page` is then one descriptor per element, "
          "so boundary-1k's ratio can only be lower (the bound holds where the counters "
          "show both with the same elements per request). "
          "A goal judged on the fraction is judged against that bound."]
    if costs:
        L += ["", "Counted in this run's count boot (`count/`: the QEMU plugin tbcount, "
              "every code block executed in a window of each run, same kernel and module):", ""]
        L += ["- " + bounds.describe(k, costs[k]) for k in sorted(costs)]
    else:
        L += ["", "No count boot for this group (COUNT=0, a backend other than direct, "
              "HOSTS, no icount mode, or it failed: see `count/console.log.gz`): no bounds."]
    return L, missed


def missed_lines(run_dir, rows, missed):
    """Why the missed goals are missed: instructions per I/O and the
    driver's counters, then the function-level profile."""
    if not (missed and rows["icount"]):
        return []
    L = ["", "### Why the missed goals are missed", "",
         "In icount mode the guest CPU executes one instruction per virtual ns and fio "
         "keeps it busy (the cpu column), so 1e9 / IOPS is the instructions one I/O "
         "costs the whole guest stack; the difference is what sgblk adds. The counters "
         "say what the driver did with each request. Beyond the bound: the "
         "instructions per I/O sgblk spends over what its bound allows (reference / "
         "bound); for sgblk null, what its own code costs beyond the DMA API calls and "
         "null_blk's driver.", "",
         "| goal | instr/I/O sgblk | instr/I/O reference | extra instr/I/O | beyond the bound "
         "| cpu % | descs/req | splits/req | bounced % of bytes |",
         "|---|---|---|---|---|---|---|---|---|"]
    for name, a, b, bd in missed:
        ra, rb = find(rows["icount"], *a), find(rows["icount"], *b)
        if not ra or not rb:
            continue
        ia, ib = 1e9 / ra["iops"], 1e9 / rb["iops"]
        L.append("| %s | %.0f | %.0f | %+.0f | %s | %s | %s | %s | %s |" % (
            name, ia, ib, ia - ib, fmt(bd and ia - ib / bd, "%+.0f"),
            fmt(ra["cpu_pct"], "%.0f"),
            fmt(ra.get("descs_per_req"), "%.2f"), fmt(ra.get("splits_per_req"), "%.2f"),
            fmt(ra.get("bounce_pct"), "%.1f")))
    return L + missed_profiles(run_dir, missed)


def write_missed_tsv(run_dir, missed):
    """missed.tsv: the missed fio goals, for scripts/bench to profile."""
    with open(os.path.join(run_dir, "missed.tsv"), "w") as f:
        f.write("goal\tdevice\tprofile\tjob\tref_device\tref_profile\n")
        for name, a, b, *_ in missed:
            if len(a) == 3:  # fio jobs only: make profile runs fio
                f.write("%s\t%s\t%s\t%s\t%s\t%s\n" % ((name,) + a + b[:2]))


def planner_lines(run_dir):
    """The planner micro-benchmark (host, callgrind) from planner.txt, if any."""
    planner = os.path.join(run_dir, "planner.txt")
    if not os.path.exists(planner):
        return []
    with open(planner) as f:
        pl = f.read().split()
    kv = dict(zip(pl[::2], pl[1::2]))
    return ["", "## Planner micro-benchmark (host, callgrind)", "",
            "`make -C userspace/microbench run`: sgplan_plan for a 128 KiB request of 32 "
            "scattered 4 KiB segments, and the engine's check of the plan (bench_check) "
            "on the 16 KiB runs of the bench buffer; instructions counted by callgrind "
            "(deterministic), gcc -O2.", "",
            "| profile | descriptors | instructions per plan | per descriptor | goal | "
            "result | engine check per descriptor |", "|---|---|---|---|---|---|---|",
            "| %s | %s | %s | %s | <= %s | %s | %s |" % (
                kv.get("profile", "?"), kv.get("descs", "?"),
                kv.get("instructions_per_plan", "?"), kv.get("instructions_per_desc", "?"),
                kv.get("goal", "?"), {"met": "met", "missed": "**missed**"}.get(
                    pl[-1] if pl else "", "n/a"), kv.get("check_per_desc", "n/a"))]


def pair_lines(rows, present):
    """sgblk against the kernel's devices: IOPS ratios per job."""
    L = ["", "## sgblk against the kernel's devices (IOPS ratio, same boot)", "",
         "| pair | job | icount | tcg (sanity) | icount IOPS sgblk | icount IOPS reference "
         "| icount cpu % sgblk / reference |", "|---|---|---|---|---|---|---|"]
    for a, b in (("sgblk-null", "null_blk"), ("sgblk-memory", "brd"),
                 ("sgblk-memory", "null_blk-mem")):
        for job in ("randread-4k", "seqread-128k", "randwrite-4k", "seqread-1m"):
            ka, kb = (a, "none", job), (b, "-", job)
            if not any(find(rows[m], *ka) for m in present):
                continue
            L.append("| %s / %s | %s | %s | %s | %s | %s | %s |" % (
                a, b, job, fmt(ratio(rows, "icount", ka, kb)), fmt(ratio(rows, "tcg", ka, kb)),
                kiops(iops(rows, "icount", ka)), kiops(iops(rows, "icount", kb)),
                cpus(rows, ka, kb)))
        ka, kb = (a, "none", "uring-randread-4k", "sgblk-uring"), \
                 (b, "-", "uring-randread-4k", "sgblk-uring")
        if any(find(rows[m], *ka) for m in present):
            L.append("| %s / %s | sgblk-uring 4k randread | %s | %s | %s | %s | n/a |" % (
                a, b, fmt(ratio(rows, "icount", ka, kb)), fmt(ratio(rows, "tcg", ka, kb)),
                kiops(iops(rows, "icount", ka)), kiops(iops(rows, "icount", kb))))
    return L + ["", "fio's cpu % (usr + sys) well under 100 in icount mode means the guest "
                "idled: that ratio is then not a ratio of instructions per I/O."]


def profile_lines(rows):
    """Every preset against `none` on the memory backend, per job and mode."""
    L = ["", "## Profiles against `none` (sgblk memory backend, IOPS ratio)", "",
         "| profile | 4k randread icount | 4k tcg | 128k seqread icount | 128k tcg | "
         "7k misaligned icount | 7k misaligned tcg |", "|---|---|---|---|---|---|---|"]
    for p in PROFILES[1:]:
        cells = []
        for job in ("randread-4k", "seqread-128k", "misaligned"):
            for m in MODES:
                cells.append(fmt(ratio(rows, m, ("sgblk-memory", p, job),
                                       ("sgblk-memory", "none", job))))
        L.append("| %s | %s |" % (p, " | ".join(cells)))
    return L


def counter_lines(rows, head):
    """What the driver did per request (debugfs counters) in the headline boot."""
    crow = [r for r in rows[head] if r["tool"] == "fio" and r.get("requests")
            and r["device"] == "sgblk-memory" and r["iodepth"] == HEADLINE_DEPTH
            and r["job"] in ("randread-4k", "seqread-128k", "misaligned")]
    if not crow:
        return []
    L = ["", "## What the driver did (debugfs counters summed over the runs, %s boot)" % head,
         "", "| profile | job | requests | sg elems/req | descs/req | splits/req | "
         "bounced segs/req | bounced bytes/req | bounced % | pool exhausted |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(crow, key=lambda r: (PROFILES.index(r["profile"])
                                         if r["profile"] in PROFILES else 9, r["job"])):
        L.append("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d |" % (
            r["profile"], r["job"], r["requests"], fmt(r["sg_elems_per_req"], "%.2f"),
            fmt(r["descs_per_req"], "%.2f"), fmt(r["splits_per_req"], "%.2f"),
            fmt(r["bounce_segs_per_req"], "%.2f"), fmt(r["bounce_bytes_per_req"], "%.0f"),
            fmt(r["bounce_pct"], "%.1f"), r["pool_exhausted"]))
    return L


def zero_counter_lines(rows, present):
    """The counters that must stay zero: all zero, or where they were not."""
    bad = [(m, r) for m in present for r in rows[m] if r.get("bad_counters")]
    L = ["", "## Counters that must stay zero", ""]
    if bad:
        L += ["**Nonzero** (a driver bug or a fault injection left on):", ""]
        L += ["- %s %s %s %s: %s" % (m, r["device"], r["profile"], r["job"], r["bad_counters"])
              for m, r in bad]
    else:
        L += ["rule_violations, own_violations, map_errors, engine_faults and errors were 0 "
              "after every sgblk job in every boot."]
    return L


def sweep_lines(rows, head):
    """The iodepth and block size sweeps of the headline boot, one table each."""
    L = []
    for job, var, unit, label in (("iodepth-sweep", "iodepth", "iops", "IOPS, 4k randread"),
                                  ("bs-sweep", "bs", "mibs", "MiB/s, sequential read")):
        sw = [r for r in rows[head] if r["tool"] == "fio" and r["job"] == job]
        if not sw:
            continue
        keys = sorted({r[var] for r in sw}, key=lambda v: int(v) if var == "iodepth"
                      else plot._bs_bytes(v))
        series = []
        for r in sw:
            s = (r["device"], r["profile"])
            if s not in series:
                series.append(s)
        L += ["", "## %s sweep (%s, %s boot)" % (var, label, head), "",
              "| device | profile | " + " | ".join(keys) + " |",
              "|---|---|" + "---|" * len(keys)]
        for d, p in series:
            cells = []
            for k in keys:
                v = next((r[unit] for r in sw if (r["device"], r["profile"], r[var]) ==
                          (d, p, k)), None)
                cells.append("n/a" if v is None else (kiops(v) if unit == "iops" else "%.0f" % v))
            L.append("| %s | %s | %s |" % (d, p, " | ".join(cells)))
    return L


def plot_lines(run_dir, kver, rows, head):
    """Draw plots/ (gnuplot) from the headline boot and link them."""
    made = plot.plots(run_dir, rows[head], head, "%s, %s mode" % (kver, head))
    L = ["", "## Plots (%s boot)" % head, ""]
    if made:
        for name, title in made:
            L += ["![%s](plots/%s.png)" % (title, name), ""]
        L += ["Data and gnuplot scripts next to each PNG in `plots/`."]
    else:
        L += ["No plots (gnuplot missing or no data)."]
    return L


def measurement_lines(rows, present):
    """Every aggregated row of every mode, the means of its runs."""
    L = ["", "## Every measurement (mean of the runs; summary.csv has the rest)", "",
         "| mode | tool | device | profile | job | QD | bs | runs | IOPS | min | max | MiB/s "
         "| lat us | cpu % |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for m in present:
        for r in rows[m]:
            L.append("| %s | %s | %s | %s | %s | %s | %s | %d | %.0f | %.0f | %.0f | %.1f | "
                     "%s | %s |" % (m, r["tool"], r["device"], r["profile"], r["job"],
                                    r["iodepth"], r["bs"], r["runs"], r["iops"], r["iops_min"],
                                    r["iops_max"], r["mibs"], fmt(r["lat_us"], "%.1f"),
                                    fmt(r["cpu_pct"], "%.0f")))
    return L


def main():
    run_dir, kver = sys.argv[1], sys.argv[2]
    rows, genv, present = load(run_dir)
    if not present:
        no_results(run_dir)
    head = present[0]
    host_cpu = cpu_model()
    env = environment(run_dir, kver, genv, present, host_cpu)
    write_summary_csv(run_dir, kver, rows, present, host_cpu)

    L = intro_lines(run_dir, env, present)
    goals, missed = goal_lines(run_dir, rows)
    L += goals + missed_lines(run_dir, rows, missed)
    write_missed_tsv(run_dir, missed)
    L += planner_lines(run_dir)
    L += pair_lines(rows, present)
    L += profile_lines(rows)
    L += counter_lines(rows, head)
    L += zero_counter_lines(rows, present)
    L += sweep_lines(rows, head)
    L += plot_lines(run_dir, kver, rows, head)
    L += measurement_lines(rows, present)
    L.append("")
    with open(os.path.join(run_dir, "REPORT.md"), "w") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    main()
