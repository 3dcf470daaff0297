#!/usr/bin/env bash
# Issue 14: every collapse metric of single-label float32 features, K = 1,000 classes,
# d = 2,048, with the classifier W and bias b, at N = 40,000 and N = 500,000 (4 GB on
# disk), for `nclab collapse --json` (features streamed from .npy) and NumPy's
# textbook implementation (bench/collapse_scale.py numpy) side by side in one run:
# wall time and peak RSS (/usr/bin/time) of each, and the largest relative difference
# between their metrics. The data are generated with a streaming writer into a
# temporary folder (BENCH_TMP, default /tmp) and deleted afterwards.
# Usage: [COLLAPSE_ROUNDS=R] bench/collapse_scale.sh [N ...]   (default: 40000 500000)
#
# A shared 2-core machine gives single runs that vary by 10-20 % (other tenants' load
# only ever adds time): COLLAPSE_ROUNDS=R (default 1) runs nclab and NumPy R times each,
# alternating, prints every wall time and compares the best of each.
#
# On a machine with AVX-512, nclab runs a second time with GOMLX_GO_SIMD_AVX512=false
# (the AVX2 kernels most laptops have).
#
# Measurements: see the "Scale" table in nclab/METHOD.md (appendix B).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/baseline.sh
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
rounds="${COLLAPSE_ROUNDS:-1}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "bench/collapse_scale.sh: COLLAPSE_ROUNDS=$rounds, want a positive integer" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(40000 500000)
tmp=$(mktemp -d "${BENCH_TMP:-/tmp}/collapse_scale.XXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/nclab" ./nclab/cmd/nclab
echo "machine: $(nproc) cores, $(grep -qw avx512f /proc/cpuinfo && echo AVX-512 || echo AVX2 only), load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  data="$tmp/n$n"
  mkdir -p "$data"
  baseline bench/collapse_scale.py generate --n "$n" --out "$data"
  sync # the generated file's writeback must not fall into the first timed run
  echo "== N = $n, d = 2048, K = 1000, float32: $(du -h "$data/features.npy" | cut -f1) of features"
  for r in $(seq "$rounds"); do
    /usr/bin/time -f "%e %M %U %S" -o "$data/go.$r.time" "$tmp/nclab" collapse --features "$data/features.npy" \
      --labels "$data/labels.npy" --weights "$data/W.npy" --bias "$data/b.npy" --json >"$data/go.json"
    if grep -q avx512f /proc/cpuinfo; then
      GOMLX_GO_SIMD_AVX512=false /usr/bin/time -f "%e %M %U %S" -o "$data/avx2.$r.time" "$tmp/nclab" collapse \
        --features "$data/features.npy" --labels "$data/labels.npy" --weights "$data/W.npy" --bias "$data/b.npy" \
        --json >"$data/avx2.json"
    fi
    /usr/bin/time -f "%e %M %U %S" -o "$data/numpy.$r.time" env "${baseline_env[@]}" /usr/bin/python3 bench/collapse_scale.py numpy --dir "$data" >"$data/numpy.json"
  done
  echo "load average after the runs: $(cut -d" " -f1-3 /proc/loadavg)"
  /usr/bin/python3 - "$data" "$rounds" <<'PY'
import json, os, sys
d, rounds = sys.argv[1], int(sys.argv[2])


def best(name):
    """The round of least wall time of one program, and every round's wall time."""
    runs = [open(f"{d}/{name}.{r}.time").read().split() for r in range(1, rounds + 1)]
    return min(runs, key=lambda t: float(t[0])), " ".join(f"{float(t[0]):.1f}" for t in runs)



g, n = json.load(open(f"{d}/go.json")), json.load(open(f"{d}/numpy.json"))
(gt, gm, gu, gs), gall = best("go")
(nt, nm, nu, ns), nall = best("numpy")
worst, where = 0.0, ""
for key in ["nc1", "nc2_h", "nc2_w", "nc3", "nc3_papyan", "ncc_agreement", "cdnv", "nc3_uniformity_cv"]:
    r = abs(g[key] - n[key]) / abs(n[key])
    worst, where = max((worst, where), (r, key))
for sub in ["mean", "std"]:
    r = abs(g["nc2_uniformity"][sub] - n["nc2_uniformity"][sub]) / abs(n["nc2_uniformity"][sub])
    worst, where = max((worst, where), (r, "nc2_uniformity." + sub))
print(f"nclab collapse: {float(gt):7.1f} s wall, {float(gu) + float(gs):7.1f} s CPU, peak RSS {int(gm) / 1024:7.0f} MB  (also the subspace split: null_energy {g['null_energy']:.4f}, nc1_row {g['nc1_row']:.4g})")
if rounds > 1:
    print(f"  (best of {rounds} alternating rounds; every wall time: nclab {gall}, NumPy {nall})")
if os.path.exists(f"{d}/avx2.1.time"):
    (at, am, au, asys), aall = best("avx2")
    a = json.load(open(f"{d}/avx2.json"))
    diff = max(abs(a[key] - g[key]) / abs(g[key]) for key in ["nc1", "cdnv", "nc3", "ncc_agreement", "null_energy"])
    print(f"nclab, AVX2:    {float(at):7.1f} s wall, {float(au) + float(asys):7.1f} s CPU, peak RSS {int(am) / 1024:7.0f} MB  (GOMLX_GO_SIMD_AVX512=false; largest relative difference from AVX-512 {diff:.2g})")
    if rounds > 1:
        print(f"  (every wall time: {aall})")
print(f"NumPy textbook: {float(nt):7.1f} s wall, {float(nu) + float(ns):7.1f} s CPU, peak RSS {int(nm) / 1024:7.0f} MB  (of which loading {n['total_s'] - n['compute_s']:.1f} s)")
print(f"ratios nclab / NumPy: wall {float(gt) / float(nt):.2f}, CPU {(float(gu) + float(gs)) / (float(nu) + float(ns)):.2f}, peak RSS {int(gm) / int(nm):.2f}")
print(f"NC1 {g['nc1']:.10g} (nclab) vs {n['nc1']:.10g} (NumPy); largest relative difference {worst:.2g} ({where})")
PY
  rm -rf "$data"
done
