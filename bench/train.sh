#!/usr/bin/env bash
# Training-step time, batch 128, side by side: nclab's pure-Go GoMLX backend
# (Go benchmarks in nclab/train) and PyTorch CPU (bench/train_torch.py), both
# on 2 threads, in one run; first the dense ceiling of each (a 1024^3 float32
# matmul in GFLOP/s, nclab's BenchmarkMatMul1024 against torch), so that each
# model's ratio can be read against the engines' own ratio. Each model's line
# also gives the FLOPs of its step's matrix products (nclab's count, which
# `bench/train_torch.py macs` confirms layer by layer) and each side's rate, as
# a share of its own ceiling.
#
# Each side reports the median of its timed steps (after an untimed first step).
# A shared 2-core machine gives single runs that vary by 20-40 % (other tenants'
# load only ever adds time), so each model runs TRAIN_ROUNDS times (default 2),
# Go and PyTorch alternating, every round printed; the ratio is that of each
# side's best round.
#
# On a machine with AVX-512 it runs everything twice: with the kernels the machine
# picks, then on the AVX2 path (GOMLX_GO_SIMD_AVX512=false for Go; for PyTorch
# ATEN_CPU_CAPABILITY=avx2, MKL_ENABLE_INSTRUCTIONS=AVX2, DNNL_MAX_CPU_ISA=AVX2),
# which is what most laptops have; OpenBLAS then runs its Haswell (AVX2) kernels.
# PyTorch runs with OpenBLAS's own kernel choice (bench/baseline.sh), and the output
# names the kernel.
#
# The MLP times 40 steps a side: its first ~12 Go steps take 12-35 ms instead of
# 11-12 while the Go heap grows into fresh pages (page faults; on a 2-core Zen 5), so a
# median over 10 steps measured that warm-up rather than the steady state.
# Usage: [TRAIN_ROUNDS=N] bench/train.sh [mlp smallcnn resnet18]
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
models=("${@:-mlp smallcnn resnet18}")
models=(${models[*]})
declare -A goname=([mlp]=MLP [smallcnn]=SmallCNN [resnet18]=ResNet18)
declare -A gotime=([mlp]=40x [smallcnn]=5x [resnet18]=3x) # the steps bench/train_torch.py times
rounds="${TRAIN_ROUNDS:-2}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "bench/train.sh: TRAIN_ROUNDS=$rounds, want a positive integer" >&2; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null ||
  { echo "bench/train.sh: /usr/bin/python3 cannot import torch: apt-get install python3-torch (make bench installs it)" >&2; exit 1; }
source bench/baseline.sh

# rate FLOPS SECONDS CEILING prints the GFLOP/s of FLOPS GFLOP in SECONDS and
# its percentage of the CEILING GFLOP/s, as "123 (45 %)".
rate() {
  printf "%.0f (%.0f %%)" "$(echo "$1 / $2" | bc -l)" "$(echo "100 * $1 / $2 / $3" | bc -l)"
}

# One pass over the ceiling and the models; $1 names the path, the rest of the
# arguments are "VAR=value" settings for Go (before --) and for PyTorch (after --)
# (each_path, bench/baseline.sh).
pass() {
  local path="$1" goenv pyenv
  shift
  split_env "$@"
  local gm tm
  gm=$(env "${goenv[@]}" go test ./nclab/ -run '^$' -bench 'MatMul1024$' -benchtime 10x 2>/dev/null |
       awk '/^Benchmark/ {for (i = 1; i < NF; i++) if ($(i+1) == "GFLOP/s") printf "%.1f", $i}')
  tm=$(env "${baseline_env[@]}" "${pyenv[@]}" /usr/bin/python3 bench/train_torch.py matmul | awk '{print $2}')
  echo "== $path: matmul 1024^3 float32: go $gm GFLOP/s, torch $tm GFLOP/s (ceiling ratio torch/go $(echo "$tm / $gm" | bc -l | xargs printf %.2f)x)"
  printf "%-10s %-22s %-22s %8s %10s %-14s %s\n" model "go s/step (rounds)" "torch s/step (rounds)" "go/torch" GFLOP/step "go GFLOP/s" "torch GFLOP/s"
  for m in "${models[@]}"; do
    local gs=() ts=() g t f=
    for _ in $(seq "$rounds"); do
      read -r g f < <(env "${goenv[@]}" go test ./nclab/train/ -run '^$' -bench "TrainStep${goname[$m]}\$" -benchtime "${gotime[$m]}" 2>/dev/null |
          awk '/^Benchmark/ {for (i = 1; i < NF; i++) {if ($(i+1) == "s/step") s = $i; if ($(i+1) == "GFLOP/step") f = $i}; printf "%.4f %s\n", s, f}') || true
      t=$(env "${baseline_env[@]}" "${pyenv[@]}" /usr/bin/python3 bench/train_torch.py "$m" | awk '{print $2}')
      [ -n "$g" ] && [ -n "$f" ] && [ -n "$t" ] || { echo "bench/train.sh: no step time for $m (go '$g' with '$f' GFLOP/step, torch '$t')" >&2; exit 1; }
      gs+=("$g") ts+=("$t")
    done
    g=$(printf '%s\n' "${gs[@]}" | sort -g | head -1)
    t=$(printf '%s\n' "${ts[@]}" | sort -g | head -1)
    printf "%-10s %-22s %-22s %8.2f %10.2f %-14s %s\n" "$m" "$g (${gs[*]})" "$t (${ts[*]})" "$(echo "$g / $t" | bc -l)" "$f" \
      "$(rate "$f" "$g" "$gm")" "$(rate "$f" "$t" "$tm")"
  done
}

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
each_path pass
echo "GFLOP/step counts the matrix products of one step (forward, input and weight gradients; models.Products, the same count as PyTorch's layers);"
echo "each side's GFLOP/s is that count over its best step, in parentheses its share of its own matmul ceiling."
echo "A step ratio near the ceiling ratio means the step is as fast as the engine's matmul allows."
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
