"""Speed figures for the course (a benchmark, not a test: it prints, it does not pass or fail).

    .venv/bin/python benchmarks/run.py [--repeat N] [NOTEBOOK ...]

For every notebook in notebooks/ and source/ (or those named): the Run-All time in a fresh kernel beside
its floor - a fresh kernel that runs only the notebook's own import lines - and their ratio (target: 1.5x or
less). Then the time of one vignette step in the model (Playthrough.choose) and in the player (a button click,
re-rendering the view) (target: under 20 ms). Each figure is the median of --repeat runs; a notebook's
runs alternate with its floor's, and its ratio is the median of the paired ratios.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def import_lines(nb) -> str:
    """The notebook's import statements, in order: what a kernel must do before any of its own work."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(lines)


def run_all_seconds(nb, path: Path) -> float:
    nb = nbformat.from_dict(nb)
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def notebook_figures(path: Path, repeat: int) -> tuple[float, float, float]:
    """Median Run-All time, median floor time, and the median of their ratios.

    Runs alternate (notebook, floor, notebook, floor, ...) so that a machine growing busier or quieter
    during the benchmark weighs on both sides of each ratio alike.
    """
    nb = nbformat.read(path, as_version=4)
    floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(import_lines(nb))],
                                        metadata=nb.metadata)
    pairs = [(run_all_seconds(nb, path), run_all_seconds(floor_nb, path)) for _ in range(repeat)]
    return (statistics.median(full for full, _ in pairs), statistics.median(floor for _, floor in pairs),
            statistics.median(full / floor for full, floor in pairs))


def vignette_step_ms(samples: int = 200) -> tuple[float, float]:
    from widgets.vignette import Playthrough, load, vignette_files
    from widgets.vignette.player import VignettePlayer

    vignette = max((load(p) for p in vignette_files()), key=lambda v: len(v.nodes))
    model_times, player_times = [], []
    session, player = Playthrough(vignette), VignettePlayer(vignette)
    for _ in range(samples):
        if session.finished:
            session.restart()
        start = time.perf_counter()
        session.choose(0)
        model_times.append(time.perf_counter() - start)
        if player.session.finished:
            player.restart()
        start = time.perf_counter()
        player.choices.press(0)
        player_times.append(time.perf_counter() - start)
    return statistics.median(model_times) * 1000, statistics.median(player_times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "source").glob("*/*.ipynb"))

    names = [str(path.resolve().relative_to(ROOT)) for path in paths]
    width = max(len("notebook"), *map(len, names))
    print(f"{'notebook':<{width}} {'run-all s':>9} {'floor s':>8} {'ratio':>6}  target 1.5x")
    worst = 0.0
    for path, name in zip(paths, names, strict=True):
        full, floor, ratio = notebook_figures(path, args.repeat)
        worst = max(worst, ratio)
        flag = "ok" if ratio <= 1.5 else "OVER"
        print(f"{name:<{width}} {full:9.2f} {floor:8.2f} {ratio:6.2f}  {flag}", flush=True)
    model_ms, player_ms = vignette_step_ms()
    print(f"\nvignette step, model  (Playthrough.choose): {model_ms:7.3f} ms  target < 20 ms")
    print(f"vignette step, player (button click):   {player_ms:7.3f} ms  target < 20 ms")
    print(f"\nworst notebook ratio: {worst:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
