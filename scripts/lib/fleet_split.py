#!/usr/bin/env python3
"""Split one `fio --client ... --output-format=json` output into one fio JSON
per server, in the layout fio writes when run on the machine itself (what
scripts/lib/report.py reads): {"fio version", "jobs": [the job]}.

Usage: fleet_split.py STEP_JSON [HOST,PORT=OUT_FILE|-]...

fio puts the servers' text messages ("<host> ...") before the JSON; they are
skipped.  OUT_FILE "-" checks the server's job without keeping it (control
steps).  Prints one line per server: "HOST,PORT ok", "HOST,PORT error N" (the
job's errno) or "HOST,PORT missing" (no result: the server never answered).
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
        if out != "-":
            with open(out, "w") as f:
                json.dump({"fio version": version, "jobs": jobs}, f, indent=1)
        print(server, "ok" if err == 0 else "error %d" % err)


if __name__ == "__main__":
    main()
