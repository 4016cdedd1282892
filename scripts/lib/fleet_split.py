#!/usr/bin/env python3
"""Split one `fio --client ... --output-format=json` output into one fio JSON
per server, in the layout fio writes when run on the machine itself (what
scripts/lib/report.py reads): {"fio version", "jobs": [the job]}.

Usage: fleet_split.py STEP_JSON [HOST,PORT=OUT_FILE|-]...

fio puts the servers' text messages ("<host> ...") before the JSON; they are
skipped.  OUT_FILE "-" checks the server's job without keeping it (control
steps); "names:FILE" keeps only the job names, one a line (the host-info
job: scripts/guest/fleet-ctl.sh env).  Prints one line per server:
"HOST,PORT ok [IOPS]", "HOST,PORT error N" (the job's errno; "noio": it
did no I/O, which is how a failed exec_prerun shows) or
"HOST,PORT missing" (no result: the server never answered).
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
        server, _, out = arg.partition("=")
        jobs = by_server.get(server)
        if not jobs:
            print(server, "missing")
            continue
        err = max(int(j.get("error", 0)) for j in jobs)
        # fio ends a job whose exec_prerun failed before any I/O, error 0
        ios = sum(j.get(d, {}).get("total_ios", 0) for j in jobs
                  for d in ("read", "write", "trim"))
        if not err and not ios:
            print(server, "error noio")
        elif err:
            # kept all the same: the job's error is in it for the report
            if out != "-" and not out.startswith("names:"):
                write_json(out, version, jobs)
            print(server, "error %d" % err)
        elif out.startswith("names:"):
            with open(out[len("names:"):], "w") as f:
                f.writelines(j.get("jobname", "") + "\n" for j in jobs)
            print(server, "ok")
        elif out == "-":
            print(server, "ok")
        else:
            write_json(out, version, jobs)
            iops = sum(j["read"]["iops"] + j["write"]["iops"] for j in jobs)
            print(server, "ok %.1fk" % (iops / 1000))


def write_json(path, version, jobs):
    with open(path, "w") as f:
        json.dump({"fio version": version, "jobs": jobs}, f, indent=1)


if __name__ == "__main__":
    main()
