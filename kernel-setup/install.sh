#!/usr/bin/env bash
# Installs what nclab's notebooks need, idempotently (a second run changes nothing and
# takes a few seconds):
#   1. Jupyter's headless runner (jupyter-nbconvert) from Debian's apt, or the Jupyter
#      already on PATH; with --ui also the classic notebook UI (jupyter-notebook).
#   2. GoNB v0.11.5 and goimports v0.50.0 (the versions GoMLX v0.28.16 pins), built from
#      the pinned tools module kernel-setup/tools into $NCLAB_KERNEL_BIN.
#   3. The "gonb" Jupyter kernel, registered with the environment it needs
#      (GOTOOLCHAIN=go1.27.3, GOEXPERIMENT=simd, PATH with go and goimports), so a
#      Jupyter started without those variables still works.
#   4. A check: a one-cell notebook runs headless and reports a Go version ending in
#      "-X:simd" (SIMD kernels on: without them everything runs ~20x slower).
#
# Usage: bash kernel-setup/install.sh [--ui] [--no-check]
# Environment: JUPYTER_DATA_DIR moves the kernelspec (default ~/.local/share/jupyter);
# NCLAB_KERNEL_BIN moves the binaries (default ~/.local/share/nclab/kernel/bin).
set -euo pipefail

want_ui=0
run_check=1
for arg in "$@"; do
  case "$arg" in
    --ui) want_ui=1 ;;
    --no-check) run_check=0 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kernel-setup: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
say() { echo "kernel-setup: $*"; }
die() { echo "kernel-setup: error: $*" >&2; exit 1; }

export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd

# --- Go -------------------------------------------------------------------------------
command -v go >/dev/null || die "no 'go' on PATH. Install Go >= 1.21 (https://go.dev/dl or apt-get install golang); the go command then fetches go1.27.3 itself."
go_dir="$(dirname "$(command -v go)")"
go version >/dev/null || die "'go version' failed with GOTOOLCHAIN=$GOTOOLCHAIN: the go command could not fetch that toolchain (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))."

# --- Jupyter --------------------------------------------------------------------------
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

apt_install() { # packages...
  if ! command -v apt-get >/dev/null; then
    die "missing $* and there is no apt-get here. Install Jupyter yourself so that 'jupyter nbconvert' (and, for the UI, 'jupyter notebook') works — e.g. 'python3 -m pip install nbconvert nbclient notebook' — then rerun this script."
  fi
  if [ ${#sudo_cmd[@]} -gt 0 ] && ! command -v sudo >/dev/null; then
    die "missing $*: run as root, or install them yourself: apt-get install -y --no-install-recommends $*"
  fi
  say "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  } || die "apt-get install $* failed"
}

# Is nbconvert reachable as "jupyter nbconvert"? Where from?
nbconvert_ok() { command -v jupyter >/dev/null && jupyter nbconvert --version >/dev/null 2>&1; }
if nbconvert_ok; then
  jup="$(command -v jupyter)"
  if [ "$jup" != /usr/bin/jupyter ] || ! dpkg -s jupyter-nbconvert >/dev/null 2>&1; then
    say "using the Jupyter already installed at $jup (not Debian's package; nbconvert $(jupyter nbconvert --version 2>/dev/null))"
  fi
else
  if command -v jupyter >/dev/null; then
    say "'$(command -v jupyter)' exists but has no nbconvert; installing Debian's jupyter-nbconvert (if PATH picks the other Jupyter first, install nbconvert there instead)"
  fi
  apt_install jupyter-nbconvert python3-ipykernel
  nbconvert_ok || die "'jupyter nbconvert' still does not run after installing jupyter-nbconvert; check which 'jupyter' is first on PATH ($(command -v jupyter || echo none))"
fi
if [ $want_ui = 1 ] && ! jupyter notebook --version >/dev/null 2>&1; then
  apt_install jupyter-notebook
fi

# --- GoNB and goimports from the pinned tools module ---------------------------------
bin="${NCLAB_KERNEL_BIN:-${XDG_DATA_HOME:-$HOME/.local/share}/nclab/kernel/bin}"
mkdir -p "$bin"
(cd "$here/tools" && GOBIN="$bin" go install tool) \
  || die "building GoNB and goimports from kernel-setup/tools failed (see above)"
gonb_version="$("$bin/gonb" -V 2>&1 | head -1 || true)"
case "$gonb_version" in
  *v0.11.5*) ;;
  *) die "built $bin/gonb but it reports '$gonb_version', expected v0.11.5" ;;
esac

# --- Kernel registration --------------------------------------------------------------
data_dir="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}"
kernel_json="$data_dir/kernels/gonb/kernel.json"
kernel_path="$bin:$go_dir:\${PATH}"

# The environment the kernel carries; Jupyter expands ${PATH} when it starts the kernel.
want_env() {
  python3 - "$kernel_json" "$bin/gonb" "$kernel_path" "$1" <<'EOF'
import json, os, sys
path, gonb, kpath, mode = sys.argv[1:]
env = {"GOTOOLCHAIN": "go1.27.3", "GOEXPERIMENT": "simd", "PATH": kpath}
try:
    spec = json.load(open(path))
except (OSError, ValueError):
    sys.exit(1)
if mode == "check":
    argv0 = spec.get("argv", [""])[0]
    # gonb --install copies a binary that lives under /tmp into the kernel folder.
    same_gonb = argv0 == gonb or os.path.dirname(argv0) == os.path.dirname(path)
    ok = same_gonb and "-raw_error=true" in spec.get("argv", []) \
        and all(spec.get("env", {}).get(k) == v for k, v in env.items())
    sys.exit(0 if ok else 1)
spec.setdefault("env", {}).update(env)
with open(path, "w") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
EOF
}

if want_env check; then
  say "GoNB kernel already registered in $kernel_json"
else
  say "registering the GoNB kernel in $data_dir/kernels/gonb"
  PATH="$bin:$PATH" JUPYTER_DATA_DIR="$data_dir" "$bin/gonb" --install --force_deps --raw_error >/dev/null 2>&1 \
    || PATH="$bin:$PATH" JUPYTER_DATA_DIR="$data_dir" "$bin/gonb" --install --force_deps --raw_error \
    || die "gonb --install failed"
  # gonb --install resets "env" to {}: write ours after it.
  want_env write || die "could not rewrite $kernel_json"
  want_env check || die "$kernel_json does not carry the expected env after rewriting it"
fi

# --- Check: a one-cell notebook runs and uses the SIMD build --------------------------
if [ $run_check = 1 ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cat >"$tmp/check.ipynb" <<'EOF'
{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
  "source": ["import (\"fmt\"; \"runtime\")\n", "\n", "func main() { fmt.Printf(\"go=%s\\n\", runtime.Version()) }"]}],
 "metadata": {"kernelspec": {"display_name": "Go (gonb)", "language": "go", "name": "gonb"}},
 "nbformat": 4, "nbformat_minor": 5}
EOF
  # Run with a bare environment (no GOTOOLCHAIN/GOEXPERIMENT) to prove kernel.json carries them.
  if ! (cd "$tmp" && env -u GOTOOLCHAIN -u GOEXPERIMENT JUPYTER_DATA_DIR="$data_dir" \
        jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
        --output out.ipynb check.ipynb >"$tmp/log" 2>&1); then
    cat "$tmp/log" >&2
    die "the one-cell check notebook failed to run under the gonb kernel (log above)"
  fi
  version="$(python3 -c '
import json, sys
nb = json.load(open(sys.argv[1]))
for o in nb["cells"][0].get("outputs", []):
    for line in "".join(o.get("text", "")).splitlines():
        if line.startswith("go="): print(line[3:])' "$tmp/out.ipynb")"
  case "$version" in
    *-X:simd*) say "ok: the gonb kernel runs $version" ;;
    "") die "the check notebook printed no Go version; its outputs: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cells"][0]["outputs"])' "$tmp/out.ipynb")" ;;
    *) die "the kernel runs $version, without '-X:simd': GOEXPERIMENT=simd did not reach it (check $kernel_json)" ;;
  esac
fi
