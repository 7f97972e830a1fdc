#!/usr/bin/env python3
"""Score a TREC run against TREC qrels: MAP, nDCG@10, MRR, P@10, Recall@100.

Standard trec_eval definitions (binary relevance for MAP/MRR/P/R: grade > 0; graded gains
for nDCG with the exponential-free trec_eval formula gain = grade, discount log2(rank + 1),
the ideal ranking taken from all judged grades). The run is ordered as trec_eval orders it:
score descending, ties by document id descending (byte order, as strcmp), whatever rank
the file gives. MAP divides by all relevant documents in the qrels, retrieved or not.
Queries in the qrels without any relevant document are skipped; a query with relevant
documents but no retrieved ones scores 0 and counts in the mean, as `trec_eval -c` does.
The same definitions as `matcher eval` (src/eval/mod.rs). Usage: trec_map.py QRELS RUN

As a module: `evaluate(load_qrels(q), load_run(r))` gives per-query rows and `mean(rows)`
their averages (scripts/bm25s_baseline.py scores its runs so).
"""
import math
import sys
from collections import defaultdict


def load_qrels(path):
    qrels = defaultdict(dict)
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) != 4:
            continue
        q, _, d, rel = parts
        qrels[q][d] = int(rel)
    return qrels


def load_run(path):
    run = defaultdict(list)
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) != 6:
            continue
        q, _, d, _rank, score, _ = parts
        run[q].append((float(score), d))
    # trec_eval orders by score descending, ties by docid descending (strcmp; Python
    # compares str by code point, which is the byte order of their UTF-8).
    return {q: [d for _, d in sorted(docs, reverse=True)] for q, docs in run.items()}


def evaluate(qrels, run):
    rows = {}
    for q, rels in qrels.items():
        relevant = {d for d, r in rels.items() if r > 0}
        if not relevant:
            continue
        ranked = run.get(q, [])
        hits, ap, rr = 0, 0.0, 0.0
        for i, d in enumerate(ranked, 1):
            if d in relevant:
                hits += 1
                ap += hits / i
                if rr == 0.0:
                    rr = 1.0 / i
        ap /= len(relevant)
        dcg = sum(rels.get(d, 0) / math.log2(i + 1) for i, d in enumerate(ranked[:10], 1))
        ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:10]
        idcg = sum(g / math.log2(i + 1) for i, g in enumerate(ideal, 1))
        p10 = sum(1 for d in ranked[:10] if d in relevant) / 10
        r100 = sum(1 for d in ranked[:100] if d in relevant) / len(relevant)
        rows[q] = dict(map=ap, ndcg10=dcg / idcg if idcg else 0.0, mrr=rr, p10=p10, recall100=r100)
    return rows


METRICS = ["map", "ndcg10", "mrr", "p10", "recall100"]


def mean(rows):
    """Each metric averaged over the evaluated queries, and their number as `queries`."""
    n = len(rows)
    out = {m: sum(r[m] for r in rows.values()) / n if n else 0.0 for m in METRICS}
    out["queries"] = n
    return out


def main():
    qrels, run = load_qrels(sys.argv[1]), load_run(sys.argv[2])
    means = mean(evaluate(qrels, run))
    for metric in METRICS:
        print(f"{metric:10s} {means[metric]:.4f}")
    print(f"queries    {means['queries']}")


if __name__ == "__main__":
    main()
