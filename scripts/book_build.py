"""Executes notebooks and writes one HTML page per notebook: the Python half of `npm run book`.

Usage (scripts/book.js runs it; run it yourself only to debug):
    /usr/bin/python3 scripts/book_build.py --out DIR notebooks/01-language-models.ipynb ...

For each notebook, in the order given: run every code cell top to bottom in a fresh tslab kernel
(the training cache is whatever the environment says: RNNLAB_CHECKPOINTS, else checkpoints/), stop at
the first error (an error output or anything on stderr) with the notebook and the cell (index and first line), then convert the executed
notebook with the template in scripts/book-template/ into DIR/<notebook>.html. The output that
carries plotly.js inline (2.6 MB, see lib/src/plot/show.ts) is dropped: pages load the shared
DIR/assets/plotly.js instead, and every plot's own script waits for window.Plotly.
Writes DIR/assets/highlight.css (code colours) and DIR/book.json (one entry per page), which
scripts/book.js turns into the table of contents. Exit code 1 when a notebook fails.
"""
import argparse
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from pygments.formatters import HtmlFormatter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "scripts")
TEMPLATE = "book-template"
KERNEL = "rnnlab"
CELL_TIMEOUT = int(os.environ.get("RNNLAB_CELL_TIMEOUT", "1800"))
SLOW_CELL_SECONDS = 20  # cells slower than this are named in the progress output
PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_LIBRARY_CLASS = "rnnlab-plotly-library"
# $$…$$ (display) or $…$ (inline, not across lines, not an escaped \$); counted in markdown cells.
MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\$)([^$\n]+?)(?<!\\)\$", re.S)


class NotebookFailed(Exception):
    pass


def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def first_line(source, n=120):
    lines = [line for line in text(source).strip().splitlines() if line.strip()]
    line = lines[0].strip() if lines else ""
    return line if len(line) <= n else line[: n - 1] + "…"


def error_line(stderr):
    """The line of a stack trace that says what went wrong ("Error: …"), else its first line."""
    for line in text(stderr).splitlines():
        if re.match(r"^\s*[A-Za-z_.]*(Error|Exception)\b", line):
            return first_line(line, 300)
    return first_line(stderr, 300)


def page_name(path):
    return os.path.splitext(os.path.basename(path))[0] + ".html"


def title_of(nb, fallback):
    """The first markdown heading, without its markup."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in text(cell.source).splitlines():
            m = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
            if m:
                title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1))  # links keep their words
                return re.sub(r"[`*_]", "", title).strip()
    return fallback


def count_math(nb):
    """Equations in the prose: $…$ and $$…$$ outside code spans and fenced code (MathJax skips code too)."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", text(cell.source), flags=re.S))
            n += len(MATH.findall(prose))
    return n


def execute(nb, path, label):
    """Runs every code cell; raises NotebookFailed naming the cell on an error, a timeout or a dead kernel."""
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        allow_errors=True,  # an error output is turned into NotebookFailed below, with the cell
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            t0 = time.time()
            where = f"{label}, cell {index} ({first_line(cell.source)!r})"
            try:
                client.execute_cell(cell, index)
            except (CellTimeoutError, DeadKernelError) as e:
                raise NotebookFailed(f"{where}: {type(e).__name__}: {first_line(str(e), 300)}")
            for out in cell.outputs:
                if out.get("output_type") == "error":
                    raise NotebookFailed(f"{where}: {out.get('ename')}: {first_line(out.get('evalue', ''), 300)}")
                # tslab reports a thrown error or a type error on stderr; the notebooks never write there otherwise
                # (the notebooks suite of npm test fails on stderr too).
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    raise NotebookFailed(f"{where}: {error_line(out.get('text', ''))}")
            seconds = time.time() - t0
            if seconds >= SLOW_CELL_SECONDS:
                print(f"book:        cell {index} took {seconds:.0f} s ({first_line(cell.source, 60)})", flush=True)


def share_plotly(nb):
    """Drops the output that inlines plotly.js and counts the plots. Returns the number of plot outputs."""
    plots = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            data = out.get("data", {})
            if f'class="{PLOTLY_LIBRARY_CLASS}"' in text(data.get("text/html")):
                continue
            if PLOTLY_MIME in data:
                plots += 1
            kept.append(out)
        cell.outputs = kept
    return plots


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder for the pages (its assets/ must hold plotly.js and MathJax)")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args(argv)
    os.makedirs(os.path.join(args.out, "assets"), exist_ok=True)
    with open(os.path.join(args.out, "assets", "highlight.css"), "w", encoding="utf-8") as f:
        f.write(HtmlFormatter(style="default").get_style_defs(".highlight") + "\n")

    sources = [nbformat.read(p, as_version=4) for p in args.notebooks]
    titles = [title_of(nb, os.path.basename(p)) for nb, p in zip(sources, args.notebooks)]
    pages = []
    exporter = HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[SCRIPTS])
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    total = len(args.notebooks)
    for i, (path, nb) in enumerate(zip(args.notebooks, sources)):
        label = os.path.relpath(os.path.abspath(path), ROOT)
        print(f"book: [{i + 1}/{total}] {label} …", flush=True)
        t0 = time.time()
        try:
            execute(nb, path, label)
        except NotebookFailed as e:
            print(f"book: FAILED {e}", flush=True)
            return 1
        seconds = time.time() - t0
        plots = share_plotly(nb)
        equations = count_math(nb)
        status = f"executed ok in {seconds:.1f} s"
        book = {
            "title": titles[i],
            "prev": {"href": page_name(args.notebooks[i - 1]), "title": titles[i - 1]} if i > 0 else None,
            "next": {"href": page_name(args.notebooks[i + 1]), "title": titles[i + 1]} if i + 1 < total else None,
            "plots": plots,
            "math": equations > 0,
            "status": f"{os.path.basename(path)}: {status}",
        }
        body, _ = exporter.from_notebook_node(nb, resources={"book": book})
        with open(os.path.join(args.out, page_name(path)), "w", encoding="utf-8") as f:
            f.write(body)
        pages.append(
            {
                "notebook": label,
                "file": page_name(path),
                "title": titles[i],
                "status": status,
                "seconds": round(seconds, 1),
                "plots": plots,
                "equations": equations,
            }
        )
        print(f"book: [{i + 1}/{total}] {label}: {status}, {plots} plots, {equations} equations", flush=True)
        with open(os.path.join(args.out, "book.json"), "w", encoding="utf-8") as f:
            json.dump({"pages": pages}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
