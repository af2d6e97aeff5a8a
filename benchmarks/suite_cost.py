"""What each module costs the test suite: the seconds of every test (setup, call and teardown) grouped by the
module it is about, and what the rest of the suite costs whatever the number of modules.

    .venv/bin/python benchmarks/suite_cost.py                  # runs the whole suite (about 15 minutes)
    .venv/bin/python benchmarks/suite_cost.py report.xml       # reads a JUnit report pytest already wrote

A test is "about" a module when the module's folder name (source/NN-slug) is in its id. A fixture shared by
several tests is counted with the first test that uses it. The figures are test seconds summed over both
workers, not the wall-clock time; `python3 course.py test` prints that.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules() -> list[str]:
    return sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def run_suite(report: Path) -> None:
    command = [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider",
               f"--junitxml={report}"]
    print("running:", " ".join(command[2:]), flush=True)
    subprocess.run(command, cwd=ROOT, check=False)


def costs(report: Path) -> tuple[dict[str, float], float, int]:
    per_module: dict[str, float] = defaultdict(float)
    rest, count = 0.0, 0
    names = modules()
    for case in ET.parse(report).getroot().iter("testcase"):
        seconds = float(case.get("time") or 0)
        count += 1
        test_id = f"{case.get('classname')}::{case.get('name')}"
        about = [m for m in names if m in test_id]
        if about:
            for module in about:
                per_module[module] += seconds / len(about)
        else:
            rest += seconds
    return dict(per_module), rest, count


def main(argv: list[str]) -> None:
    if argv:
        report = Path(argv[0])
    else:
        report = Path(tempfile.mkdtemp()) / "suite.xml"
        run_suite(report)
    per_module, rest, count = costs(report)
    print(f"\n{count} tests in {report}")
    rest_label = "course-wide (any number of modules)"
    width = max([len(rest_label), *map(len, per_module)])
    for module, seconds in sorted(per_module.items()):
        print(f"  {module:{width}} {seconds:7.1f} s")
    each = statistics.mean(per_module.values()) if per_module else 0.0
    print(f"  {rest_label:{width}} {rest:7.1f} s")
    print(f"\none module costs {each:.1f} test seconds on average; {len(per_module)} modules cost "
          f"{sum(per_module.values()):.1f} s and the rest {rest:.1f} s. These are test seconds shared by two "
          "workers; a worker waiting for another absorbs part of a new module's time, so the wall-clock "
          "cost is what `python3 course.py test` prints before and after.")


if __name__ == "__main__":
    main(sys.argv[1:])
