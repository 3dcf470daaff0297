#!/usr/bin/env bash
# `make bench`: every side-by-side benchmark (Go next to NumPy / PyTorch at 2 threads,
# same machine, one run each). Needs Debian's python3-numpy, python3-torch,
# python3-sklearn (installed below when apt is there). Each script prints its ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import numpy, torch, sklearn' 2>/dev/null; then
  command -v apt-get >/dev/null || { echo "bench: needs python3-numpy python3-torch python3-sklearn" >&2; exit 1; }
  apt-get install -y -qq python3-numpy python3-torch python3-sklearn python3-scipy >/dev/null
fi
for b in collapse ufm data train decode; do
  echo "################ bench/$b.sh"
  bash "bench/$b.sh"
done
