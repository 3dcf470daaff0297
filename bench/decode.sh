#!/usr/bin/env bash
# ONN vs OvA prediction time and FLOPs on M-lab-sized synthetic features (10,250 test,
# 40,000 train, d = 512, K = 10): Go benchmarks (nclab/decode/bench_test.go) and the
# NumPy/PyTorch side-by-side (bench/decode_numpy.py, 2 threads), in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/baseline.sh
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
echo "== Go ($(go version | cut -d' ' -f3-))"
go test -run '^$' -bench 'ONNPredict|ONNFit|OvAPredict' -benchtime 5x ./nclab/decode
go test -run '^$' -bench 'OvAFit' -benchtime 1x ./nclab/decode
echo "== NumPy / PyTorch (2 threads)"
baseline bench/decode_numpy.py
