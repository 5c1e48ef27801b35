"""Executes every notebook twice in one tslab kernel, the way a student runs and then reruns it.

Usage: /usr/bin/python3 tests/run_notebooks.py [notebook.ipynb ...]

For each notebook: run all code cells top to bottom (pass 1), then all of them again in the same
kernel (pass 2). Any error output, any failed cell or any stderr output fails the notebook, naming
the cell. After each pass the kernel is asked for tf.memory().numTensors; pass 2 may not end with
more than TENSOR_MARGIN tensors above pass 1 (see below). Prints one table and exits 1 on failure.
"""
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = "rnnlab"
CELL_TIMEOUT = int(os.environ.get("RNNLAB_CELL_TIMEOUT", "600"))

# A rerun replaces every object a cell made, and the lib's keep() and model registries dispose the
# old ones, so pass 2 must end with exactly as many tensors as pass 1. tfjs does cache a few
# constant tensors for the life of the process, but it creates them the first time they are needed,
# during pass 1, so they do not count as growth. The margin is therefore zero: any growth is a leak.
TENSOR_MARGIN = 0

PROBE = 'import * as tfProbe__ from "@tensorflow/tfjs";\nconsole.log(`RNNLAB_TENSORS=${tfProbe__.memory().numTensors}`);'


def first_line(text, n=300):
    text = text.strip().splitlines()[0] if text.strip() else ""
    return text[:n]


def probe_tensors(client):
    cell = nbformat.v4.new_code_cell(PROBE)
    client.execute_cell(cell, 0, store_history=False)
    for out in cell.outputs:
        m = re.search(r"RNNLAB_TENSORS=(\d+)", out.get("text", ""))
        if m:
            return int(m.group(1))
    raise RuntimeError(f"tensor probe gave no result: {json.dumps(cell.outputs)[:300]}")


def check_outputs(cell, index, path, pass_no):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            raise AssertionError(f"{path}, cell {index} (pass {pass_no}): {out.get('ename')}: {first_line(out.get('evalue', ''))}")
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            raise AssertionError(f"{path}, cell {index} (pass {pass_no}) wrote to stderr: {first_line(out.get('text', ''))}")


def run_notebook(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        allow_errors=True,  # errors are collected and reported by check_outputs, with the cell number
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    row = {"notebook": os.path.relpath(path, ROOT), "seconds": [], "tensors": [], "error": None}
    with client.setup_kernel():
        for pass_no in (1, 2):
            t0 = time.time()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                cell.outputs = []
                try:
                    client.execute_cell(cell, index)
                except (CellTimeoutError, DeadKernelError) as e:
                    raise AssertionError(f"{row['notebook']}, cell {index} (pass {pass_no}): {type(e).__name__}: {first_line(str(e))}")
                check_outputs(cell, index, row["notebook"], pass_no)
            row["seconds"].append(time.time() - t0)
            row["tensors"].append(probe_tensors(client))
    growth = row["tensors"][1] - row["tensors"][0]
    if growth > TENSOR_MARGIN:
        raise AssertionError(
            f"{row['notebook']}: rerunning leaked tensors: {row['tensors'][0]} after pass 1, {row['tensors'][1]} after pass 2 "
            f"(+{growth}, margin {TENSOR_MARGIN}). Wrap tensors a cell keeps in keep(...) or dispose them."
        )
    return row


def main(argv):
    paths = argv or sorted(
        os.path.join(ROOT, "notebooks", f) for f in os.listdir(os.path.join(ROOT, "notebooks")) if f.endswith(".ipynb")
    )
    rows, failed = [], 0
    for path in paths:
        print(f"notebooks: running {os.path.relpath(path, ROOT)} twice ...", flush=True)
        try:
            rows.append(run_notebook(path))
        except Exception as e:  # noqa: BLE001 - every failure is reported the same way
            failed += 1
            rows.append({"notebook": os.path.relpath(path, ROOT), "seconds": [], "tensors": [], "error": str(e)})
            print(f"FAIL {e}", flush=True)
    print()
    print(f"{'notebook':<40} {'pass 1 s':>9} {'pass 2 s':>9} {'tensors 1':>10} {'tensors 2':>10}  result")
    for r in rows:
        if r["error"]:
            print(f"{r['notebook']:<40} {'':>9} {'':>9} {'':>10} {'':>10}  FAIL")
        else:
            s, t = r["seconds"], r["tensors"]
            print(f"{r['notebook']:<40} {s[0]:>9.1f} {s[1]:>9.1f} {t[0]:>10} {t[1]:>10}  ok")
    print(f"notebooks: {len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
