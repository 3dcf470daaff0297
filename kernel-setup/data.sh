#!/usr/bin/env bash
# Installs the optional datasets that nclab's notebooks use, idempotently. `make test`
# and `make reports` call it (make's "data" target). Today: Fashion-MNIST, from Debian's
# apt package dataset-fashion-mnist (the four IDX files in /usr/share/datasets/fashion-mnist).
#
# It never fails: without apt, without root (or password-less sudo), or when apt-get
# fails, it prints one line saying what is missing and how to get it, and exits 0. The
# notebooks then skip the rows that need the dataset and say so in one line starting
# "nclab-skip: ", which the reports' index lists as "skipped rows".
#
# Usage: bash kernel-setup/data.sh
# Environment: NCLAB_FASHION_MNIST_DIR names a folder that already holds the IDX files
# (then nothing is installed).
set -uo pipefail

say() { echo "data: $*"; }

fashion_dir="${NCLAB_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
how="apt-get install dataset-fashion-mnist as root, or set NCLAB_FASHION_MNIST_DIR to a folder holding the four Fashion-MNIST IDX files from https://github.com/zalandoresearch/fashion-mnist"

fashion_ok() {
  local f
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -f "$fashion_dir/$f" ] || [ -f "$fashion_dir/$f.gz" ] || return 1
  done
}

if fashion_ok; then
  exit 0
fi
if [ -n "${NCLAB_FASHION_MNIST_DIR:-}" ]; then
  say "Fashion-MNIST is missing from NCLAB_FASHION_MNIST_DIR=$fashion_dir; notebook 06 will skip its Fashion-MNIST rows (to get it: $how)"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    say "Fashion-MNIST is missing and this user cannot run apt-get (not root, no password-less sudo); notebook 06 will skip its Fashion-MNIST rows (to get it: $how)"
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null; then
  say "Fashion-MNIST is missing and there is no apt-get here; notebook 06 will skip its Fashion-MNIST rows (to get it: $how)"
  exit 0
fi

say "installing Fashion-MNIST (apt package dataset-fashion-mnist)"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null 2>&1
  "${sudo_cmd[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1
fi
if fashion_ok; then
  say "ok: Fashion-MNIST in $fashion_dir"
else
  say "apt-get could not install dataset-fashion-mnist; notebook 06 will skip its Fashion-MNIST rows (to get it: $how)"
fi
exit 0
