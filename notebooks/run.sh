#!/usr/bin/env bash
# Executes nclab's notebooks headless with the GoNB kernel and checks every cell.
#
# Usage:
#   bash notebooks/run.sh --check [NN ...]         execute into a temp dir (make test)
#   bash notebooks/run.sh --reports DIR [NN ...]   write DIR/NN-name.html (full report),
#                                                  DIR/NN-name.nocode.html (without code),
#                                                  the executed DIR/NN-name.ipynb and
#                                                  DIR/index.html (make reports)
# NN selects notebooks by number prefix (e.g. "01 08"); default: every notebooks/NN-*.ipynb.
#
# Quick mode unless PRESET=paper. A notebook fails when nbconvert fails or when
# tools/nbcheck.py finds a failed cell in the executed notebook (a panic, an os.Exit, a
# failing !command: GoNB can report those cells as fine; a DisplayPng with no image,
# which runs the notebook once more: GoNB drops a plot still in its pipe when the cell's
# program exits, which every display cell's `defer gonbui.Sync()` now prevents (md2nb
# enforces it), and the rerun stays as the safety net); a failed notebook still gets
# both reports, its failed cells marked (tools/report.py). A notebook that skipped rows
# for missing data ("nclab-skip: " lines) is ok, with "skipped rows" in its verdict.
# --check first proves the checker on tools/testdata/failures.ipynb. Every notebook's
# wall time and verdict are printed (and written to DIR/timings.txt and DIR/index.html
# with --reports); with --reports the HTML of all notebooks is made at the end, in one
# nbconvert per flavour, and its time is a line of its own. The Go build cache is
# kept: warm runs are much faster. Two notebooks run at a time where there are two
# cores or more (NCLAB_LANES=N sets how many), so each notebook's time is its wall
# time beside another one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
mode=""
out=""
selected=()
while [ $# -gt 0 ]; do
  case "$1" in
    --check) mode=check; shift ;;
    --reports) mode=reports; out="${2:?--reports needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown flag $1 (try --help)" >&2; exit 2 ;;
    *) selected+=("$1"); shift ;;
  esac
done
[ -n "$mode" ] || { echo "run.sh: give --check or --reports DIR (try --help)" >&2; exit 2; }

export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd
export PRESET="${PRESET:-quick}"
export NCLAB_ROOT="$root" # the notebooks' setup cell replaces the nclab module with this tree
# Notebooks run two at a time on a machine of two cores or more: one alone keeps 1.6 of
# 2 cores busy on average (GoNB's compile and link of each cell run on one), and two
# share them with nothing lost but a longer time each (NCLAB_LANES=1: one at a time).
lanes="${NCLAB_LANES:-$(($(nproc) >= 2 ? 2 : 1))}"
case "$lanes" in
  '' | *[!0-9]* | 0*) echo "run.sh: NCLAB_LANES must be a whole number from 1, not '$lanes'" >&2; exit 2 ;;
esac
case "$PRESET" in
  quick) cell_timeout=900 ;;
  paper) cell_timeout=-1 ;; # paper-size runs take hours; no per-cell limit
  *) echo "run.sh: PRESET must be quick or paper, not '$PRESET'" >&2; exit 2 ;;
esac

# Kernel: install when missing (make's "kernel" target normally did it already).
kernel_json="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels/gonb/kernel.json"
if ! command -v jupyter >/dev/null || [ ! -f "$kernel_json" ]; then
  bash "$root/kernel-setup/install.sh"
fi

if [ "$mode" = reports ]; then
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  work="$out"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/nclab-notebooks.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

# Executes $1 (an .ipynb) into $work/$2.ipynb; its log goes to $work/$2.log.
execute() {
  local src="$1" name="$2"
  (cd "$(dirname "$src")" && jupyter nbconvert --to notebook --execute --allow-errors \
    --ExecutePreprocessor.timeout="$cell_timeout" --ExecutePreprocessor.kernel_name=gonb \
    --output-dir "$work" --output "$name.ipynb" "$(basename "$src")") >"$work/$name.log" 2>&1
}

# Sources in notebooks/src/NN-name.md (when present) must match their notebooks.
stale=0
for md in "$here"/src/[0-9][0-9]-*.md; do
  [ -e "$md" ] || continue
  python3 "$here/tools/md2nb.py" --check "$md" "$here/$(basename "${md%.md}").ipynb" || stale=1
done
[ $stale = 0 ] || { echo "run.sh: some notebooks are older than their notebooks/src/*.md (above)" >&2; exit 1; }

if [ "$mode" = check ]; then
  python3 "$here/tools/md2nb.py" --check "$here/tools/testdata/failures.md" "$here/tools/testdata/failures.ipynb"
  if ! execute "$here/tools/testdata/failures.ipynb" selftest-failures \
     || ! python3 "$here/tools/nbcheck.py" --selftest "$work/selftest-failures.ipynb"; then
    tail -n 30 "$work/selftest-failures.log" >&2 || true
    echo "run.sh: the failure checker's self-test failed: failed cells could go unnoticed" >&2
    exit 1
  fi
  echo "run.sh: failure checker self-test ok (panics, os.Exit, compile errors, failing !commands are caught)"
fi

notebooks=()
for nb in "$here"/[0-9][0-9]-*.ipynb; do
  [ -e "$nb" ] || continue
  base="$(basename "$nb")"
  if [ ${#selected[@]} -gt 0 ]; then
    keep=0
    for s in "${selected[@]}"; do case "$base" in "$s"*) keep=1 ;; esac; done
    [ $keep = 1 ] || continue
  fi
  notebooks+=("$nb")
done
[ ${#notebooks[@]} -gt 0 ] || { echo "run.sh: no notebooks matched" >&2; exit 1; }

failed=()
timings=""
declare -A seconds_of
suite_start=$SECONDS
if [ "$mode" = reports ]; then
  marked="$work/.marked"
  rm -rf "$marked"
  mkdir -p "$marked/full" "$marked/nocode"
fi
# run_notebook executes, checks and (with --reports) marks one notebook, prints its line
# and leaves its seconds, 1 (ok) or 0 (failed) and the line in $results/NAME.
run_notebook() {
  local nb="$1" name start ok check secs status line summary
  name="$(basename "${nb%.ipynb}")"
  start=$SECONDS
  ok=1
  execute "$nb" "$name" || ok=0
  if [ $ok = 1 ]; then
    check=0
    python3 "$here/tools/nbcheck.py" "$work/$name.ipynb" || check=$?
    if [ $check = 3 ]; then
      # Every failure is a plot that did not arrive (GoNB drops what is still in its pipe
      # when the program exits; the cells' gonbui.Sync should rule that out). One more
      # run; a plot missing again is a failure.
      echo "run.sh: $name: a plot is missing from the executed notebook; running it once more" >&2
      check=0
      execute "$nb" "$name" && python3 "$here/tools/nbcheck.py" "$work/$name.ipynb" || check=1
    fi
    [ $check = 0 ] || ok=0
  else
    tail -n 20 "$work/$name.log" >&2
  fi
  if [ "$mode" = reports ]; then
    # The notebook both reports are made from, every failed cell marked (the executed
    # .ipynb stays as it ran); the HTML comes after the loop, in one nbconvert per flavour.
    if python3 "$here/tools/report.py" mark "$nb" "$work/$name.ipynb" "$marked/full/$name.ipynb"; then
      cp "$marked/full/$name.ipynb" "$marked/nocode/$name.nocode.ipynb"
    else
      echo "run.sh: $name: could not prepare its report" >&2
      ok=0
    fi
  fi
  secs=$((SECONDS - start))
  status=ok
  [ $ok = 1 ] || status=failed
  summary=()
  [ "$mode" = reports ] && summary=(--json "$work/$name.report.json")
  status="$(python3 "$here/tools/report.py" summary "$nb" "$work/$name.ipynb" --seconds "$secs" --status "$status" "${summary[@]}")" \
    || { status=FAILED; ok=0; }
  line="$(printf '%-40s %5d s  %s' "$name" "$secs" "$status")"
  echo "run.sh: $line"
  printf '%s\n%s\n%s\n' "$secs" "$ok" "$line" >"$results/$name"
}

# $lanes notebooks at a time, in file order, each starting when one before it ends
# (starting the longest of the last run first made no difference: 341 vs 345 s).
results="$work/.results"
rm -rf "$results"
mkdir -p "$results"
running=0
for nb in "${notebooks[@]}"; do
  if [ $running -ge "$lanes" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_notebook "$nb" &
  running=$((running + 1))
done
wait
for nb in "${notebooks[@]}"; do
  name="$(basename "${nb%.ipynb}")"
  if [ -f "$results/$name" ]; then
    { read -r secs; read -r ok; read -r line; } <"$results/$name"
  else # run_notebook itself died
    secs=0 ok=0 line="$(printf '%-40s %5s    %s' "$name" "?" "FAILED (run.sh lost its result)")"
    echo "run.sh: $line" >&2
  fi
  [ "$ok" = 1 ] || failed+=("$name")
  timings+="$line"$'\n'
  seconds_of[$name]=$secs
done
rm -rf "$results"
if [ "$mode" = reports ]; then
  # Both HTML reports of every notebook: one nbconvert per flavour for the whole suite
  # (each start costs ~1.5 s); when one fails, each notebook alone, to name the culprit.
  start=$SECONDS
  html() { # $1: flavour dir under $marked, then nbconvert flags
    local dir="$marked/$1"; shift
    jupyter nbconvert --to html "$@" --output-dir "$work" "$dir"/*.ipynb >>"$work/html.log" 2>&1 && return 0
    local one
    for one in "$dir"/*.ipynb; do
      jupyter nbconvert --to html "$@" --output-dir "$work" "$one" >>"$work/html.log" 2>&1 || {
        local report name
        report="$(basename "${one%.ipynb}")"
        name="${report%.nocode}"
        echo "run.sh: $name: HTML conversion ($report.html) failed (see $work/html.log)" >&2
        case " ${failed[*]} " in *" $name "*) ;; *) failed+=("$name") ;; esac
        python3 "$here/tools/report.py" summary "$here/$name.ipynb" "$work/$name.ipynb" --seconds "${seconds_of[$name]}" \
          --status failed --json "$work/$name.report.json" >/dev/null || true
      }
    done
  }
  : >"$work/html.log"
  html full
  html nocode --no-input
  rm -rf "$marked"
  line="$(printf '%-40s %5d s' "(HTML reports, all notebooks)" $((SECONDS - start)))"
  echo "run.sh: $line"
  timings+="$line"$'\n'
fi
total=$((SECONDS - suite_start))
timings+="$(printf '%-40s %5d s  (PRESET=%s, %d at a time, %s)' total "$total" "$PRESET" "$lanes" "$(date -u +%FT%TZ)")"$'\n'
echo "run.sh: total $total s for ${#notebooks[@]} notebooks (PRESET=$PRESET, $lanes at a time)"
if [ "$mode" = reports ]; then
  printf '%s' "$timings" >"$out/timings.txt"
  python3 "$here/tools/report.py" index "$out" >/dev/null || { echo "run.sh: could not write $out/index.html" >&2; exit 1; }
  echo "run.sh: reports in $out (index: $out/index.html)"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "run.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
