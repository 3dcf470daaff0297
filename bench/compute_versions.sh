#!/usr/bin/env bash
# The pure-Go backend's own products and transpose under two releases of its engine
# module, github.com/gomlx/compute: the one nclab builds on (go.mod's, GoMLX v0.28.16's)
# and a newer one (COMPUTE_NEW, default v0.1.35), which GoMLX v0.28.16 cannot build with.
# The benchmarks (bench/compute_versions) use compute's API alone, so both build; nclab's
# go.mod is left as it is (the newer module goes in a copy under a temporary folder).
# Checks the backend's convolutions against loops (TestConvGeneral), then runs the
# AVX-512 path where the CPU has it and always the AVX2 path
# (GOMLX_GO_SIMD_AVX512=false), each with one op executor per core as nclab.NewBackend
# configures the backend. Needs the Go module proxy for the newer release.
#
#   bash bench/compute_versions.sh    # 10 iterations a benchmark, 3 a ConvGeneral (~6 min)
#   BENCHTIME=20x CONV_BENCHTIME=1x COMPUTE_NEW=v0.1.34 bash bench/compute_versions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
new=${COMPUTE_NEW:-v0.1.35}
benchtime=${BENCHTIME:-10x}
# v0.1.14's ConvGeneral takes 2.5 s (forward) and 33 s (kernel gradient) a call on a Zen 5.
conv_benchtime=${CONV_BENCHTIME:-3x}
old=$(go list -m -f '{{.Version}}' github.com/gomlx/compute)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp go.mod "$tmp/new.mod"
cp go.sum "$tmp/new.sum"
go get -modfile="$tmp/new.mod" "github.com/gomlx/compute@$new" 2>/dev/null ||
  { echo "compute_versions: cannot fetch github.com/gomlx/compute@$new from the module proxy" >&2; exit 1; }
go test -c -o "$tmp/old.test" ./bench/compute_versions
go test -c -modfile="$tmp/new.mod" -o "$tmp/new.test" ./bench/compute_versions

paths=(avx2)
grep -qw avx512f /proc/cpuinfo 2>/dev/null && paths=(avx512 avx2)
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores; compute $old against $new"
for path in "${paths[@]}"; do
  simd=()
  [[ $path == avx2 ]] && simd=(GOMLX_GO_SIMD_AVX512=false)
  for version in old new; do
    label=$old
    [[ $version == new ]] && label=$new
    echo "## $path path, compute $label"
    # TestConvGeneral first: a convolution is timed only where it matches loops.
    for run in "TestConvGeneral MatMul|ConvForward|Transpose $benchtime" "^$ ConvGeneral $conv_benchtime"; do
      read -r tests benches times <<<"$run"
      out=$(env "${simd[@]}" GOMLX_BACKEND="go:num_executors=$(nproc)" \
        "$tmp/$version.test" -test.run "$tests" -test.bench "$benches" -test.benchtime "$times" 2>&1) ||
        { echo "$out" >&2; echo "compute_versions: compute $label failed" >&2; exit 1; }
      grep '^Benchmark' <<<"$out"
    done
  done
done
