#!/usr/bin/env bash
# GPU readiness check of nclab's XLA path, in one command, for a machine with an NVIDIA
# GPU and a CUDA PJRT plugin (no network needed). It
#   1. checks for the GPU (nvidia-smi);
#   2. uses $NCLAB_BIN, a binary built with `-tags xla` beforehand (carry it to a machine
#      without Go), or builds bin/nclab-xla when go is on PATH;
#   3. finds the CUDA PJRT plugin: $PJRT_PLUGIN_LIBRARY_PATH, go-xla's folders, or the
#      plugin that JAX's jax-cuda12-pjrt / jax-cuda13-pjrt packages install (linked into
#      a go-xla layout with its nvidia/ libraries beside it);
#   4. trains the UFM (Theorem 1's first reference row, METHOD.md §3) on XLA CUDA and on
#      the pure-Go backend and compares both with the closed-form optimum;
#   5. runs 50 ResNet18 SGD steps (full width, batch 64, 32x32x3 random data, same seed)
#      on both backends and prints the step times and the losses after the same steps.
# It stops at the first step that cannot work, with a message saying why, and takes a
# few minutes at most (each step has its own time limit).
#
# Usage: bash bench/gpu.sh            (build here, or NCLAB_BIN=path/to/nclab-xla)
# Environment: NCLAB_GPU_STEPS (default 50), NCLAB_GPU_BACKEND (default xla:cuda; the
# self-test sets it to "go" together with NCLAB_GPU_SKIP_DEVICE_CHECK=1 to check this
# script's own logic on a machine without a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "gpu.sh: $*"; }
die() { echo "gpu.sh: FAILED: $*" >&2; exit 1; }
backend="${NCLAB_GPU_BACKEND:-xla:cuda}"
steps="${NCLAB_GPU_STEPS:-50}"
py="$(command -v python3 || true)"
[ -n "$py" ] || die "python3 is needed to compare the JSON results"
work="$(mktemp -d "${TMPDIR:-/tmp}/nclab-gpu.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# --- 1. the GPU ------------------------------------------------------------------------
if [ -z "${NCLAB_GPU_SKIP_DEVICE_CHECK:-}" ]; then
  command -v nvidia-smi >/dev/null || die "no nvidia-smi here: this machine has no NVIDIA driver. Run bench/gpu.sh on a machine with an NVIDIA GPU and a CUDA PJRT plugin."
  gpus="$(timeout 30 nvidia-smi -L 2>/dev/null || true)"
  [ -n "$gpus" ] || die "nvidia-smi sees no GPU (nvidia-smi -L printed nothing)"
  say "GPU: $(echo "$gpus" | head -1)"
fi

# --- 2. the binary ---------------------------------------------------------------------
bin="${NCLAB_BIN:-}"
if [ -z "$bin" ]; then
  command -v go >/dev/null || die "no go here and NCLAB_BIN is unset: build the binary where Go is (GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd go build -tags xla -o bin/nclab-xla ./nclab/cmd/nclab) and set NCLAB_BIN=bin/nclab-xla"
  say "building bin/nclab-xla with -tags xla"
  GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd timeout 300 go build -tags xla -o bin/nclab-xla ./nclab/cmd/nclab || die "go build -tags xla failed (it needs cgo and a C compiler)"
  bin=bin/nclab-xla
fi
[ -x "$bin" ] || die "NCLAB_BIN=$bin is not an executable file"

# --- 3. the plugin ---------------------------------------------------------------------
if [ "${backend%%:*}" = xla ] && [ -z "${PJRT_PLUGIN_LIBRARY_PATH:-}" ]; then
  for d in "$HOME/.local/lib/go-xla" /usr/local/lib/go-xla; do
    [ -f "$d/pjrt_c_api_cuda_plugin.so" ] && { export PJRT_PLUGIN_LIBRARY_PATH="$d"; break; }
  done
fi
if [ "${backend%%:*}" = xla ] && [ -z "${PJRT_PLUGIN_LIBRARY_PATH:-}" ]; then
  # JAX's plugin: site-packages/jax_plugins/xla_cuda1N/xla_cuda_plugin.so, with the CUDA
  # libraries in site-packages/nvidia. go-xla wants pjrt_c_api_cuda_plugin.so with
  # ../nvidia beside its folder: build that layout out of links.
  jaxplugin="$("$py" - <<'PY' 2>/dev/null || true
import glob, os, sys
for p in sys.path:
    for f in sorted(glob.glob(os.path.join(p, "jax_plugins", "xla_cuda*", "xla_cuda_plugin.so")), reverse=True):
        print(f); sys.exit(0)
PY
)"
  [ -n "$jaxplugin" ] || die "no CUDA PJRT plugin found: not in PJRT_PLUGIN_LIBRARY_PATH, ~/.local/lib/go-xla, /usr/local/lib/go-xla, nor JAX's jax_plugins/xla_cuda*/ (pip package jax-cuda12-pjrt or jax-cuda13-pjrt) for $py"
  site="$(dirname "$(dirname "$(dirname "$jaxplugin")")")"
  mkdir -p "$work/pjrt/lib"
  ln -s "$jaxplugin" "$work/pjrt/lib/pjrt_c_api_cuda_plugin.so"
  [ -d "$site/nvidia" ] && ln -s "$site/nvidia" "$work/pjrt/nvidia"
  export PJRT_PLUGIN_LIBRARY_PATH="$work/pjrt/lib"
  if [ -d "$site/nvidia" ]; then
    libs="$(find -L "$site/nvidia" -maxdepth 2 -type d -name lib | tr '\n' ':')"
    export LD_LIBRARY_PATH="${libs}${LD_LIBRARY_PATH:-}"
  fi
  say "plugin: JAX's $jaxplugin (CUDA libraries from $site/nvidia)"
elif [ "${backend%%:*}" = xla ]; then
  say "plugin folder: $PJRT_PLUGIN_LIBRARY_PATH"
fi

# Runs the nclab binary on backend $1 with a time limit of $2 s; the rest are its arguments.
nclab_on() {
  local be="$1" limit="$2"
  shift 2
  GOMLX_BACKEND="$be" timeout "$limit" "$bin" "$@"
}

# --- 4. the UFM ------------------------------------------------------------------------
ufm=(ufm train --classes 4 --dim 6 --counts 1:3,2:2 --lambda-w 1e-2 --lambda-h 1e-2 --lambda-b 1e-2 --json)
say "UFM (K=4, d=6, n1=3, n2=2; f* = 1.04038 in METHOD.md §3) on $backend and on go"
nclab_on "$backend" 120 "${ufm[@]}" >"$work/ufm-gpu.json" 2>"$work/ufm-gpu.err" ||
  { tail -5 "$work/ufm-gpu.err" >&2; die "the UFM did not run on $backend (above)"; }
nclab_on go 120 "${ufm[@]}" >"$work/ufm-go.json" 2>"$work/ufm-go.err" ||
  { tail -5 "$work/ufm-go.err" >&2; die "the UFM did not run on the pure-Go backend (above)"; }
"$py" - "$work/ufm-gpu.json" "$work/ufm-go.json" "$backend" <<'PY' || die "the UFM results disagree (above)"
import json, sys
gpu, go = (json.load(open(f)) for f in sys.argv[1:3])
fstar = gpu["closed_form"]["objective"] if "objective" in gpu.get("closed_form", {}) else 1.04038
print(f"gpu.sh:   {sys.argv[3]:>8}: objective {gpu['objective']:.8f}  steps {gpu['steps']}  {gpu['seconds']:.3f} s  converged {gpu['converged']}")
print(f"gpu.sh:   {'go':>8}: objective {go['objective']:.8f}  steps {go['steps']}  {go['seconds']:.3f} s  converged {go['converged']}")
bad = [n for n, r in (("gpu", gpu), ("go", go)) if not r["converged"] or abs(r["objective"] - fstar) > 1e-6 * max(1, abs(fstar))]
print(f"gpu.sh:   closed form f* = {fstar:.8f}: " + ("both agree to 1e-6" if not bad else f"{bad} off by more than 1e-6"))
sys.exit(1 if bad else 0)
PY

# --- 5. ResNet18 steps -----------------------------------------------------------------
st=(steps --arch resnet18 --batch 64 --side 32 --channels 3 --steps "$steps" --seed 1 --lr 0.01 --json)
say "ResNet18, $steps SGD steps (batch 64, 32x32x3, seed 1) on $backend"
nclab_on "$backend" 240 "${st[@]}" >"$work/steps-gpu.json" 2>"$work/steps-gpu.err" ||
  { tail -5 "$work/steps-gpu.err" >&2; die "ResNet18 steps did not run on $backend (above; exit 124 means past its 240 s limit)"; }
say "ResNet18, $steps SGD steps on go (the reference)"
nclab_on go 240 "${st[@]}" >"$work/steps-go.json" 2>"$work/steps-go.err" ||
  { tail -5 "$work/steps-go.err" >&2; die "ResNet18 steps did not run on the pure-Go backend (above; exit 124 means past its 240 s limit)"; }
"$py" - "$work/steps-gpu.json" "$work/steps-go.json" "$backend" <<'PY' || die "the ResNet18 losses disagree (above)"
import json, sys
gpu, go = (json.load(open(f)) for f in sys.argv[1:3])
for name, r in ((sys.argv[3], gpu), ("go", go)):
    print(f"gpu.sh:   {name:>8}: first step {r['first_step_seconds']:.2f} s, then {1e3*r['step_seconds']:.2f} ms a step; "
          f"loss step 1 {r['losses'][0]:.6f}, step {r['steps']} {r['losses'][-1]:.6f}")
rel = lambda a, b: abs(a - b) / max(abs(b), 1e-12)
first, last = rel(gpu["losses"][0], go["losses"][0]), rel(gpu["losses"][-1], go["losses"][-1])
worst = max(rel(a, b) for a, b in zip(gpu["losses"], go["losses"]))
print(f"gpu.sh:   relative difference: step 1 {first:.2e}, step {go['steps']} {last:.2e}, largest {worst:.2e}; "
      f"speed-up {go['step_seconds'] / gpu['step_seconds']:.1f}x")
# Same data, weights and batches: the first loss differs only by rounding (TF32 or
# reordered sums on the GPU); after many steps rounding compounds, so the bar is looser.
ok = first < 1e-3 and last < 5e-2
print("gpu.sh:   " + ("agree (step 1 within 1e-3, last step within 5e-2)" if ok else "DISAGREE (want step 1 within 1e-3 and the last step within 5e-2)"))
sys.exit(0 if ok else 1)
PY
say "ok: the XLA path ($backend) trains and agrees with the pure-Go backend"
