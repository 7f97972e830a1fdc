#!/usr/bin/env python3
"""Spark local[2] beside ``matcher rank``: the cost of running the batch on Spark.

The same index, the same jobs, top 100, on the same 2 cores:

* **matcher rank**: ``matcher rank --format trec --top 100 JOBS``, the whole process;
* **Spark**: ``matcher.spark.rank_jobs`` over a DataFrame of the jobs (id, text, file
  name) in ``local[2]``, executors opening the index read-only once per partition, its
  rows collected to the driver; timed with and without starting the session.

Both runs' rankings must be equal (the script checks it). This measures what Spark
costs on top of the engine (JVM, Python workers, serialisation), not a speed-up: on one
machine Spark can only add; on a cluster the jobs spread over executors.

    target/py-venv/bin/python examples/python_spark.py target/bench-py/idx100k \\
        target/gen/100k/jobs --partitions 4
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("index", type=Path)
ap.add_argument("jobs", type=Path)
ap.add_argument("--partitions", type=int, default=4)
ap.add_argument("--top", type=int, default=100)
args = ap.parse_args()
files = sorted(p for p in args.jobs.iterdir() if p.is_file())

t0 = time.perf_counter()
cli = subprocess.run([str(REPO / "target/release/matcher"), "--index", str(args.index), "rank",
                      "--format", "trec", "--top", str(args.top), str(args.jobs)],
                     check=True, capture_output=True, text=True).stdout
cli_s = time.perf_counter() - t0
print(f"matcher rank: {len(files)} jobs in {cli_s:.1f} s")

os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # loopback only
os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
t0 = time.perf_counter()
from pyspark.sql import SparkSession  # noqa: E402

from matcher.spark import rank_jobs  # noqa: E402

spark = (SparkSession.builder.master("local[2]").appName("matcher-bench")
         .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.memory", "2g").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
start_s = time.perf_counter() - t0
rows = [(p.stem, p.read_text(encoding="utf-8"), p.name) for p in files]
t1 = time.perf_counter()
jobs = spark.createDataFrame(rows, ["job_id", "text", "filename"]).repartition(args.partitions)
got = rank_jobs(jobs, args.index, top=args.top, filename_col="filename", explain=False).collect()
spark_s = time.perf_counter() - t1
total_s = time.perf_counter() - t0
spark.stop()
print(f"spark local[2]: session {start_s:.1f} s, rank_jobs + collect {spark_s:.1f} s")

lines = sorted(f"{r.job_id} Q0 {r.profile_id} {r.rank} {r.score:.6f} matcher" for r in got)
same = lines == sorted(cli.splitlines())
print(json.dumps({"jobs": len(files), "top": args.top, "partitions": args.partitions,
                  "matcher_rank_s": round(cli_s, 2), "spark_session_s": round(start_s, 2),
                  "spark_rank_s": round(spark_s, 2), "spark_total_s": round(total_s, 2),
                  "spark_over_cli": round(spark_s / cli_s, 3), "same_rankings": same}, indent=1))
sys.exit(0 if same else 1)
