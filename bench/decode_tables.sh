#!/usr/bin/env bash
# The measured Tables 1 and 2 of the closing notes, from scratch on CPU (about an hour
# on 2 idle cores): quick M-lab MNIST and Fashion-MNIST, pair counts reduced
# (c10-L/M/S), networks trained with PAL by `nclab train`, decoded by `nclab decode`.
#   Table 1: MLP (40 epochs) on the six variants, ONN vs OvA vs tuned OvA.
#   Table 2: learned vs frozen-ETF head (d = K), balanced data:
#     - the four reference networks at 1/8 width (ResNet18/50, VGG16/19), 12 epochs,
#       batch 64, MNIST at 28x28 (VGG's zero-padded to 32x32), VGG at lr 0.01 as in
#       notebook 07 (train.Table2VGGLR: at 0.1 it stays near chance);
#     - ResNet18 at full width, 5 epochs at lr 0.01 (a quick full-size run: minutes;
#       at the quick preset's lr 0.1 the full-width network diverged and stayed at chance);
#     - the MLP, 40 and 100 epochs.
# Usage: bash bench/decode_tables.sh [OUT_DIR]   (default .cache/decode_tables)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
out="${1:-.cache/decode_tables}"
mkdir -p "$out"
bin="$out/nclab"
go build -o "$bin" ./nclab/cmd/nclab
train() { # name, flags...
  local dir="$out/$1"; shift
  [ -f "$dir/summary.json" ] || "$bin" train --preset quick --seed 1 --quiet --out "$dir" "$@" >/dev/null
}
runs=()
for ds in mnist-mlab fashion-mlab; do
  for imb in c10-L c10-M c10-S; do
    train "mlp-$ds-$imb" --dataset "$ds" --imbalance "$imb" --arch mlp --head learned --epochs 40 --track-every 40
    runs+=(--run "$out/mlp-$ds-$imb")
  done
done
"$bin" decode "${runs[@]}"
echo
pairs=()
for ds in mnist-mlab fashion-mlab; do
  for head in learned etf; do
    train "t2-mlp-$ds-$head" --dataset "$ds" --arch mlp --head "$head" --epochs 40 --track-every 40
  done
  pairs+=(--table2 "$out/t2-mlp-$ds-learned,$out/t2-mlp-$ds-etf")
done
for arch in resnet18 resnet50 vgg16 vgg19; do
  for head in learned etf; do
    lr=()
    case "$arch" in vgg*) lr=(--lr 0.01) ;; esac
    train "t2-$arch-div8-mnist-mlab-$head" --arch "$arch" --width-div 8 --head "$head" --epochs 12 --track-every 12 "${lr[@]}"
  done
  pairs+=(--table2 "$out/t2-$arch-div8-mnist-mlab-learned,$out/t2-$arch-div8-mnist-mlab-etf")
done
for head in learned etf; do
  train "t2-resnet18-full-mnist-mlab-$head" --dataset mnist-mlab --arch resnet18 --head "$head" --epochs 5 --track-every 5 --lr 0.01
done
pairs+=(--table2 "$out/t2-resnet18-full-mnist-mlab-learned,$out/t2-resnet18-full-mnist-mlab-etf")
for head in learned etf; do
  train "t2-mlp100-mnist-mlab-$head" --dataset mnist-mlab --arch mlp --head "$head" --epochs 100 --track-every 100
done
pairs+=(--table2 "$out/t2-mlp100-mnist-mlab-learned,$out/t2-mlp100-mnist-mlab-etf")
"$bin" decode "${pairs[@]}"
