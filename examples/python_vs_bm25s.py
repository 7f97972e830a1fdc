#!/usr/bin/env python3
"""matcher's Python package beside bm25s + jieba: same corpus, same jobs, one run.

What a Python user would otherwise write (scripts/peer_bm25s.py's tokeniser: jieba for
Chinese, bm25s's English stop words and Snowball stemming) against ``import matcher``,
each timed in this process:

1. **index** the profiles (matcher: ``Matcher.index`` to a fresh on-disk index; bm25s:
   read + tokenise + ``BM25().index``, in memory);
2. **rank** every job, top 100 (matcher: ``rank_many``, as ``matcher rank --format
   trec`` does; bm25s: tokenise the jobs + ``retrieve``);
3. **MAP** (and nDCG@10) of both runs on the corpus's qrels (scripts/trec_map.py).

    target/py-venv/bin/python examples/python_vs_bm25s.py target/gen/10k

Notebook-style: each step prints what it did.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import peer_bm25s  # noqa: E402  (the repository's bm25s peer: its tokeniser and reader)
import trec_map  # noqa: E402

import matcher  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("corpus", type=Path, help="a generated corpus (scripts/gen_corpus.py)")
ap.add_argument("--top", type=int, default=100)
ap.add_argument("--threads", type=int, default=None, help="matcher's threads (default: all CPUs)")
ap.add_argument("--json", type=Path, help="also write the figures here")
args = ap.parse_args()
qrels = trec_map.load_qrels(args.corpus / "qrels.tsv")
job_files = sorted(p for p in (args.corpus / "jobs").iterdir() if p.is_file())
scratch = Path(tempfile.mkdtemp(prefix="matcher-vs-bm25s-"))
print(f"# {args.corpus}: {len(job_files)} jobs")

# --- matcher ---------------------------------------------------------------------------
t0 = time.perf_counter()
m = matcher.Matcher(scratch / "index", threads=args.threads)
report = m.index([args.corpus / "profiles"])
matcher_index_s = time.perf_counter() - t0
print(f"matcher index: {report.indexed} profiles in {matcher_index_s:.1f} s ({report})")

t0 = time.perf_counter()
with open(scratch / "matcher.trec", "w", encoding="utf-8") as run:
    for ranking in m.rank_many(job_files, top=args.top, explain=False):
        run.write(ranking.to_trec())
matcher_rank_s = time.perf_counter() - t0
matcher_metrics = trec_map.mean(trec_map.evaluate(qrels, trec_map.load_run(scratch / "matcher.trec")))
print(f"matcher rank:  {len(job_files)} jobs in {matcher_rank_s:.1f} s, MAP {matcher_metrics['map']:.4f}")

# --- bm25s + jieba ---------------------------------------------------------------------
import bm25s  # noqa: E402

t0 = time.perf_counter()
tok = peer_bm25s.Tokenizer()
ids, vocab, docs = [], {}, []
for pid, path in peer_bm25s.walk(args.corpus / "profiles"):
    text, _ = peer_bm25s.read_text(path)
    docs.append([vocab.setdefault(t, len(vocab)) for t in tok(text)])
    ids.append(pid)
retriever = bm25s.BM25()
retriever.index((docs, vocab), show_progress=False)
del docs
bm25s_index_s = time.perf_counter() - t0
print(f"bm25s index:   {len(ids)} profiles in {bm25s_index_s:.1f} s (in memory)")

t0 = time.perf_counter()
queries = [tok(peer_bm25s.read_text(p)[0]) for p in job_files]
k = min(args.top, len(ids))
found, scores = retriever.retrieve(queries, k=k, n_threads=args.threads or 0, show_progress=False)
bm25s_rank_s = time.perf_counter() - t0
with open(scratch / "bm25s.trec", "w", encoding="utf-8") as run:
    for qi, job in enumerate(job_files):
        for r in range(k):
            run.write(f"{job.stem} Q0 {ids[found[qi, r]]} {r + 1} {float(scores[qi, r]):.6f} bm25s\n")
bm25s_metrics = trec_map.mean(trec_map.evaluate(qrels, trec_map.load_run(scratch / "bm25s.trec")))
print(f"bm25s rank:    {len(job_files)} jobs in {bm25s_rank_s:.1f} s, MAP {bm25s_metrics['map']:.4f}")

# --- side by side ----------------------------------------------------------------------
rows = {
    "matcher (Python)": (matcher_index_s, matcher_rank_s, matcher_metrics),
    "bm25s + jieba": (bm25s_index_s, bm25s_rank_s, bm25s_metrics),
}
print(f"\n| {'':18} | index s | {len(job_files)} jobs s | MAP    | nDCG@10 |")
print("|---|---:|---:|---:|---:|")
for name, (i, r, met) in rows.items():
    print(f"| {name:18} | {i:7.1f} | {r:7.1f} | {met['map']:.4f} | {met['ndcg10']:.4f} |")
if args.json:
    args.json.write_text(json.dumps({name: {"index_s": round(i, 3), "rank_s": round(r, 3),
                                            "map": round(met["map"], 4), "ndcg10": round(met["ndcg10"], 4)}
                                     for name, (i, r, met) in rows.items()}, indent=1))
shutil.rmtree(scratch)
