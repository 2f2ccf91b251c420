"""Run notebooks top to bottom in a Jupyter kernel, as Run All in JupyterLab does.

`nbdev_test` executes cells without a kernel (execnb); this runs each notebook with nbclient in the project's
`python3` kernel, in the notebook's folder, so that what only a kernel does (IPython display, widgets, `in_notebook()`)
is exercised. Cells flagged with a skipped flag (`#| slow`, `#| cuda`, `#| browser` by default) are left out, as
`nbdev_test` leaves them out; every other cell runs, `#| eval: false` ones included (Run All runs them too).
With `--save` the outputs of the cells that ran are written back into the notebooks, without stderr and progress
bars (run `nbdev_clean` after).

    python tools/run_notebooks.py [NOTEBOOK ...] [--skip slow cuda browser] [--workers 2] [--timeout 1800] [--save]
"""
import argparse, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NBS = Path(__file__).resolve().parents[1]/"nbs"


def cell_flags(source: str) -> set:
    "The directives of a cell's leading `#|` lines: `#| slow` -> {'slow'}, `#| eval: false` -> {'eval: false'}"
    flags = set()
    for line in source.splitlines():
        if not line.startswith("#|"): break
        flags.add(line[2:].strip())
    return flags


WIDGET = "application/vnd.jupyter.widget-view+json"

def saved_outputs(outputs: list) -> list:
    """The outputs worth keeping in the docs: no stderr (warnings, progress lines), no displayed widgets (progress
    bars); a widget that is a cell's result keeps its text"""
    kept = [o for o in outputs if not (o.output_type == "stream" and o.name == "stderr")
            and not (o.output_type == "display_data" and WIDGET in o.get("data", {}))]
    for o in kept: o.get("data", {}).pop(WIDGET, None)
    return kept


def run_notebook(path: Path, skip: set, timeout: int, save: bool) -> tuple:
    "(path, seconds, None or the error) of executing `path` in a kernel without its `skip`-flagged cells"
    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    ran = [c for c in nb.cells if not (c.cell_type == "code" and cell_flags(c.source) & skip)]
    work = nbformat.v4.new_notebook(cells=ran, metadata=nb.metadata)
    client = NotebookClient(work, timeout=timeout, kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
                            resources={"metadata": {"path": str(path.parent)}})
    try: client.execute()
    except CellExecutionError as e: return path, time.perf_counter() - start, str(e)
    except Exception as e: return path, time.perf_counter() - start, f"{type(e).__name__}: {e}"
    if save:  # the cells that ran are the notebook's own objects: their outputs are set
        for cell in ran:
            if cell.cell_type == "code": cell.outputs = saved_outputs(cell.outputs)
        nb.metadata.pop("widgets", None)  # the state of the progress bars' widgets
        nbformat.write(nb, path)
    return path, time.perf_counter() - start, None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: the numbered ones in nbs/)")
    p.add_argument("--skip", nargs="*", default=["slow", "cuda", "browser"], help="flags whose cells are left out")
    p.add_argument("--workers", type=int, default=2, help="notebooks run at the same time, each in its own kernel")
    p.add_argument("--timeout", type=int, default=1800, help="seconds one cell may take")
    p.add_argument("--save", action="store_true", help="write the outputs back into the notebooks")
    args = p.parse_args()
    paths = [n.resolve() for n in args.notebooks] or sorted(NBS.glob("[0-9]*.ipynb"))
    failed = []
    with ProcessPoolExecutor(args.workers) as pool:
        jobs = [pool.submit(run_notebook, path, set(args.skip), args.timeout, args.save) for path in paths]
        for job in jobs:
            path, seconds, error = job.result()
            print(f"{'FAILED' if error else 'ok':6} {path.name} ({seconds:.0f} s)", flush=True)
            if error: failed.append(path.name); print(error[-3000:], flush=True)
    summary = f"run_notebooks: {len(paths) - len(failed)} passed, {len(failed)} failed"
    print(summary + (f": {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
