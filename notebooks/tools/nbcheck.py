#!/usr/bin/env python3
"""Checks an executed GoNB notebook for failed cells that nbconvert may report as fine.

Usage: nbcheck.py EXECUTED.ipynb           exit 1 and name each failed cell (exit 3 when
                                            every failure is a missing plot)
       nbcheck.py --selftest EXECUTED.ipynb exit 0 only if exactly the cells whose first
                                            line contains "expect: fail" are flagged

A code cell failed when any of these holds (GoNB v0.11.5 behaviours, seen in
notebooks/tools/testdata/failures.md):
  - it has an "error" output (compile errors, a Go program's panic or os.Exit);
  - its stderr says "exit status N" (a failing `!cmd` or `!*cmd` leaves only that line,
    and nbconvert counts the cell as fine), or holds "panic:" or "fatal error:";
  - it never ran (no execution_count), e.g. the kernel died before it;
  - it calls gonbui.DisplayPng but no image/png came out (GoNB drops a plot still in its
    pipe when the cell's program exits, and the cell still counts as fine; cells call
    `defer gonbui.Sync()` against it, see md2nb.py), unless its output says it skipped
    ("skipped", as a missing optional dataset's cell prints).
"""
import json
import re
import sys

FAILURE_LINES = [
    re.compile(r"^exit status \d+\s*$"),
    re.compile(r"^panic: "),
    re.compile(r"^fatal error: "),
    re.compile(r"^ERROR: "),
]


NO_IMAGE = "no image: the cell calls gonbui.DisplayPng but shows no plot"


def _text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def cell_failure(cell):
    """Returns a one-line reason if the executed code cell failed, else None."""
    if cell.get("execution_count") is None:
        return "did not run"
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "error":
            lines = [l for l in _text(out.get("evalue", "")).strip().splitlines() if not l.startswith("# ")]
            return f"error: {(lines or [out.get('ename', 'error')])[0]}"
        if kind == "stream" and out.get("name") == "stderr":
            for line in _text(out.get("text")).splitlines():
                if any(p.search(line) for p in FAILURE_LINES):
                    return f"stderr: {line.strip()}"
    outputs = cell.get("outputs", [])
    if "gonbui.DisplayPng(" in _text(cell.get("source")):
        has_image = any("image/png" in out.get("data", {}) for out in outputs)
        skipped = any("skipped" in _text(out.get("text")) for out in outputs if out.get("output_type") == "stream")
        if not has_image and not skipped:
            return NO_IMAGE
    return None


def failures(nb):
    """Yields (cell number counting code cells from 1, first source line, reason)."""
    n = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        n += 1
        reason = cell_failure(cell)
        first = _text(cell.get("source")).strip().splitlines()
        yield n, (first[0] if first else ""), reason


def main(argv):
    selftest = argv[:1] == ["--selftest"]
    if selftest:
        argv = argv[1:]
    if len(argv) != 1:
        raise SystemExit(__doc__)
    with open(argv[0], encoding="utf-8") as f:
        nb = json.load(f)
    bad = plots_only = 0
    for n, first, reason in failures(nb):
        if selftest:
            expected = "expect: fail" in first
            if expected != (reason is not None):
                bad += 1
                print(f"nbcheck selftest: code cell {n} ({first!r}): expected "
                      f"{'a failure' if expected else 'success'}, got {reason or 'success'}")
        elif reason:
            bad += 1
            plots_only += reason == NO_IMAGE
            print(f"{argv[0]}: code cell {n} ({first[:60]!r}) failed: {reason}")
    if bad and bad == plots_only and not selftest:
        return 3
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
