#!/usr/bin/env python3
"""Summary table of one scripts/bench_whole_process.sh run: matcher vs the bm25s peer.

    scripts/bench_summary.py OUT CORPUS NJOBS

Reads what the bench script left in OUT (index.json, query1..5.json, rank.json,
rank_bm25.json, peer_proc.json — each {"wall_s", "rss_kb", "exit", "load"} of one whole
process —, index.bytes, peer.json from scripts/peer_bm25s.py, and the `matcher eval
--format json` results *.eval.json), prints one table with matcher/peer ratios and writes
every figure to OUT/summary.json. Kept apart from the shell script so that a finished
run can be re-summarised without re-running anything.

How to read the ratios: "matcher/peer" > 1 means matcher is faster (throughput) or
better (quality). matcher's times are whole processes (start-up, dictionary and taxonomy
loading included); the peer's are measured inside its process (the interpreter start and
imports, ~1–2 s, are left out; its whole-process wall time is on its own row).
"""

import json
import statistics
import sys
from pathlib import Path


def main() -> int:
    out, corpus, njobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])

    def load(name):
        p = out / name
        return json.loads(p.read_text()) if p.exists() and p.stat().st_size else None

    def metrics(name):
        e = load(name)
        return e[0]["metrics"] if e else None

    manifest = json.loads((corpus / "manifest.json").read_text())
    n, mb = manifest["profiles"], manifest["bytes"]["profiles"] / 1e6
    idx, rank, rank_b = load("index.json"), load("rank.json"), load("rank_bm25.json")
    queries = [q for q in (load(f"query{i}.json") for i in range(1, 6)) if q]
    peer, peer_proc = load("peer.json"), load("peer_proc.json")
    index_bytes = int((out / "index.bytes").read_text())
    m_eval, mb_eval, p_eval = metrics("matcher.eval.json"), metrics("matcher-bm25.eval.json"), metrics("peer.eval.json")
    env = (out / "env.txt").read_text()

    s = {
        "corpus": str(corpus), "profiles": n, "jobs": njobs, "input_mb": round(mb, 1), "env": env,
        "matcher": {
            "index": {"wall_s": idx["wall_s"], "peak_rss_mb": round(idx["rss_kb"] / 1024, 1), "exit": idx["exit"],
                      "index_mb": round(index_bytes / 1e6, 1), "mb_per_s": round(mb / idx["wall_s"], 2),
                      "profiles_per_s": round(n / idx["wall_s"], 1), "load_before": idx["load"]},
            "query_cold": {"runs": len(queries),
                           "median_wall_s": statistics.median(q["wall_s"] for q in queries),
                           "median_rss_mb": round(statistics.median(q["rss_kb"] for q in queries) / 1024, 1),
                           "walls_s": [q["wall_s"] for q in queries]},
            "rank": {"wall_s": rank["wall_s"], "jobs_per_s": round(njobs / rank["wall_s"], 2),
                     "peak_rss_mb": round(rank["rss_kb"] / 1024, 1), "exit": rank["exit"],
                     "load_before": rank["load"]},
            "quality": m_eval,
        },
    }
    if rank_b:
        s["matcher_bm25_only"] = {
            "rank": {"wall_s": rank_b["wall_s"], "jobs_per_s": round(njobs / rank_b["wall_s"], 2),
                     "peak_rss_mb": round(rank_b["rss_kb"] / 1024, 1), "load_before": rank_b["load"]},
            "quality": mb_eval}
    if peer:
        s["peer"] = {"in_process": peer, "whole_process": peer_proc, "quality": p_eval}
    (out / "summary.json").write_text(json.dumps(s, ensure_ascii=False, indent=2) + "\n")

    def f(x, nd=2):
        return "—" if x is None else f"{x:,.{nd}f}"

    def ratio(a, b):
        return "—" if not a or not b else f"{a / b:,.2f}×"

    M, P = s["matcher"], peer or {}
    pi, pb, pl = P.get("indexing", {}), P.get("batch", {}), P.get("latency_ms", {})
    rows = [
        ("index: seconds", f(M["index"]["wall_s"]), f(pi.get("total_s")), ratio(pi.get("total_s"), M["index"]["wall_s"])),
        ("index: MB/s", f(M["index"]["mb_per_s"]), f(pi.get("mb_per_s")), ratio(M["index"]["mb_per_s"], pi.get("mb_per_s"))),
        ("index: profiles/s", f(M["index"]["profiles_per_s"], 0), f(pi.get("profiles_per_s"), 0),
         ratio(M["index"]["profiles_per_s"], pi.get("profiles_per_s"))),
        ("index: peak RSS MB", f(M["index"]["peak_rss_mb"], 0), f(P.get("peak_rss_mb"), 0) + " (whole run)" if P else "—", ""),
        ("index: size MB", f(M["index"]["index_mb"], 1) + " (disk)", f(pi.get("index_mem_mb"), 1) + " (RAM)" if pi else "—", ""),
        ("peer: whole process s", "", f(peer_proc["wall_s"]) if peer_proc else "—", ""),
        ("rank all jobs: seconds", f(M["rank"]["wall_s"]), f(pb.get("total_s")), ratio(pb.get("total_s"), M["rank"]["wall_s"])),
        ("rank: jobs/s", f(M["rank"]["jobs_per_s"]), f(pb.get("jobs_per_s")), ratio(M["rank"]["jobs_per_s"], pb.get("jobs_per_s"))),
        ("rank: peak RSS MB", f(M["rank"]["peak_rss_mb"], 0), "", ""),
    ]
    if rank_b:
        b = s["matcher_bm25_only"]["rank"]
        rows.append(("rank --bm25-only: jobs/s", f(b["jobs_per_s"]), f(pb.get("jobs_per_s")),
                     ratio(b["jobs_per_s"], pb.get("jobs_per_s"))))
    rows += [
        ("one job, cold process: ms", f(M["query_cold"]["median_wall_s"] * 1000, 0), "", ""),
        ("one job, cold process: RSS MB", f(M["query_cold"]["median_rss_mb"], 0), "", ""),
        ("one job, in-process p50/p99 ms", "", f"{f(pl.get('p50'))} / {f(pl.get('p99'))}" if pl else "—", ""),
    ]
    for key, label in (("map", "MAP"), ("ndcg_at_10", "nDCG@10"), ("p_at_10", "P@10"), ("recall_at_100", "R@100")):
        mv, bv, pv = (m_eval or {}).get(key), (mb_eval or {}).get(key), (p_eval or {}).get(key)
        rows.append((f"quality: {label}", f(mv, 4) + (f" (bm25-only {bv:.4f})" if bv is not None else ""), f(pv, 4),
                     ratio(mv, pv)))
    head = ("", "matcher", "peer (bm25s+jieba)", "matcher/peer")
    w = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    print(f"\n{corpus}: {n:,} profiles, {mb:,.1f} MB, {njobs} jobs; {env.splitlines()[1]}")
    print(f"{head[0]:{w[0]}}  {head[1]:>{w[1]}}  {head[2]:>{w[2]}}  {head[3]:>{w[3]}}")
    for r in rows:
        print(f"{r[0]:{w[0]}}  {r[1]:>{w[1]}}  {r[2]:>{w[2]}}  {r[3]:>{w[3]}}")
    print(f"(all figures: {out}/summary.json; load average before each step in {out}/*.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
