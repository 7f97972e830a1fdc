#!/usr/bin/env python3
"""Turn the results scripts/quality.sh collected into docs/QUALITY.md, or check them
against the MAP floors in data/quality-floors.tsv.

Why a separate step: the measuring is done by the tools themselves (`matcher eval`,
scripts/bm25s_baseline.py); this only reads their JSON and writes the tables, so the
report is reproducible from the kept results without re-running anything.

RESULTS (default target/quality) holds
    matcher/SET.json      `matcher eval --format json` output: [{config, metrics}]
    matcher/SET.seconds   wall-clock seconds of that `matcher eval`
    runs/matcher/SET/     its TREC runs (`--runs-dir`), re-scored here with trec_map.py
                          as an independent check of matcher's own scorer
    bm25s.json            scripts/bm25s_baseline.py --json output (full mode only)

Report mode (default) rewrites only what lies between `<!-- quality:begin -->` and
`<!-- quality:end -->` in the document; the hand-written text around it is kept. A
missing document is created from a skeleton with the recipe sections to fill in.
Floors mode (--check-floors FILE) prints each measured MAP against its floor and exits 1
if any is below, or if a floored set or configuration was not measured.

Usage: quality_report.py [--results DIR] [--doc docs/QUALITY.md] [--command CMD] [--sets SET,...]
       quality_report.py [--results DIR] --check-floors data/quality-floors.tsv
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- quality:begin -->", "<!-- quality:end -->"
COLUMNS = [("MAP", "map"), ("nDCG@10", "ndcg_at_10"), ("MRR", "mrr"), ("P@10", "p_at_10"),
           ("R@100", "recall_at_100")]
ROW_NAMES = {"bm25-only": "matcher BM25-only", "lexical": "matcher lexical full",
             "semantic-only": "matcher semantic alone", "full": "matcher hybrid (full)"}

SKELETON = f"""# Ranking quality

How well matcher ranks candidates, measured on public labelled sets against a plain BM25
baseline. One command reproduces every number below: `scripts/quality.sh` (about a
minute; `scripts/quality.sh --fast` checks MAP floors only).

{BEGIN}
{END}

## The sets

### talentclef26-taskA-dev-ro

### talentclef25-taskA-val-en

### resume-categories-en (derived by scripts/eval_sets.py)

### resumener-zh (derived by scripts/eval_sets.py)

## The baseline

See scripts/bm25s_baseline.py.

## What moved the numbers
"""


def load_matcher(results, name):
    data = json.loads((results / f"matcher/{name}.json").read_text())
    seconds_file = results / f"matcher/{name}.seconds"
    seconds = float(seconds_file.read_text()) if seconds_file.exists() else None
    return {row["config"]: row["metrics"] for row in data}, seconds


def measured_sets(results):
    return sorted(p.stem for p in (results / "matcher").glob("*.json"))


def cross_check(results, name, configs, qrels):
    """Largest difference between matcher's metrics and trec_map.py's on matcher's runs."""
    sys.dont_write_bytecode = True  # no scripts/__pycache__ in the work tree
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import trec_map

    worst = 0.0
    for config, metrics in configs.items():
        run = results / f"runs/matcher/{name}/{config}.trec"
        if not run.exists() or qrels is None:
            continue
        ours = trec_map.mean(trec_map.evaluate(trec_map.load_qrels(qrels), trec_map.load_run(run)))
        for key, col in [("map", "map"), ("ndcg10", "ndcg_at_10"), ("mrr", "mrr"),
                         ("p10", "p_at_10"), ("recall100", "recall_at_100")]:
            worst = max(worst, abs(ours[key] - metrics[col]))
    return worst


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} × {cpu}{mem}, {platform.system()} {platform.release()}"


def fmt(value):
    return f"{value:.3f}"


def render(results, command, sets, qrels_of):
    bm25s = {}
    if (results / "bm25s.json").exists():
        bm25s = json.loads((results / "bm25s.json").read_text())
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " (work tree with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    lines = [
        "<!-- Generated by scripts/quality.sh: edits between these markers are overwritten. -->",
        "",
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} at commit `{commit}`{dirty} "
        f"on {machine()}, with `{command}`.",
        "Metrics are trec_eval's (`trec_eval -c`): MAP, nDCG@10 with graded gains, MRR, P@10 and "
        "Recall@100, over the top 100 results a query. \"matcher eval N s\" is the wall-clock time "
        "of `matcher eval` for both configurations, indexing included, on a machine that may "
        "have been busy with other work.",
        "",
    ]
    lines += summary(results, sets, bm25s)
    checks = []
    for name in sets:
        configs, seconds = load_matcher(results, name)
        b = bm25s.get(name)
        queries = next(iter(configs.values()))["queries"]
        docs = f"{b['documents']} documents, " if b else ""
        took = f"; matcher eval {seconds:.1f} s" if seconds is not None else ""
        lines += [f"### {name}", "", f"{docs}{queries} queries{took}.", ""]
        lines.append("| ranking | " + " | ".join(c for c, _ in COLUMNS) + " |")
        lines.append("|---|" + "---:|" * len(COLUMNS))
        if b:
            lines.append("| bm25s (Python baseline) | " + " | ".join(fmt(b[k]) for _, k in COLUMNS) + " |")
        for config, metrics in configs.items():
            label = ROW_NAMES.get(config, f"matcher {config}")
            lines.append(f"| {label} | " + " | ".join(fmt(metrics[k]) for _, k in COLUMNS) + " |")
        if b and "reference_map" in b:
            lines += ["", f"Published bm25s MAP on this set: {b['reference_map']:.3f}."]
        lines.append("")
        checks.append(cross_check(results, name, configs, qrels_of.get(name)))
    if checks:
        lines.append(f"scripts/trec_map.py re-scoring matcher's runs agrees with `matcher eval` "
                     f"to within {max(checks):.1e} on every metric.")
    return "\n".join(lines).rstrip() + "\n"


def summary(results, sets, bm25s):
    """One table of every set's MAP and nDCG@10 per ranking, and their macro average
    (the unweighted mean over sets): a change that lifts one set and costs the average
    is not kept."""
    rankings = [("bm25s", "bm25s")] + [(c, ROW_NAMES.get(c, f"matcher {c}")) for c in ("bm25-only", "lexical", "semantic-only", "full")]
    header = "| set | " + " | ".join(f"{label} MAP | {label} nDCG@10" for _, label in rankings) + " |"
    lines = ["### All sets", "", header, "|---|" + "---:|" * (2 * len(rankings))]
    sums = {r: [0.0, 0.0, 0] for r, _ in rankings}
    for name in sets:
        configs, _ = load_matcher(results, name)
        cells = []
        for key, _ in rankings:
            m = bm25s.get(name) if key == "bm25s" else configs.get(key)
            if m is None:
                cells += ["–", "–"]
                continue
            cells += [fmt(m["map"]), fmt(m["ndcg_at_10"])]
            sums[key][0] += m["map"]
            sums[key][1] += m["ndcg_at_10"]
            sums[key][2] += 1
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    macro = []
    for key, _ in rankings:
        total_map, total_ndcg, n = sums[key]
        complete = n == len(sets) and n > 0
        macro += [fmt(total_map / n), fmt(total_ndcg / n)] if complete else ["–", "–"]
    lines.append(f"| **macro average ({len(sets)} sets)** | " + " | ".join(f"**{c}**" for c in macro) + " |")
    return lines + [""]


def write_doc(doc, block):
    text = doc.read_text(encoding="utf-8") if doc.exists() else SKELETON
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        sys.exit(f"quality_report: {doc} needs exactly one {BEGIN} … {END} pair")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(f"{head}{BEGIN}\n{block}{END}{tail}", encoding="utf-8")


def check_floors(results, floors_path):
    failures, lines = [], []
    for n, line in enumerate(floors_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("set\t"):
            continue
        try:
            name, config, floor = line.split("\t")
            floor = float(floor)
        except ValueError:
            sys.exit(f"quality_report: {floors_path}:{n}: expected set<TAB>config<TAB>min_map")
        path = results / f"matcher/{name}.json"
        configs = load_matcher(results, name)[0] if path.exists() else {}
        if config not in configs:
            failures.append(f"{name} {config}: not measured")
            continue
        got = configs[config]["map"]
        ok = got >= floor
        lines.append(f"  {name:28s} {config:10s} MAP {got:.4f}  floor {floor:.4f}  {'ok' if ok else 'BELOW'}")
        if not ok:
            failures.append(f"{name} {config}: MAP {got:.4f} is below its floor {floor:.4f}")
    print("\n".join(lines))
    if failures:
        for f in failures:
            print(f"quality: {f} ({floors_path})", file=sys.stderr)
        sys.exit(1)
    print(f"quality: every MAP is at or above its floor in {floors_path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=ROOT / "target/quality")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs/QUALITY.md")
    parser.add_argument("--command", default="scripts/quality.sh")
    parser.add_argument("--sets", help="comma-separated, in table order (default: all measured)")
    parser.add_argument("--qrels", action="append", default=[], metavar="SET=PATH",
                        help="qrels of a set, for re-scoring matcher's runs (repeatable)")
    parser.add_argument("--check-floors", type=Path, metavar="FILE")
    args = parser.parse_args()
    if args.check_floors:
        check_floors(args.results, args.check_floors)
        return
    sets = args.sets.split(",") if args.sets else measured_sets(args.results)
    qrels_of = dict(q.split("=", 1) for q in args.qrels)
    write_doc(args.doc, render(args.results, args.command, sets, qrels_of))
    print(f"quality_report: wrote {args.doc}")


if __name__ == "__main__":
    main()
