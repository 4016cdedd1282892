#!/usr/bin/env python3
"""Split one `fio --client ... --output-format=json` output into one fio JSON
per server, in the layout fio writes when run on the machine itself (what
scripts/lib/report.py reads): {"fio version", "jobs": [the job]}.

Usage: fleet_split.py STEP_JSON [HOST,PORT[/SECTION]=OUT_FILE|-]...

fio puts the servers' text messages ("<host> ...") before the JSON; they are
skipped.  HOST,PORT=... takes every job of that server; HOST,PORT/SECTION=...
only the job named SECTION (a step's job file has one section per plan line,
named K.NAME: the kept JSON gets NAME back as its jobname, as a one-job run
has it).  OUT_FILE "-" checks the job without keeping it (control
sections); "names:FILE" keeps only the job names, one a line (the host-info
job: scripts/guest/fleet-ctl.sh env).  Prints one line per argument:
"HOST,PORT[/SECTION] ok [IOPS]", "... error N" (the job's errno; "noio": it
did no I/O, which is how a failed exec_prerun shows) or "... missing" (no
result: the server never answered).
"""
import json
import sys


def load(path):
    with open(path, errors="replace") as f:
        text = f.read()
    start = 0 if text.startswith("{") else text.find("\n{") + 1
    if start == 0 and not text.startswith("{"):
        return {}
    try:
        return json.JSONDecoder().raw_decode(text[start:])[0]
    except ValueError:
        return {}


def main():
    data = load(sys.argv[1])
    version = data.get("fio version", "")
    by_server = {}
    for job in data.get("client_stats", []):
        # with several servers fio adds an "All clients" sum: not a server's
        if job.get("jobname") == "All clients":
            continue
        key = "%s,%s" % (job.get("hostname"), job.get("port"))
        by_server.setdefault(key, []).append(job)
    for arg in sys.argv[2:]:
        key, _, out = arg.partition("=")
        server, _, section = key.partition("/")
        jobs = by_server.get(server, [])
        if section:
            jobs = [dict(j, jobname=section.partition(".")[2] or section)
                    for j in jobs if j.get("jobname") == section]
        if not jobs:
            print(key, "missing")
            continue
        err = max(int(j.get("error", 0)) for j in jobs)
        # fio ends a job whose exec_prerun failed before any I/O, error 0
        ios = sum(j.get(d, {}).get("total_ios", 0) for j in jobs
                  for d in ("read", "write", "trim"))
        if not err and not ios:
            print(key, "error noio")
        elif err:
            # kept all the same: the job's error is in it for the report
            if out != "-" and not out.startswith("names:"):
                write_json(out, version, jobs)
            print(key, "error %d" % err)
        elif out.startswith("names:"):
            with open(out[len("names:"):], "w") as f:
                f.writelines(j.get("jobname", "") + "\n" for j in jobs)
            print(key, "ok")
        elif out == "-":
            print(key, "ok")
        else:
            write_json(out, version, jobs)
            iops = sum(j["read"]["iops"] + j["write"]["iops"] for j in jobs)
            print(key, "ok %.1fk" % (iops / 1000))


def write_json(path, version, jobs):
    with open(path, "w") as f:
        json.dump({"fio version": version, "jobs": jobs}, f, indent=1)


if __name__ == "__main__":
    main()
