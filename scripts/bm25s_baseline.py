#!/usr/bin/env python3
"""The plain BM25 baseline that matcher's quality is compared with: bm25s, in Python.

Why: matcher's own BM25 (Tantivy, with its mixed zh/en analyzer) should at least match an
off-the-shelf BM25 run the way others run it; the TalentCLEF organisers and participants
quote bm25s figures. This script runs bm25s on every set in scripts/quality-sets.tsv (or
the ones named) and scores the runs with scripts/trec_map.py, so the baseline and matcher
(`matcher eval`, same definitions) are measured alike: MAP, nDCG@10, MRR, P@10, R@100.

Exactly what it runs:
  - Documents and queries read as matcher reads them: a directory gives one document per
    file (id = path relative to it without extension; hidden files and README* skipped),
    a TSV one per line (`id<TAB>text`, a first line whose id ends in "id" is a header,
    `\\n` in the text is a line break).
  - Tokenizer `en` (all Latin-script sets, the Romanian one included, as in the published
    baseline): bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english")),
    i.e. lowercase, tokens matching (?u)\\b\\w\\w+\\b, bm25s's English stop words removed,
    Snowball English stems (PyStemmer).
  - Tokenizers `es` and `de` (our Spanish and German title sets): as `en`, with bm25s's
    Spanish or German stop words and Snowball's Spanish or German stems.
  - Tokenizer `zh`: jieba.lcut_for_search(text) (jieba's default dictionary, HMM on),
    tokens lowercased, those without a word character (punctuation, spaces) dropped; no
    stop words, no stemming.
  - Tokenizer `zh+en` (the cross-lingual sets, Chinese and English on either side): the
    `zh` tokens, of which the all-Latin ones are then treated as `en` treats its tokens
    (bm25s's English stop words removed, Snowball English stems), so an English résumé
    is not penalised for its inflections against a Chinese posting's English terms.
  - bm25s.BM25() with its defaults (method "lucene", k1 = 1.5, b = 0.75), top 100 per query
    (or the whole corpus if smaller); documents scoring 0 (no query term) are left out of
    the run, as a term-matching engine would not return them.
The runs are written to --runs-dir (default target/quality/runs/bm25s) as SET.trec.

Dependencies live in a virtualenv, target/py-venv, that this script creates on first use
(python3 -m venv; pip install REQUIREMENTS, the versions it was tested with) and re-runs
itself in.

Usage: scripts/bm25s_baseline.py [--json] [--runs-dir DIR] [SET...]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target/py-venv"
REQUIREMENTS = ["bm25s==0.3.16", "PyStemmer==3.1.0", "jieba==0.42.1", "numpy==2.4.6", "scipy==1.17.1"]
TOP = 100

# Published bm25s MAP on the same data, for orientation (figures quoted in the issue).
REFERENCE_MAP = {"talentclef26-taskA-dev-ro": 0.805, "talentclef25-taskA-val-en": 0.289}


def ensure_venv():
    """Re-run this script under target/py-venv, creating it and installing REQUIREMENTS first."""
    if os.environ.get("BM25S_BASELINE_IN_VENV") == "1":
        return
    python = VENV / "bin/python"
    stamp = VENV / "requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if not python.exists():
        print(f"bm25s_baseline: creating {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"bm25s_baseline: installing {' '.join(REQUIREMENTS)}", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", *REQUIREMENTS], check=True)
        stamp.write_text(wanted)
    os.environ["BM25S_BASELINE_IN_VENV"] = "1"
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def read_sets(path, eval_dir, sets_dir):
    """The set table: name → (tokenizer, corpus, queries, qrels) with paths resolved."""
    sets = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, tokenizer, *paths = line.split("\t")
        paths = [Path(p.replace("$EVAL", str(eval_dir)).replace("$SETS", str(sets_dir))) for p in paths]
        paths = [p if p.is_absolute() else ROOT / p for p in paths]  # data/eval/…: ours
        sets[name] = (tokenizer, *paths)
    return sets


def read_docs(path):
    """id → text, from a directory of files or an `id<TAB>text` TSV, as `matcher eval` reads them."""
    docs = {}
    if path.is_dir():
        for f in sorted(path.rglob("*")):
            rel = f.relative_to(path)
            if (not f.is_file() or any(p.startswith(".") for p in rel.parts)
                    or f.name.upper().startswith("README")
                    or f.suffix.lower() not in ("", ".txt", ".md", ".html", ".htm")):
                continue
            docs[str(rel.with_suffix(""))] = f.read_text(encoding="utf-8-sig", errors="replace")
        return docs
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").split("\n")):
        line = line.rstrip("\r")
        if "\t" not in line:
            if line.strip():
                sys.exit(f"bm25s_baseline: {path}: line {n + 1}: expected id<TAB>text")
            continue
        doc_id, text = line.split("\t", 1)
        if n == 0 and doc_id.lower().endswith("id"):
            continue
        docs[doc_id.strip()] = text.replace("\\n", "\n")
    return docs


def tokenizer(kind):
    """A function from a list of texts to a list of token lists (see the module docstring)."""
    if kind == "en":
        import bm25s
        import Stemmer

        stemmer = Stemmer.Stemmer("english")
        return lambda texts: bm25s.tokenize(texts, stopwords="en", stemmer=stemmer,
                                            return_ids=False, show_progress=False)
    if kind in ("es", "de"):
        import bm25s
        import Stemmer

        stemmer = Stemmer.Stemmer({"es": "spanish", "de": "german"}[kind])
        return lambda texts: bm25s.tokenize(texts, stopwords=kind, stemmer=stemmer,
                                            return_ids=False, show_progress=False)
    if kind == "zh":
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        word = re.compile(r"\w")
        return lambda texts: [[t.lower() for t in jieba.lcut_for_search(x) if word.search(t)]
                              for x in texts]
    if kind == "zh+en":
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN

        zh, stem = tokenizer("zh"), Stemmer.Stemmer("english").stemWord
        stop, latin = set(STOPWORDS_EN), re.compile(r"[a-z]+")
        return lambda texts: [[stem(t) if latin.fullmatch(t) else t for t in tokens
                               if not (latin.fullmatch(t) and t in stop)]
                              for tokens in zh(texts)]
    sys.exit(f"bm25s_baseline: unknown tokenizer {kind!r} (en, es, de, zh or zh+en)")


def run_set(name, kind, corpus_path, queries_path, qrels_path, runs_dir):
    """Index, retrieve, write SET.trec, score it. Returns the metrics and a warning list."""
    import bm25s
    import trec_map

    started = time.perf_counter()
    corpus, queries = read_docs(corpus_path), read_docs(queries_path)
    qrels = trec_map.load_qrels(qrels_path)
    warnings = []
    judged = {d for docs in qrels.values() for d in docs}
    if judged - corpus.keys():
        warnings.append(f"{len(judged - corpus.keys())} judged documents are not in the corpus")
    if qrels.keys() - queries.keys():
        warnings.append(f"{len(qrels.keys() - queries.keys())} judged queries are not in the queries")

    tokenize = tokenizer(kind)
    doc_ids = list(corpus)
    retriever = bm25s.BM25()
    retriever.index(tokenize([corpus[d] for d in doc_ids]), show_progress=False)
    query_ids = list(queries)
    results, scores = retriever.retrieve(tokenize([queries[q] for q in query_ids]),
                                         k=min(TOP, len(doc_ids)), show_progress=False)
    runs_dir.mkdir(parents=True, exist_ok=True)
    run_path = runs_dir / f"{name}.trec"
    with open(run_path, "w", encoding="utf-8") as out:
        for qid, docs, doc_scores in zip(query_ids, results, scores):
            kept = [(float(s), doc_ids[i]) for i, s in zip(docs, doc_scores) if s > 0]
            for rank, (score, doc_id) in enumerate(sorted(kept, reverse=True), 1):
                out.write(f"{qid} Q0 {doc_id} {rank} {score!r} bm25s\n")
    seconds = time.perf_counter() - started

    means = trec_map.mean(trec_map.evaluate(qrels, trec_map.load_run(run_path)))
    metrics = {"map": means["map"], "ndcg_at_10": means["ndcg10"], "mrr": means["mrr"],
               "p_at_10": means["p10"], "recall_at_100": means["recall100"],
               "queries": means["queries"], "documents": len(corpus),
               "seconds": round(seconds, 2), "tokenizer": kind, "run": str(run_path)}
    if name in REFERENCE_MAP:
        metrics["reference_map"] = REFERENCE_MAP[name]
    return metrics, warnings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", metavar="SET", help="sets to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--runs-dir", type=Path, default=ROOT / "target/quality/runs/bm25s")
    parser.add_argument("--set-table", type=Path, default=ROOT / "scripts/quality-sets.tsv")
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared/data/eval",
                        help="the shared evaluation data ($EVAL; default ../shared/data/eval)")
    parser.add_argument("--eval-sets", type=Path, default=ROOT / "target/eval-sets",
                        help="scripts/eval_sets.py's output ($SETS; default target/eval-sets)")
    args = parser.parse_args()
    ensure_venv()
    sys.dont_write_bytecode = True  # trec_map is imported from scripts/: no __pycache__ there
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    table = read_sets(args.set_table, args.eval, args.eval_sets)
    unknown = [s for s in args.sets if s not in table]
    if unknown:
        sys.exit(f"bm25s_baseline: unknown set(s) {unknown}; known: {', '.join(table)}")
    out = {}
    for name in args.sets or table:
        kind, corpus, queries, qrels = table[name]
        for p in (corpus, queries, qrels):
            if not p.exists():
                sys.exit(f"bm25s_baseline: {name}: {p} is missing (run scripts/eval_sets.py?)")
        metrics, warnings = run_set(name, kind, corpus, queries, qrels, args.runs_dir)
        for w in warnings:
            print(f"bm25s_baseline: {name}: warning: {w}", file=sys.stderr)
        out[name] = metrics
        if not args.json:
            ref = f"   (published bm25s MAP {metrics['reference_map']:.3f})" if "reference_map" in metrics else ""
            print(f"## {name}: {metrics['documents']} documents, {metrics['queries']} queries, "
                  f"tokenizer {kind}, {metrics['seconds']:.1f} s")
            print(f"{'run':8s} {'MAP':>7s} {'nDCG@10':>8s} {'MRR':>7s} {'P@10':>7s} {'R@100':>7s}")
            print(f"{'bm25s':8s} {metrics['map']:7.4f} {metrics['ndcg_at_10']:8.4f} {metrics['mrr']:7.4f} "
                  f"{metrics['p_at_10']:7.4f} {metrics['recall_at_100']:7.4f}{ref}\n")
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
