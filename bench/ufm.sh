#!/usr/bin/env bash
# UFM benchmark, GoMLX (pure-Go backend, SIMD) beside PyTorch 1.13 CPU (2 threads), in
# one run so both see the same machine load:
#   * time to reach (f - f*)/|f*| <= 1e-6, K=10, d=64, n_1=100, n_2=20, lambdas 5e-3,
#     gradient descent lr 5 momentum 0.9, and L-BFGS; float64;
#   * time of one gradient-descent step at N=10,000, float32 and float64.
# Go: BenchmarkUFMTimeToAccuracy and BenchmarkUFMStep in nclab/ufm/bench_test.go;
# PyTorch: bench/ufm_torch.py. Prints a table; ratio = PyTorch time / Go time (> 1: Go
# is faster); rows "@1thread" are PyTorch with 1 thread against the same Go number.
# A shared machine's other tenants only ever add time, so each side runs UFM_ROUNDS
# times (default 2), Go and PyTorch alternating, and the table compares each side's
# best round (all rounds listed), as bench/train.sh does. On a machine with AVX-512 it
# runs twice, the second time on the AVX2 path (each_path, bench/baseline.sh).
# BENCHTIME (default 3s) sets go test -benchtime.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/baseline.sh
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

go run ./nclab/cmd/nclab ufm solve --classes 10 --counts 1:100,2:20 \
	--lambda-w 5e-3 --lambda-h 5e-3 --lambda-b 5e-3 --json >"$out/solve.json"
fstar=$(/usr/bin/python3 -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))["objective"]))' "$out/solve.json")
echo "f* = $fstar (closed form); $(go version)"

# One pass: UFM_ROUNDS rounds of the Go benchmarks and PyTorch at 2 and 1 threads, then
# the table; $1 names the path, the rest are the Go and PyTorch settings (split_env).
pass() {
  local path="$1" goenv pyenv
  shift
  split_env "$@"
  echo "== $path"
  : >"$out/go.txt"
  : >"$out/torch.jsonl"
  for _ in $(seq "${UFM_ROUNDS:-2}"); do
    env "${goenv[@]}" go test -run '^$' -bench 'UFM' -benchtime "${BENCHTIME:-3s}" -count 1 ./nclab/ufm/ | tee -a "$out/go.txt"
    env "${baseline_env[@]}" "${pyenv[@]}" /usr/bin/python3 bench/ufm_torch.py --fstar "$fstar" | tee -a "$out/torch.jsonl"
    env "${baseline_env[@]}" "${pyenv[@]}" /usr/bin/python3 bench/ufm_torch.py --fstar "$fstar" --threads 1 | tee -a "$out/torch.jsonl"
  done
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  table
}

# table prints the pass's Go and PyTorch times side by side.
table() {
/usr/bin/python3 - "$out/go.txt" "$out/torch.jsonl" <<'PY'
import json, re, sys
go, torch = {}, {}  # benchmark -> ([seconds of each round], steps)
def add(table, key, seconds, steps):
    table.setdefault(key, ([], steps))[0].append(seconds)
for line in open(sys.argv[1]):
    m = re.match(r"BenchmarkUFM(\w+)/(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) (\S+)", line)
    if not m:
        continue
    kind, name, ns_op, metric, unit = m.groups()
    if kind == "TimeToAccuracy":
        add(go, "time_to_1e-6/" + name, float(ns_op) / 1e9, int(float(metric)))
    else:
        add(go, "step/" + name.replace("Float", "float"), float(metric) / 1e9, None)
for line in open(sys.argv[2]):
    r = json.loads(line)
    if "bench" in r:
        add(torch, r["bench"], r["seconds"], r.get("steps"))
for key in list(torch):  # compare the 1-thread PyTorch run with the same Go number
    base, _, tag = key.partition("@")
    if tag and base in go:
        go[key] = go[base]
print("\n| benchmark | GoMLX (s), best (rounds) | steps | PyTorch (s), best (rounds) | steps | PyTorch / GoMLX |")
print("|---|---|---|---|---|---|")
def fmt(x):
    return ("%.4g (%s)" % (min(x[0]), " ".join("%.4g" % t for t in x[0])), str(x[1] or "")) if x else ("-", "")
for key in sorted(set(go) | set(torch)):
    g, t = go.get(key), torch.get(key)
    ratio = "%.2f" % (min(t[0]) / min(g[0])) if g and t else "-"
    print("| %s | %s | %s | %s | %s | %s |" % ((key,) + fmt(g) + fmt(t) + (ratio,)))
PY
}

each_path pass
