#!/usr/bin/env python3
"""The shareable side of `make reports` (notebooks/run.sh --reports DIR).

Usage:
  report.py mark SOURCE.ipynb EXECUTED.ipynb OUT.ipynb
      Writes OUT.ipynb, the notebook both HTML reports are made from: EXECUTED (or
      SOURCE when the run left no executed notebook) with a red banner cell before every
      code cell that nbcheck.py says failed, one at the top naming the failed cells, and
      the notebook's first heading as its title (the HTML pages' <title>).
  report.py summary SOURCE.ipynb EXECUTED.ipynb --seconds S --status ok|failed [--json OUT.json]
      Prints the verdict ("ok", "FAILED" or "ok, skipped rows: ...") and writes OUT.json
      (title, wall time, verdict, failed cells, skip lines) for the index.
  report.py index DIR
      Writes DIR/index.html from every DIR/*.report.json: each report's title, links to
      its code-free (NAME.nocode.html) and full (NAME.html) versions, wall time, verdict.

A notebook skips rows whose data is missing by printing one line
"nclab-skip: WHAT: WHY" (SKIP_PREFIX is data.SkipPrefix in Go), e.g. "nclab-skip:
fashion-mlab rows: data: ... not found ...; get it with ...": its verdict is then
"ok, skipped rows: WHAT" and the index lists the whole lines. Standard library only.
"""
import datetime
import html
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbcheck  # noqa: E402

SKIP_PREFIX = "nclab-skip: "  # = data.SkipPrefix


def load(path):
    """Returns the notebook at path, or None when there is none (or it is not JSON)."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def save(nb, path):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def title(nb):
    """The first Markdown heading of the notebook, without its #s."""
    for cell in (nb or {}).get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in nbcheck._text(cell.get("source")).splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return ""


def skip_lines(nb):
    """The SKIP_PREFIX lines a notebook printed (on stdout or stderr), prefix removed."""
    out = []
    for cell in (nb or {}).get("cells", []):
        for o in cell.get("outputs", []):
            if o.get("output_type") != "stream":
                continue
            for line in nbcheck._text(o.get("text")).splitlines():
                if line.startswith(SKIP_PREFIX):
                    out.append(line[len(SKIP_PREFIX):].strip())
    return out


def failed_cells(nb):
    """[(code cell number, first source line, reason)] of the failed code cells."""
    return [(n, first, reason) for n, first, reason in nbcheck.failures(nb) if reason]


def banner(text):
    return {"cell_type": "markdown", "metadata": {"nclab": "failure-banner"},
            "source": '<div style="border:2px solid #c00;background:#fee;padding:6px 10px;'
                      'color:#900;font-weight:bold">' + html.escape(text) + "</div>"}


def mark(source_path, executed_path, out_path):
    nb = load(executed_path)
    ran = nb is not None
    if not ran:
        nb = load(source_path)
        if nb is None:
            raise SystemExit(f"report.py: neither {executed_path} nor {source_path} can be read")
    bad = failed_cells(nb) if ran else []
    cells, n = [], 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            n += 1
            for m, first, reason in bad:
                if m == n:
                    cells.append(banner(f"This cell (code cell {m}) failed: {reason}"))
        cells.append(cell)
    if not ran:
        cells.insert(0, banner("This notebook did not run to the end: the report shows its source "
                               "without outputs; the log beside this report says why."))
    elif bad:
        cells.insert(0, banner("Failed: " + "; ".join(f"code cell {m} ({reason})" for m, _, reason in bad)
                               + ". Each failed cell is marked below."))
    nb["cells"] = cells
    # The HTML page's <title> (nbconvert takes it from here, else from the file name).
    nb.setdefault("metadata", {})["title"] = title(nb) or os.path.basename(source_path)
    save(nb, out_path)


def verdict(ok, skips):
    if not ok:
        return "FAILED"
    if skips:
        return "ok, skipped rows: " + "; ".join(s.split(": ")[0] for s in skips)
    return "ok"


def summary(source_path, executed_path, seconds, status, json_path=None):
    src, nb = load(source_path), load(executed_path)
    ok = status == "ok" and nb is not None
    skips = skip_lines(nb)
    rec = {
        "name": os.path.basename(source_path)[:-len(".ipynb")],
        "title": title(src) or title(nb),
        "seconds": seconds,
        "status": "ok" if ok else "failed",
        "verdict": verdict(ok, skips),
        "failed_cells": [f"code cell {n} ({first[:60]!r}): {reason}" for n, first, reason in failed_cells(nb or {})],
        "skipped": skips,
        "preset": os.environ.get("PRESET", "quick"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if json_path:
        tmp = json_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(rec, f, indent=1)
            f.write("\n")
        os.replace(tmp, json_path)
    print(rec["verdict"])
    return rec


INDEX_HEAD = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>nclab reports</title>
<style>
body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ccc;padding:.4em .6em;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}
.ok{color:#070}.failed{color:#c00;font-weight:bold}.skipped{color:#a60}
ul{margin:.2em 0;padding-left:1.2em}
</style></head><body>
<h1>nclab reports</h1>
"""


def index(folder):
    recs = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".report.json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                recs.append(json.load(f))
    if not recs:
        raise SystemExit(f"report.py: no *.report.json in {folder}")
    rows = []
    for r in recs:
        e = html.escape
        name = r["name"]
        cls = "failed" if r["status"] != "ok" else ("skipped" if r["skipped"] else "ok")
        word = "failed" if cls == "failed" else ("skipped rows" if cls == "skipped" else "ok")
        details = r["failed_cells"] if cls == "failed" else r["skipped"]
        detail = "<ul>" + "".join(f"<li>{e(d)}</li>" for d in details) + "</ul>" if details else ""
        links = f'<a href="{e(name)}.nocode.html">{e(r["title"] or name)}</a>'
        rows.append(
            f'<tr><td>{e(name)}</td><td>{links}</td>'
            f'<td><a href="{e(name)}.html">with code</a> · <a href="{e(name)}.ipynb">notebook</a></td>'
            f'<td class="num">{int(r["seconds"])} s</td><td class="{cls}">{word}{detail}</td></tr>')
    presets = sorted({r.get("preset", "") for r in recs})
    total = sum(int(r["seconds"]) for r in recs)
    failed = sum(r["status"] != "ok" for r in recs)
    page = (INDEX_HEAD
            + f"<p>{len(recs)} reports, {failed} failed, {total} s in all "
            + f"(PRESET={html.escape(', '.join(presets))}; last run {html.escape(max(r.get('date', '') for r in recs))}). "
            + "Each title links the report without code (prose, outputs, plots); "
            + "&ldquo;with code&rdquo; is the full report.</p>\n"
            + "<table><tr><th>notebook</th><th>title</th><th>also</th><th>wall time</th><th>verdict</th></tr>\n"
            + "\n".join(rows) + "\n</table>\n</body></html>\n")
    path = os.path.join(folder, "index.html")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(path + ".tmp", path)
    return path


def main(argv):
    if argv[:1] == ["mark"] and len(argv) == 4:
        mark(*argv[1:])
        return 0
    if argv[:1] == ["summary"] and len(argv) >= 3:
        args, opts = [], {}
        it = iter(argv[1:])
        for a in it:
            if a in ("--seconds", "--status", "--json"):
                opts[a] = next(it, None)
            else:
                args.append(a)
        if len(args) != 2 or opts.get("--status") not in ("ok", "failed") or opts.get("--seconds") is None:
            raise SystemExit(__doc__)
        try:
            seconds = int(opts["--seconds"])
        except ValueError:
            raise SystemExit(f"report.py: --seconds {opts['--seconds']!r} is not a whole number")
        summary(args[0], args[1], seconds, opts["--status"], opts.get("--json"))
        return 0
    if argv[:1] == ["index"] and len(argv) == 2:
        print(index(argv[1]))
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
