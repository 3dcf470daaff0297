#!/usr/bin/env bash
# Training-step time, batch 128, side by side: nclab's pure-Go GoMLX backend
# (Go benchmarks in nclab/train) and PyTorch CPU (bench/train_torch.py), both
# on 2 threads, in one run. Usage: bench/train.sh [mlp smallcnn resnet18]
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
models=("${@:-mlp smallcnn resnet18}")
models=(${models[*]})
declare -A goname=([mlp]=MLP [smallcnn]=SmallCNN [resnet18]=ResNet18)
declare -A gotime=([mlp]=10x [smallcnn]=3x [resnet18]=1x)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-10s %12s %12s %8s\n" model "go s/step" "torch s/step" ratio
for m in "${models[@]}"; do
  g=$(go test ./nclab/train/ -run '^$' -bench "TrainStep${goname[$m]}\$" -benchtime "${gotime[$m]}" 2>/dev/null |
      awk '/^Benchmark/ {printf "%.4f", $3/1e9}')
  t=$(/usr/bin/python3 bench/train_torch.py "$m" | awk '{print $2}')
  printf "%-10s %12s %12s %8.2f\n" "$m" "$g" "$t" "$(echo "$g / $t" | bc -l)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
