#!/usr/bin/env bash
# The Figure 3 sweep of the closing note (issue "Figure 3 as the paper ran it"):
# what drives the null-space energy of the features (the part of h outside the
# row space of the learned W, METHOD.md §5 subspace split) to zero, and at what
# cost. Every run is `nclab train --preset figure3 --arch mlp --seed 1` (learned
# head, 200 epochs, batch 64, lr 0.1, weight decay 5e-4, feature penalty 1e-4,
# d = 256) with one knob changed; about 3 to 4 minutes a run on 2 cores (the
# 400-epoch run twice that; more under load), about an hour in all on idle cores. Runs already in OUT_DIR are
# kept. At the end it prints one line per run from `nclab collapse` on the saved
# training features and the run's summary.json.
# Usage: bash bench/figure3_sweep.sh [OUT_DIR]   (default .cache/figure3_sweep)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
out="${1:-.cache/figure3_sweep}"
mkdir -p "$out"
bin="$out/nclab"
go build -o "$bin" ./nclab/cmd/nclab
# name|knob|value|flags (the knob's change from the preset)
runs=(
  "base|preset|-|"
  "fp1e-2|feature penalty|1e-2|--feature-penalty 1e-2"
  "fp3e-3|feature penalty|3e-3|--feature-penalty 3e-3"
  "fp1e-3|feature penalty|1e-3|--feature-penalty 1e-3"
  "wd5e-3|weight decay|5e-3|--wd 5e-3"
  "bn|batch norm before head|on|--head-bn"
  "d10|feature dim|10|--feature-dim 10"
  "wd0|weight decay|0|--no-wd"
  "paln|loss|pal-n|--loss pal-n"
  "d64|feature dim|64|--feature-dim 64"
  "fp0|feature penalty|0|--feature-penalty 0"
  "ep100|epochs|100|--epochs 100"
  "ep400|epochs|400|--epochs 400 --track-every 20"
)
for r in "${runs[@]}"; do
  IFS='|' read -r name knob value flags <<<"$r"
  dir="$out/$name"
  if [ ! -f "$dir/summary.json" ] && [ ! -f "$dir/FAILED" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # flags are words
    "$bin" train --preset figure3 --arch mlp --seed 1 --quiet --out "$dir" $flags >/dev/null 2>"$dir/stderr" ||
      cp "$dir/stderr" "$dir/FAILED" # a diverged run is a result: its line says so
  fi
  [ -f "$dir/FAILED" ] && continue
  "$bin" collapse --features "$dir/train_features.npy" --labels "$dir/train_labels.npy" \
    --weights "$dir/classifier_w.npy" --bias "$dir/classifier_b.npy" --json >"$dir/collapse.json"
done
printf '%-8s %-24s %-6s %11s %11s %9s %8s %8s %8s %8s %6s\n' run knob value null_energy angle_full angle_row nc1 nc1_row test_f1 test_acc train_acc
for r in "${runs[@]}"; do
  IFS='|' read -r name knob value flags <<<"$r"
  if [ -f "$out/$name/FAILED" ]; then
    printf '%-8s %-24s %-6s %s\n' "$name" "$knob" "$value" "failed: $(cat "$out/$name/FAILED")"
    continue
  fi
  /usr/bin/python3 - "$out/$name" "$name" "$knob" "$value" <<'PY'
import json, sys
d, name, knob, value = sys.argv[1:5]
c = json.load(open(d + "/collapse.json"))
s = json.load(open(d + "/summary.json"))
f = lambda v: "null" if v is None else "%.4g" % v
print("%-8s %-24s %-6s %11s %11s %9s %8s %8s %8s %8s %6s" % (name, knob, value, f(c.get("null_energy")),
      f(c["angle"].get("2")), f((c.get("angle_row") or {}).get("2")), f(c["nc1"]), f(c.get("nc1_row")),
      f(s["test"]["f1_samples"]), f(s["test"]["subset_accuracy"]), f(s["train"]["subset_accuracy"])))
PY
done
