#!/usr/bin/env python3
"""What the Python layer adds to the library's time per job (issue 21's ≤ 5 % target).

The same work twice, on the same index and jobs, interleaved in one run: each job parsed
once, then ranked one at a time for ``ROUNDS`` rounds, top 10 with explanations (what
``matcher query`` does) —

* **library**: ``examples/latency.rs`` (``MATCHER_BATCH=0``), Rust calling
  ``Matcher::rank`` in a loop, each call timed;
* **python**: this process calling ``matcher.Matcher.rank`` in a loop, each call timed,
  (a) the call alone (job in, ``Ranking`` out) and (b) the call plus ``to_dicts()``, the
  conversion of every result and its explanation to Python objects.

Both engines use the same thread count (default: all CPUs). Medians (p50 over all
rankings) are compared; each side runs ``--repeats`` times alternately and the median of
the runs' medians is reported, so a noisy neighbour affects both.

    cargo build --release --example latency
    target/py-venv/bin/python examples/python_overhead.py target/bench-py/idx100k \\
        target/gen/100k/jobs --rounds 3 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import matcher

REPO = Path(__file__).resolve().parents[1]


def library_p50(index: Path, jobs: Path, rounds: int) -> float:
    exe = REPO / "target" / "release" / "examples" / "latency"
    env = dict(os.environ, MATCHER_BATCH="0")
    out = subprocess.run([str(exe), str(index), str(jobs), str(rounds)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["p50_ms"]


def python_p50(engine: matcher.Matcher, parsed: list, rounds: int) -> tuple[float, float]:
    engine.rank(parsed[0])  # the first query opens the index, as latency.rs does
    alone, converted = [], []
    for _ in range(rounds):
        for job in parsed:
            t = time.perf_counter()
            r = engine.rank(job, top=10)
            alone.append(time.perf_counter() - t)
            r.to_dicts()
            converted.append(time.perf_counter() - t)
    return statistics.median(alone) * 1e3, statistics.median(converted) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("jobs", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    engine = matcher.Matcher(args.index)
    files = sorted(p for p in args.jobs.iterdir() if p.is_file())
    parsed = [engine.read_job(p) for p in files]
    lib, py, py_dicts = [], [], []
    for _ in range(args.repeats):
        lib.append(library_p50(args.index, args.jobs, args.rounds))
        a, b = python_p50(engine, parsed, args.rounds)
        py.append(a)
        py_dicts.append(b)
    lib_ms, py_ms, dicts_ms = (statistics.median(x) for x in (lib, py, py_dicts))
    print(json.dumps({
        "jobs": len(parsed), "rounds": args.rounds, "repeats": args.repeats,
        "library_p50_ms": round(lib_ms, 3), "python_rank_p50_ms": round(py_ms, 3),
        "python_rank_to_dicts_p50_ms": round(dicts_ms, 3),
        "overhead_rank_pct": round(100 * (py_ms / lib_ms - 1), 2),
        "overhead_rank_to_dicts_pct": round(100 * (dicts_ms / lib_ms - 1), 2),
        "runs": {"library": lib, "python": [round(x, 3) for x in py],
                 "python_to_dicts": [round(x, 3) for x in py_dicts]},
    }, indent=1))


if __name__ == "__main__":
    main()
