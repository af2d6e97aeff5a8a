"""How fast the cohort is graded: nbgrader's own serial autograde against the course's grader (a benchmark, not a
test: it prints figures; it fails only when the scores differ).

    .venv/bin/python benchmarks/grading_speed.py [--learners 24] [--modules N] [--workers N]

A simulated cohort (each learner answers each question right or wrong by a fixed pattern, the same every run)
submits every released module. The same submissions are graded three times, each on its own copy of the course:

1. stock: `nbgrader autograde MODULE`, one module after another, with nbgrader's own Execute (no sandbox),
   exactly as nbgrader grades out of the box;
2. course: `python -m widgets.trainer grade --no-feedback` (sandbox on, default workers: one per core);
3. course without the sandbox: the same with `--no-sandbox` (same workers), to show what the sandbox costs.

It checks that all three give every learner the same score on every graded cell, then prints the three times,
the speed-up of the course's grader over stock nbgrader (target: at least 1.8x on a 2-core machine) and the
sandbox's own cost (target: under 10 %).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from widgets.questions import answered, questions  # noqa: E402
from widgets.trainer.demo import copy_course  # noqa: E402
from widgets.trainer.nbgrader_course import Course, ensure_tools_on_path  # noqa: E402
from widgets.trainer.sandbox import cores, sandbox_problem  # noqa: E402


def stock_config() -> str:
    """The benchmark's stock copy: nbgrader's own autograde steps (its defaults: its own Execute, no sandbox)."""
    from nbgrader.converters.autograde import Autograde

    steps = [f"{step.__module__}.{step.__name__}" for step in Autograde.class_traits()["autograde_preprocessors"].default()]
    return f"\nc.Autograde.autograde_preprocessors = {steps!r}\n"


def build(folder: Path, learners: int, modules: int | None) -> tuple[Path, list[str]]:
    """A generated course with every learner's submission of every module where `collect` puts it."""
    course_root = folder / "base"
    copy_course(ROOT, course_root)
    course = Course.open(course_root)
    api = course.api()
    chosen = course.module_ids()[:modules] if modules else course.module_ids()
    for module in chosen:
        result = api.generate_assignment(module, force=True, create=True)
        if not result["success"]:
            raise SystemExit(f"generate_assignment {module} failed: {result['error']}")
    for module in chosen:
        release = nbformat.read(course_root / "release" / module / f"{module}.ipynb", as_version=4)
        graded = [q for q in questions(nbformat.read(course_root / "source" / module / f"{module}.ipynb",
                                                     as_version=4)) if not q.manual]
        for n in range(learners):
            # Learner n gets question k wrong when (n + k) % 4 == 0: a spread of scores, the same every run.
            nb = answered(release, {q.grade_id: q.wrong_answer() if (n + k) % 4 == 0 else q.correct_answer()
                                    for k, q in enumerate(graded)})
            target = course_root / "submitted" / f"learner-{n + 1:03d}" / module
            target.mkdir(parents=True)
            nbformat.write(nb, target / f"{module}.ipynb")
            (target / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return course_root, chosen


def scores(course_root: Path) -> dict[tuple[str, str, str], float]:
    course = Course.open(course_root)
    found = {}
    with course.gradebook() as gb:
        for module in course.module_ids():
            try:
                assignment = gb.find_assignment(module)
            except Exception:  # noqa: BLE001 - a module left out of this run
                continue
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        found[(module, submission.student.id, grade.name)] = grade.auto_score
    return found


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=24)
    parser.add_argument("--modules", type=int, default=None, help="only the first N modules (default: all)")
    parser.add_argument("--workers", type=int, default=None, help=f"course grader workers (default {cores()})")
    args = parser.parse_args()
    if sandbox_problem():
        raise SystemExit(f"the sandbox cannot start here: {sandbox_problem()}")
    ensure_tools_on_path()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="grading-speed-") as tmp:
        folder = Path(tmp)
        base, modules = build(folder, args.learners, args.modules)
        copies = {name: folder / name for name in ("stock", "course", "unsandboxed")}
        for target in copies.values():
            shutil.copytree(base, target)
        with (copies["stock"] / "nbgrader_config.py").open("a") as config:
            config.write(stock_config())
        submissions = args.learners * len(modules)
        print(f"{args.learners} learners x {len(modules)} modules = {submissions} submissions; "
              f"{cores()} cores; course grader workers: {args.workers or cores()}", flush=True)
        workers = ["--workers", str(args.workers)] if args.workers else []
        grade = [sys.executable, "-m", "widgets.trainer", "grade", "--no-feedback", "--hold-feedback"]
        seconds = {}
        seconds["stock"] = sum(timed([str(bin_dir / "nbgrader"), "autograde", module, "--log-level=ERROR"],
                                     copies["stock"]) for module in modules)
        print(f"  stock nbgrader autograde, serial:        {seconds['stock']:8.1f} s", flush=True)
        seconds["course"] = timed([*grade, *workers], copies["course"])
        print(f"  course grader, sandbox on:               {seconds['course']:8.1f} s", flush=True)
        seconds["unsandboxed"] = timed([*grade, *workers, "--no-sandbox"], copies["unsandboxed"])
        print(f"  course grader, no sandbox:               {seconds['unsandboxed']:8.1f} s", flush=True)
        found = {name: scores(path) for name, path in copies.items()}
        expected_cells = sum(1 for key in found["stock"])
        same = found["stock"] == found["course"] == found["unsandboxed"]
        print(f"scores identical on all {expected_cells} graded cells: {'yes' if same else 'NO'}")
        print(f"per submission: stock {seconds['stock'] / submissions:.2f} s, course "
              f"{seconds['course'] / submissions:.2f} s")
        print(f"speed-up over stock nbgrader: {seconds['stock'] / seconds['course']:.2f}x (target: at least 1.8x)")
        cost = seconds["course"] / seconds["unsandboxed"] - 1
        print(f"sandbox cost: {cost * 100:+.1f} % (target: under 10 %)")
        if not same:
            differing = sorted(k for k in set(found["stock"]) | set(found["course"])
                               if found["stock"].get(k) != found["course"].get(k))[:10]
            print("first differences (module, learner, cell):", differing)
            return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
