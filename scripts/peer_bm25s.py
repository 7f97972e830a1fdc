#!/usr/bin/env python3
"""The peer baseline: Python bm25s + jieba over a generated corpus, timed in-process.

What: the ranker a user would otherwise reach for — `bm25s` (sparse BM25 in numpy/scipy)
with a mixed Chinese/English tokeniser — run over the same files `matcher` indexes, with
the same figures `scripts/bench_whole_process.sh` measures for matcher:

  (a) indexing = read + tokenise + `bm25s.BM25().index(...)`: seconds, MB/s of input
      bytes, profiles/s (and the split between read, tokenise and index);
  (b) batch ranking of every job in CORPUS/jobs, top-k (default 100): seconds, jobs/s
      (tokenising the jobs is included);
  (c) single-job latency (tokenise + retrieve one job, k = top): p50 / p99 in ms, over
      the first --latency-jobs jobs (default 200);
  (d) peak RSS of this process (resource.getrusage, ru_maxrss);

and writes a TREC run (`job_id Q0 profile_id rank score bm25s`) so that MAP can be
compared on the generated qrels with

    target/release/matcher eval --run RUN --qrels CORPUS/qrels.tsv

Usage (from the repository root, in the venv target/py-venv — see
scripts/peer_requirements.txt for the pinned versions):

    target/py-venv/bin/python scripts/peer_bm25s.py target/gen/10k \\
        --run target/bench/10k/peer.trec --json target/bench/10k/peer.json

Text the peer sees (the same text the engine sees, as far as the stdlib allows):
  * files under CORPUS/profiles, walked recursively and sorted; .txt / .md / .html /
    .htm and files without extension (like matcher's walker; hidden files and README*
    skipped); decoded as UTF-8 (a BOM is dropped);
  * HTML: tags stripped with the stdlib html.parser; the content of script, style,
    noscript, template, head, svg, canvas, iframe and object is dropped (the engine
    drops the same elements), block elements start a new line;
  * Markdown and plain text as they are (markup characters fall out in tokenising);
  * profile id = path relative to CORPUS/profiles without extension, '/'-separated —
    matcher's id rule, so both runs are scored against the same qrels;
    job id = the job file's name without extension.

Tokenisation (documented exactly because it decides the peer's quality):
  1. the text is split into runs of Han characters (U+3400–U+4DBF, U+4E00–U+9FFF,
     U+F900–U+FAFF) and everything else;
  2. Han runs → `jieba.lcut_for_search(run)` (jieba's default dictionary, HMM on;
     search mode also emits the shorter words inside long ones); every token is kept,
     single characters included (bm25s has no Chinese stop-word list);
  3. other runs → lower-cased, `re.findall(r"(?u)\\b\\w\\w+\\b")` (bm25s's default token
     pattern: words of ≥ 2 word characters, so "c++" → "c", dropped, and "node.js" →
     "node", "js"), bm25s's English stop words (`bm25s.stopwords.STOPWORDS_EN`) removed,
     then Snowball English stemming with PyStemmer (`Stemmer.Stemmer("english")`);
  4. BM25 with bm25s defaults (method "lucene", k1 = 1.5, b = 0.75); the vocabulary is
     built here and handed to bm25s as (token ids, vocab), which is what
     `bm25s.tokenize` produces; query tokens not in the vocabulary are dropped.

Threads: jieba, tokenising and bm25s indexing run on one core (that is how these
libraries work); batch retrieval uses `n_threads=--threads` (default: all CPUs, the same
default as matcher's --threads). Everything is in memory; there is no on-disk index
unless --save DIR is given (then its size is reported, outside the timings).
"""

from __future__ import annotations

import argparse
import html.parser
import json
import os
import platform
import re
import resource
import sys
import time
from importlib import metadata
from pathlib import Path

HAN_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
LATIN_TOKEN = re.compile(r"(?u)\b\w\w+\b")
EXTENSIONS = {".txt", ".md", ".html", ".htm", ""}
SKIPPED = {"script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "object"}
BLOCKS = {"address", "article", "aside", "blockquote", "body", "br", "dd", "details", "dialog", "div", "dl",
          "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li", "main", "nav",
          "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
          "h1", "h2", "h3", "h4", "h5", "h6"}


class HtmlText(html.parser.HTMLParser):
    """HTML → text: drops non-content elements, starts a line at block elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skip += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(source: str) -> str:
    p = HtmlText()
    p.feed(source)
    p.close()
    return "".join(p.parts)


def walk(root: Path) -> list[tuple[str, Path]]:
    """(id, path) of every profile file under root, sorted by id (matcher's id rule)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or name.upper().startswith("README"):
                continue
            path = Path(dirpath) / name
            if path.suffix.lower() not in EXTENSIONS:
                continue
            rel = path.relative_to(root).with_suffix("")
            out.append(("/".join(rel.parts), path))
    out.sort()
    return out


def read_text(path: Path) -> tuple[str, int]:
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    return text, len(data)


class Tokenizer:
    """The mixed zh/en tokeniser described in the module docstring."""

    def __init__(self):
        import jieba
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN

        jieba.setLogLevel(60)
        jieba.initialize()
        self.cut = jieba.lcut_for_search
        self.stemmer = Stemmer.Stemmer("english")
        self.stop = frozenset(STOPWORDS_EN)
        self.stems: dict[str, str] = {}

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        stems, stop = self.stems, self.stop
        for k, run in enumerate(HAN_RUN.split(text)):
            if not run:
                continue
            if k % 2:  # a Han run (split() with a group puts the matches at odd indices)
                out.extend(self.cut(run))
            else:
                for w in LATIN_TOKEN.findall(run.lower()):
                    if w in stop:
                        continue
                    s = stems.get(w)
                    if s is None:
                        s = stems[w] = self.stemmer.stemWord(w)
                    out.append(s)
        return out


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="generated corpus (with profiles/ and jobs/)")
    ap.add_argument("--run", type=Path, help="write the TREC run here (default CORPUS/peer-bm25s.trec)")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--top", type=int, default=100, help="results per job (default 100)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                    help="bm25s retrieval threads for the batch (default: all CPUs)")
    ap.add_argument("--latency-jobs", type=int, default=200, help="jobs timed one by one (default 200)")
    ap.add_argument("--save", type=Path, help="also save the bm25s index here and report its size")
    args = ap.parse_args()

    import bm25s
    import numpy as np

    t_start = time.perf_counter()
    tok = Tokenizer()
    t_init = time.perf_counter() - t_start

    # (a) indexing: read + tokenise + index
    files = walk(args.corpus / "profiles")
    ids: list[str] = []
    vocab: dict[str, int] = {}
    corpus_ids: list[list[int]] = []
    total_bytes = 0
    total_tokens = 0
    t_read = t_tok = 0.0
    t0 = time.perf_counter()
    for pid, path in files:
        a = time.perf_counter()
        text, n = read_text(path)
        b = time.perf_counter()
        toks = tok(text)
        doc = []
        for t in toks:
            v = vocab.get(t)
            if v is None:
                v = vocab[t] = len(vocab)
            doc.append(v)
        c = time.perf_counter()
        t_read += b - a
        t_tok += c - b
        ids.append(pid)
        corpus_ids.append(doc)
        total_bytes += n
        total_tokens += len(doc)
    a = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index((corpus_ids, vocab), show_progress=False)
    t_index = time.perf_counter() - a
    t_indexing = time.perf_counter() - t0
    del corpus_ids
    scores = retriever.scores
    index_bytes = sum(scores[k].nbytes for k in ("data", "indices", "indptr") if k in scores)

    # (b) batch ranking of all jobs
    jobs = sorted((p.stem, p) for p in (args.corpus / "jobs").iterdir()
                  if p.is_file() and p.suffix.lower() in EXTENSIONS and not p.name.startswith("."))
    k = min(args.top, len(ids))
    t0 = time.perf_counter()
    queries = [tok(read_text(p)[0]) for _, p in jobs]
    docs, sc = retriever.retrieve(queries, k=k, n_threads=args.threads, show_progress=False)
    t_batch = time.perf_counter() - t0

    run_path = args.run or (args.corpus / "peer-bm25s.trec")
    run_path.parent.mkdir(parents=True, exist_ok=True)
    with open(run_path, "w", encoding="utf-8") as f:
        for qi, (jid, _) in enumerate(jobs):
            for r in range(k):
                f.write(f"{jid} Q0 {ids[docs[qi, r]]} {r + 1} {float(sc[qi, r]):.6f} bm25s\n")

    # (c) single-job latency
    lat = []
    for jid, p in jobs[: args.latency_jobs]:
        text = read_text(p)[0]
        a = time.perf_counter()
        retriever.retrieve([tok(text)], k=k, n_threads=0, show_progress=False)
        lat.append((time.perf_counter() - a) * 1000)

    save_bytes = None
    if args.save:
        retriever.save(str(args.save))
        save_bytes = sum(f.stat().st_size for f in args.save.rglob("*") if f.is_file())

    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mb = total_bytes / 1e6

    def version(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return "?"

    out = {
        "tool": "bm25s+jieba",
        "corpus": str(args.corpus),
        "profiles": len(ids),
        "jobs": len(jobs),
        "input_mb": round(mb, 3),
        "tokens": total_tokens,
        "vocab": len(vocab),
        "init_s": round(t_init, 3),
        "indexing": {
            "total_s": round(t_indexing, 3),
            "read_s": round(t_read, 3),
            "tokenize_s": round(t_tok, 3),
            "bm25s_index_s": round(t_index, 3),
            "mb_per_s": round(mb / t_indexing, 3),
            "profiles_per_s": round(len(ids) / t_indexing, 1),
            "index_mem_mb": round(index_bytes / 1e6, 1),
            "saved_index_mb": round(save_bytes / 1e6, 1) if save_bytes is not None else None,
        },
        "batch": {"top": k, "threads": args.threads, "total_s": round(t_batch, 3),
                  "jobs_per_s": round(len(jobs) / t_batch, 2) if t_batch else None},
        "latency_ms": {"jobs": len(lat), "p50": round(percentile(lat, 0.5), 2),
                       "p99": round(percentile(lat, 0.99), 2), "max": round(max(lat), 2) if lat else None},
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "run": str(run_path),
        "versions": {"python": platform.python_version(), "bm25s": version("bm25s"), "jieba": version("jieba"),
                     "PyStemmer": version("PyStemmer"), "numpy": np.__version__, "scipy": version("scipy")},
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
