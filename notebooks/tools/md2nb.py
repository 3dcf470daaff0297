#!/usr/bin/env python3
"""Builds a Jupyter notebook (GoNB kernel) from a Markdown source.

Usage: md2nb.py SRC.md OUT.ipynb   (or --check SRC.md OUT.ipynb: exit 1 if OUT is stale)

Every fenced block opened with ```go becomes a code cell (its text verbatim, GoNB
special commands such as %% or !* included); the Markdown between fences becomes a
markdown cell (blank-only stretches are dropped). Outputs are left empty: the runner
(notebooks/run.sh) executes the notebook.

A code cell whose program (after its %% line) displays something through gonbui must
also call `defer gonbui.Sync()` there: GoNB v0.11.5 stops reading the cell's display
pipe as soon as the program exits, so a plot still in the pipe is lost (GoNB's own
advice is the deferred Sync). md2nb refuses such a cell.
"""
import json
import re
import sys

DISPLAY = re.compile(r"gonbui\.(Display\w*|UpdateHtml)\(")


def unsynced(src):
    """True if the cell's program (the part after a %% line) displays without a Sync."""
    lines = [line.rstrip() for line in src.splitlines()]
    if "%%" not in lines:
        return False
    program = "\n".join(lines[lines.index("%%"):])
    return bool(DISPLAY.search(program)) and "defer gonbui.Sync()" not in program


def cells_of(text):
    cells, buf, in_code = [], [], False
    for line in text.splitlines(keepends=True):
        if not in_code and line.rstrip() == "```go":
            cells.append(("markdown", buf))
            buf, in_code = [], True
        elif in_code and line.rstrip() == "```":
            cells.append(("code", buf))
            buf, in_code = [], False
        else:
            buf.append(line)
    if in_code:
        raise SystemExit("md2nb: unterminated ```go block")
    cells.append(("markdown", buf))
    out = []
    for kind, lines in cells:
        src = "".join(lines).strip("\n")
        if not src.strip():
            continue
        lines = src.splitlines(keepends=True)
        cell = {"cell_type": kind, "id": f"cell-{len(out):02d}", "metadata": {}, "source": lines}
        if kind == "code":
            if unsynced(src):
                raise SystemExit(f"md2nb: code cell {len(out)} displays through gonbui without `defer gonbui.Sync()` "
                                 "after its %% line (a plot could be lost when the program exits)")
            cell.update({"execution_count": None, "outputs": []})
        out.append(cell)
    return out


def notebook(text):
    return {
        "cells": cells_of(text),
        "metadata": {
            "kernelspec": {"display_name": "Go (gonb)", "language": "go", "name": "gonb"},
            "language_info": {"name": "go"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def render(text):
    return json.dumps(notebook(text), indent=1, ensure_ascii=False) + "\n"


def main(argv):
    check = argv[:1] == ["--check"]
    if check:
        argv = argv[1:]
    if len(argv) != 2:
        raise SystemExit(__doc__)
    src, dst = argv
    with open(src, encoding="utf-8") as f:
        want = render(f.read())
    if check:
        try:
            with open(dst, encoding="utf-8") as f:
                have = f.read()
        except OSError:
            have = None
        if have != want:
            print(f"md2nb: {dst} is stale: rebuild it with python3 notebooks/tools/md2nb.py {src} {dst}")
            return 1
        return 0
    with open(dst, "w", encoding="utf-8") as f:
        f.write(want)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
