#!/usr/bin/env bash
# Every collapse metric on N = 40,000, d = 512, K = 10 plus 45 pairs (M-lab MNIST size):
# Go (BenchmarkCollapse: collapse.Compute; BenchmarkCollapseAccumulator: the streaming
# path) next to NumPy at 2 BLAS threads (bench/collapse_numpy.py: the textbook d x d
# formulas and nclab's projection algorithm), in one run; then `nclab collapse --json`
# on NumPy's own data, checked against NumPy's values. Prints the Go/NumPy time ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/baseline.sh
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== Go ($(go version | cut -d' ' -f3-))"
go test -run '^$' -bench 'Collapse' -benchtime 5x ./nclab/collapse | tee "$tmp/go.txt"
echo "== NumPy"
baseline bench/collapse_numpy.py --out "$tmp" | tee "$tmp/numpy.txt"
echo "== nclab collapse --json on NumPy's data (read .npy + compute)"
go build -o "$tmp/nclab" ./nclab/cmd/nclab
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$tmp/nclab" collapse --features "$tmp/features.npy" --labels "$tmp/labels.npy" \
  --weights "$tmp/W.npy" --bias "$tmp/b.npy" --json >"$tmp/go.json"
/usr/bin/python3 - "$tmp" <<'PY'
import json, re, sys
tmp = sys.argv[1]
g, n = json.load(open(f"{tmp}/go.json")), json.load(open(f"{tmp}/numpy.json"))
worst = 0.0
for key in ["nc1", "nc2_h", "nc2_w", "nc3", "nc3_papyan", "ncc_agreement"]:
    worst = max(worst, abs(g[key] - n[key]) / max(1, abs(n[key])))
for key in ["nc_m", "angle", "gamma"]:
    for m, v in n[key].items():
        worst = max(worst, abs(g[key][m] - v) / max(1, abs(v)))
print(f"nclab vs NumPy on the same data: NC1 {g['nc1']:.12g} vs {n['nc1']:.12g}; largest relative difference over all metrics {worst:.2g}")
go = {m.group(1): float(m.group(2)) / 1e6 for m in re.finditer(r"Benchmark(\w+)-\d+\s+\d+\s+(\d+) ns/op", open(f"{tmp}/go.txt").read())}
py = {m.group(1): float(m.group(2)) for m in re.finditer(r"numpy-(\w+): median (\d+) ms", open(f"{tmp}/numpy.txt").read())}
for name, ms in go.items():
    print(f"Go {name}: {ms:.0f} ms = {ms / py['textbook']:.2f} x NumPy textbook ({py['textbook']:.0f} ms), {ms / py['projection']:.2f} x NumPy projection ({py['projection']:.0f} ms)")
PY
