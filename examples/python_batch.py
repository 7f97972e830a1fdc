#!/usr/bin/env python3
"""`Matcher.rank_many` beside `matcher rank --format trec`: same index, same jobs, top 100.

Alternates the two three times in one run, checks the TREC bytes are equal, prints each
run's wall time and the ratio of the medians (the CLI's includes starting the process
and reading the jobs; Python's includes building the engine and parsing the jobs).

    target/release/matcher --index target/bench-py/idx10k index target/gen/10k/profiles
    target/py-venv/bin/python examples/python_batch.py target/bench-py/idx10k target/gen/10k/jobs
"""
import subprocess, time, sys
from pathlib import Path
import matcher
idx, jobs = sys.argv[1], Path(sys.argv[2])
files = sorted(p for p in jobs.iterdir() if p.is_file())
res = {"cli": [], "py": []}
for _ in range(3):
    t = time.perf_counter()
    cli = subprocess.run([str(Path(__file__).resolve().parents[1] / "target/release/matcher"), "--index", idx, "rank", "--format", "trec", "--top", "100", str(jobs)], check=True, capture_output=True, text=True).stdout
    res["cli"].append(time.perf_counter() - t)
    t = time.perf_counter()
    m = matcher.Matcher(idx)
    out = "".join(r.to_trec() for r in m.rank_many(files, top=100, explain=False))
    res["py"].append(time.perf_counter() - t)
    assert out == cli, "rankings differ"
import statistics as st
print({k: [round(x, 2) for x in v] for k, v in res.items()}, "median ratio", round(st.median(res["py"]) / st.median(res["cli"]), 3))
