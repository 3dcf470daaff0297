#!/usr/bin/env python3
"""Tests report.py (make test-tools) on the committed fixture testdata/failures.ipynb.

The fixture is committed without outputs; each test gives it the outputs GoNB leaves
(an "error" output on every cell whose first line says "expect: fail", stdout on the
others, one "nclab-skip: " line) and checks the marked notebook, the verdicts, the
index and the code-free HTML (jupyter nbconvert --no-input, which must be installed).
"""
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import md2nb  # noqa: E402
import nbcheck  # noqa: E402
import report  # noqa: E402

FIXTURE = os.path.join(HERE, "testdata", "failures.ipynb")


def executed(fail=True, skip=True):
    """The fixture as if run: failing cells fail (when fail), one cell prints a skip line."""
    nb = report.load(FIXTURE)
    n = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        n += 1
        cell["execution_count"] = n
        first = nbcheck._text(cell["source"]).splitlines()[0]
        if fail and "expect: fail" in first:
            cell["outputs"] = [{"output_type": "error", "ename": "ERROR", "evalue": f"failure in cell {n}", "traceback": []}]
        else:
            text = f"output of cell {n}\n"
            if skip and "still ok" in nbcheck._text(cell["source"]):
                text += report.SKIP_PREFIX + "fashion-mlab rows: data: train-images-idx3-ubyte(.gz) not found in /x; get it with apt\n"
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]
    return nb


def expected_failures(nb):
    return [n for n, first, _ in nbcheck.failures(nb) if "expect: fail" in first]


class SyncRuleTest(unittest.TestCase):
    """md2nb refuses a cell whose program displays through gonbui without a deferred Sync."""

    def test_display_without_sync_is_refused(self):
        for body in ("%%\ngonbui.DisplayPng(png)\n", "import \"x\"\n\n%%\nfor {\n\tgonbui.UpdateHtml(id, s)\n}\n"):
            with self.assertRaises(SystemExit) as caught:
                md2nb.cells_of("# t\n\n```go\n" + body + "```\n")
            self.assertIn("defer gonbui.Sync()", str(caught.exception))

    def test_synced_or_declaration_only_cells_pass(self):
        for body in ("%%\ndefer gonbui.Sync()\ngonbui.DisplayPng(png)\n",
                     "func show(png []byte) { gonbui.DisplayPng(png) }\n",
                     "%%\nfmt.Println(1)\n"):
            self.assertEqual(len(md2nb.cells_of("```go\n" + body + "```\n")), 1)

    def test_every_notebook_source_follows_it(self):
        sources = [f for f in os.listdir(os.path.join(HERE, "..", "src")) if f.endswith(".md")]
        self.assertGreater(len(sources), 10)
        for name in sources:
            with open(os.path.join(HERE, "..", "src", name), encoding="utf-8") as f:
                md2nb.cells_of(f.read())


class FirstCellTest(unittest.TestCase):
    """Every notebook starts with TEMPLATE.md's first cell, and its script pins go.mod's versions."""

    ROOT = os.path.join(HERE, "..", "..")
    FIRST = '%noautoget\n!*bash "${NCLAB_ROOT:-${GONB_DIR}/..}/kernel-setup/notebook-modules.sh"'

    def requires(self, gomod):
        """Module path -> version of every require line of a go.mod."""
        out = {}
        with open(os.path.join(self.ROOT, gomod), encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if parts[:1] == ["require"]:
                    parts = parts[1:]
                if len(parts) >= 2 and parts[1].startswith("v"):
                    out[parts[0]] = parts[1]
        return out

    def test_every_notebook_source_starts_with_it(self):
        src = os.path.join(HERE, "..", "src")
        for name in sorted(os.listdir(src)):
            if name.endswith(".md"):
                with open(os.path.join(src, name), encoding="utf-8") as f:
                    code = [c for c in md2nb.cells_of(f.read()) if c["cell_type"] == "code"]
                with self.subTest(name):
                    self.assertEqual("".join(code[0]["source"]), self.FIRST)

    def test_pins_are_the_go_mod_versions(self):
        with open(os.path.join(self.ROOT, "kernel-setup", "notebook-modules.sh"), encoding="utf-8") as f:
            pins = dict(line.strip().split("@") for line in f if line.startswith("    ") and "@v" in line)
        self.assertEqual(len(pins), 6)
        want = self.requires("go.mod")
        want.update(self.requires(os.path.join("kernel-setup", "tools", "go.mod")))
        for module, version in pins.items():
            with self.subTest(module):
                self.assertEqual(version, want.get(module))


class PlotCheckTest(unittest.TestCase):
    """A cell that calls gonbui.DisplayPng must show an image, unless it says it skipped."""

    def cell(self, *outputs):
        return {"cell_type": "code", "execution_count": 1, "outputs": list(outputs),
                "source": ["%%\n", "gonbui.DisplayPng(must.M1(plots.GridPNG(grid, 12, 4)))\n"]}

    def test_missing_plot_fails(self):
        reason = nbcheck.cell_failure(self.cell({"output_type": "stream", "name": "stdout", "text": "NC1 0.1\n"}))
        self.assertIsNotNone(reason)
        self.assertIn("no image", reason)

    def test_plot_shown_passes(self):
        png = {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}, "metadata": {}}
        self.assertIsNone(nbcheck.cell_failure(self.cell(png)))

    def test_skipped_cell_passes(self):
        skip = {"output_type": "stream", "name": "stdout", "text": "SVHN section skipped: data: SVHN not found\n"}
        self.assertIsNone(nbcheck.cell_failure(self.cell(skip)))

    def test_exit_code_says_when_only_plots_are_missing(self):
        error = {"cell_type": "code", "execution_count": 2, "source": ["%%\n"],
                 "outputs": [{"output_type": "error", "ename": "ERROR", "evalue": "panic", "traceback": []}]}
        missing = self.cell({"output_type": "stream", "name": "stdout", "text": "NC1 0.1\n"})
        for cells, want in [([missing], 3), ([missing, error], 1), ([error], 1), ([], 0)]:
            path = os.path.join(tempfile.mkdtemp(prefix="nclab-nbcheck."), "nb.ipynb")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, f)
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(nbcheck.main([path]), want, f"{len(cells)} cells")
            shutil.rmtree(os.path.dirname(path))

    def test_cell_without_plot_call_needs_no_image(self):
        cell = self.cell({"output_type": "stream", "name": "stdout", "text": "ok\n"})
        cell["source"] = ["fmt.Println(\"ok\")\n"]
        self.assertIsNone(nbcheck.cell_failure(cell))


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nclab-report-test.")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_mark_puts_a_banner_before_each_failed_cell(self):
        nb = executed()
        want = expected_failures(nb)
        self.assertGreaterEqual(len(want), 5, "the fixture lost its failing cells")
        report.save(nb, self.path("run.ipynb"))
        report.mark(FIXTURE, self.path("run.ipynb"), self.path("marked.ipynb"))
        cells = report.load(self.path("marked.ipynb"))["cells"]
        banners = [i for i, c in enumerate(cells) if c.get("metadata", {}).get("nclab") == "failure-banner"]
        self.assertEqual(len(banners), len(want) + 1, "one banner per failed cell plus the summary at the top")
        self.assertEqual(banners[0], 0)
        n, marked = 0, []
        for i, c in enumerate(cells):
            if c["cell_type"] == "code":
                n += 1
                if i > 0 and cells[i - 1].get("metadata", {}).get("nclab") == "failure-banner":
                    marked.append(n)
                    self.assertIn(f"(code cell {n}) failed", cells[i - 1]["source"])
        self.assertEqual(marked, want)

    def test_mark_without_an_executed_notebook_shows_the_source(self):
        report.mark(FIXTURE, self.path("missing.ipynb"), self.path("marked.ipynb"))
        cells = report.load(self.path("marked.ipynb"))["cells"]
        self.assertIn("did not run to the end", cells[0]["source"])
        self.assertEqual(len(cells), len(report.load(FIXTURE)["cells"]) + 1)

    def test_a_clean_run_gets_no_banner(self):
        report.save(executed(fail=False, skip=False), self.path("run.ipynb"))
        report.mark(FIXTURE, self.path("run.ipynb"), self.path("marked.ipynb"))
        marked = report.load(self.path("marked.ipynb"))
        self.assertEqual(marked["cells"], report.load(self.path("run.ipynb"))["cells"])
        self.assertEqual(marked["metadata"]["title"], "nbcheck self-test", "the HTML <title> is the first heading")

    def test_verdicts_and_index(self):
        cases = {  # name: (notebook, status given by run.sh, verdict, index class)
            "01-ok": (executed(fail=False, skip=False), "ok", "ok", 'class="ok">ok'),
            "02-skip": (executed(fail=False), "ok", "ok, skipped rows: fashion-mlab rows", 'class="skipped">skipped rows'),
            "03-failed": (executed(), "failed", "FAILED", 'class="failed">failed'),
        }
        for name, (nb, status, verdict, _) in cases.items():
            src = self.path(name + ".ipynb")
            shutil.copy(FIXTURE, src)
            report.save(nb, self.path(name + ".run.ipynb"))
            with contextlib.redirect_stdout(io.StringIO()) as out:
                rec = report.summary(src, self.path(name + ".run.ipynb"), 12, status, self.path(name + ".report.json"))
            self.assertEqual(out.getvalue(), verdict + "\n", "run.sh prints this verdict")
            self.assertEqual(rec["verdict"], verdict, name)
            self.assertEqual(rec["title"], "nbcheck self-test")
        # A notebook whose executed file is missing failed, whatever run.sh said.
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(report.summary(FIXTURE, self.path("none.ipynb"), 1, "ok")["verdict"], "FAILED")
        with open(report.index(self.dir), encoding="utf-8") as f:
            page = f.read()
        for name, (_, _, _, cls) in cases.items():
            row = [line for line in page.splitlines() if line.startswith(f"<tr><td>{name}</td>")]
            self.assertEqual(len(row), 1, name)
            self.assertIn(f'href="{name}.nocode.html">nbcheck self-test</a>', row[0])
            self.assertIn(f'href="{name}.html"', row[0])
            self.assertIn("12 s", row[0])
            self.assertIn(cls, row[0])
        self.assertIn("3 reports, 1 failed, 36 s", page)
        self.assertIn("not found in /x; get it with apt", page)
        self.assertIn("failure in cell", page)

    def test_code_free_html_has_outputs_but_no_code(self):
        report.save(executed(), self.path("run.ipynb"))
        report.mark(FIXTURE, self.path("run.ipynb"), self.path("marked.ipynb"))
        pages = {}
        for flavour, flags in (("", []), (".nocode", ["--no-input"])):
            subprocess.run(["jupyter", "nbconvert", "--to", "html", *flags, "--output-dir", self.dir,
                            "--output", "fixture" + flavour, self.path("marked.ipynb")],
                           check=True, capture_output=True)
            with open(self.path(f"fixture{flavour}.html"), encoding="utf-8") as f:
                pages[flavour] = f.read().split("<body", 1)[-1]  # the page, without its CSS
        code = '<span class="s">"still ok"</span>'  # a Go string literal of the last cell, as highlighted
        self.assertTrue(code in pages[""] and "jp-InputArea-editor" in pages[""],
                        "the full report lost its code: the checks below would prove nothing")
        for absent in (code, "jp-InputArea-editor", "hl-go", "input_area", "In&nbsp;["):
            self.assertFalse(absent in pages[".nocode"], f"the code-free report holds {absent!r}")
        for p in pages.values():
            for want in ("output of cell 9", "(code cell 3) failed", "nbcheck self-test", report.SKIP_PREFIX):
                self.assertTrue(want in p, f"a report lost {want!r}")


if __name__ == "__main__":
    unittest.main()
