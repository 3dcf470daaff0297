#!/usr/bin/env bash
# Every notebook's first cell runs this in GoNB's temporary module (`!*bash .../notebook-modules.sh`):
#   - `-require` plus `-replace` make `import "github.com/nclab/nclab/nclab/..."` compile
#     the packages of this working tree (the folder above this script's);
#   - `go get` pins every module a notebook imports directly, at the versions of the
#     repository's go.mod (GoNB fetches an unpinned import @latest).
# The `go get` runs offline first: with a warm module cache it takes ~0.1 s, while with
# the proxy it asks about every path prefix of every module (~3 s a notebook, measured
# with go1.27.3). A cold cache falls back to the proxy. The chatter goes to go-get.log,
# shown only on failure.
#
# Usage (in GoNB's module directory): bash kernel-setup/notebook-modules.sh [MODULE@VERSION ...]
# Extra arguments are pinned too (the checker's self-test pins GoNB alone).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=(
    github.com/gomlx/gomlx@v0.28.16
    github.com/gomlx/compute@v0.1.14
    gonum.org/v1/gonum@v0.17.0
    gonum.org/v1/plot@v0.15.2
    github.com/janpfeifer/gonb@v0.11.5
    github.com/janpfeifer/must@v0.2.0
  )
fi
[ -f go.mod ] || { echo "notebook-modules.sh: no go.mod in $PWD (run it from GoNB's module directory, as a notebook's first cell does)" >&2; exit 1; }

go mod edit -require=github.com/nclab/nclab@v0.0.0 -replace=github.com/nclab/nclab="$root"
# Every package of nclab too, so that go.mod and go.sum hold every module any nclab
# package imports: the cells then build with GoNB's own per-cell `go get` off
# (%noautoget, on the line above this script's in the first cell), which saves its
# ~0.7 s of proxy queries a cell.
# (At the version the -require gives: without one, go get asks the proxy for nclab's
# latest version, which a cold module cache cannot answer offline and the proxy refuses.)
get=("${modules[@]}" github.com/nclab/nclab/...@v0.0.0)
if ! GOPROXY=off go get "${get[@]}" >go-get.log 2>&1; then
  go get "${get[@]}" >go-get.log 2>&1 || { cat go-get.log >&2; exit 1; }
fi
