#!/usr/bin/env python3
"""Set up the course and open it, or set it up and test it.

    python3 course.py start       set everything up, open JupyterLab on Start Here
    python3 course.py test        set everything up, run every test
    python3 course.py authoring on|off
                                  show or hide nbgrader's "Create Assignment" panel (trainers who author)
    python3 course.py setup       set everything up and stop

Needs only Python >= 3.11. Everything is installed into .venv/ inside the project; the course's
gradebook (gradebook.db), exchange (.exchange/) and learner folder (my-work/) live here too, so the
project folder is a complete, self-contained course. This file uses only the standard library.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".setup-stamp"
START_NOTEBOOK = "notebooks/00-start-here.ipynb"

# Lab plugins switched off for everyone: the news pop-up. The authoring panel is off until a trainer
# turns it on (nbgrader issue #1645: it confuses learners and can corrupt their notebooks' metadata).
NEWS_PLUGIN = "@jupyterlab/apputils-extension:announcements"
AUTHORING_PLUGIN = "@jupyter/nbgrader:create-assignment"


def say(message: str) -> None:
    print(f"[course] {message}", flush=True)


def venv_env() -> dict[str, str]:
    """The environment every course command runs in: the venv's bin/ first on PATH.

    nbgrader shells out to `alembic` when it creates a gradebook, so bin/ must be on PATH.
    """
    env = dict(os.environ)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = str(VENV)
    env.pop("PYTHONHOME", None)
    # Keep Jupyter's per-user state out of the way of the course's own settings.
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    return env


def run(cmd: list[str], *, cwd: Path = ROOT, check: bool = True, quiet: bool = False) -> int:
    """Run a set-up step; a quiet step shows its output only if it fails."""
    result = subprocess.run(cmd, cwd=cwd, env=venv_env(), capture_output=quiet, text=True)
    if check and result.returncode != 0:
        if quiet:
            print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        sys.exit(f"[course] failed ({result.returncode}): {' '.join(cmd)}")
    return result.returncode


def requirements_fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for name in ("pyproject.toml",):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create .venv and install the pinned packages, unless that is already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under whatever python3 the person has
        sys.exit("[course] Python 3.11 or newer is needed; this is " + sys.version.split()[0])
    python = BIN / "python"
    if not python.exists():
        say("creating the virtual environment in .venv/")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    fingerprint = requirements_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    say("installing the pinned packages (a few minutes the first time)")
    run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], quiet=True)
    run([str(python), "-m", "pip", "install", "--quiet", "-e", ".[test]"], quiet=True)
    configure_lab()
    STAMP.write_text(fingerprint)


def configure_lab() -> None:
    """Hide the news pop-up and, by default, nbgrader's authoring panel.

    nbgrader's and ipywidgets' extensions enable themselves when installed; tests/test_environment.py checks.
    """
    jupyter = str(BIN / "jupyter")
    for plugin in (NEWS_PLUGIN, AUTHORING_PLUGIN):
        run([jupyter, "labextension", "disable", "--level=sys_prefix", plugin], quiet=True)
        # Locked, so a learner cannot switch it back on from JupyterLab's plugin manager.
        run([jupyter, "labextension", "lock", "--level=sys_prefix", plugin], quiet=True)


def set_authoring(on: bool) -> None:
    ensure_venv()
    jupyter = str(BIN / "jupyter")
    for step in ("unlock", "enable") if on else ("disable", "lock"):
        run([jupyter, "labextension", step, "--level=sys_prefix", AUTHORING_PLUGIN], quiet=True)
    say(f"nbgrader's Create Assignment panel is now {'on' if on else 'off'}; restart JupyterLab to see it.")


LEARNER_FOLDER_CONFIG = """\
# Written by course.py: the learner's folder uses the course's own settings (../nbgrader_config.py).
load_subconfig("../nbgrader_config.py")  # noqa: F821 - provided by traitlets
"""


def source_modules(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in (root / "source").iterdir() if p.is_dir() and not p.name.startswith("."))


def same_files(a: Path, b: Path) -> bool:
    """Whether two folders hold the same files with the same contents."""
    def listing(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    return a.is_dir() and b.is_dir() and listing(a) == listing(b)


def ensure_course(root: Path = ROOT) -> None:
    """Make the course usable on this machine: exchange, learner folder, gradebook, released modules.

    The gradebook learns each module's hidden tests and rubrics from source/ (generate_assignment into a
    scratch folder, so the committed release/ is never touched); each module is then released into the
    local exchange, where the Assignments panel finds it.
    """
    (root / ".exchange").mkdir(exist_ok=True)
    (root / ".exchange").chmod(0o777)  # nbgrader wants an exchange everyone can write to, and says so otherwise
    (root / "my-work").mkdir(exist_ok=True)
    # The Assignments panel reads its config again from inside the learner's folder; point it at the course's.
    (root / "my-work" / "nbgrader_config.py").write_text(LEARNER_FOLDER_CONFIG)
    nbgrader = str(BIN / "nbgrader")
    scratch = root / ".venv" / "course-scratch"
    exchange_course = root / ".exchange" / "cod-iop" / "outbound"
    for module in source_modules(root):
        if (root / "gradebook.db").exists() and same_files(root / "release" / module, exchange_course / module):
            continue  # already released, and release/ has not changed since
        say(f"adding {module} to the gradebook and the exchange")
        shutil.rmtree(scratch, ignore_errors=True)
        run([nbgrader, "generate_assignment", module, "--force", "--log-level=WARN",
             f"--CourseDirectory.release_directory={scratch}"], cwd=root)
        run([nbgrader, "release_assignment", module, "--force", "--log-level=WARN"], cwd=root)
    shutil.rmtree(scratch, ignore_errors=True)


def ensure_axe() -> None:
    """axe-core (accessibility checks in the browser tests) comes from npm when npm is here."""
    if (ROOT / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    npm = shutil.which("npm")
    if not npm:
        say("npm not found: the accessibility checks will be skipped (install Node.js and npm to run them)")
        return
    say("installing axe-core from npm for the accessibility checks")
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=False)


def lab_command(root: Path = ROOT, extra: list[str] | None = None) -> list[str]:
    """JupyterLab on the course in `root`, opening Start Here (the browser tests start it the same way)."""
    # JupyterLab refuses to run as root (a container, a fresh VM) unless told that it is meant.
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [str(BIN / "jupyter"), "lab", f"--ServerApp.root_dir={root}", START_NOTEBOOK, *as_root, *(extra or [])]


def start(extra: list[str]) -> None:
    ensure_venv()
    ensure_course()
    say("opening JupyterLab on Start Here (press Ctrl+C twice here to stop it)")
    cmd = lab_command(ROOT, extra)
    os.chdir(ROOT)
    os.execve(cmd[0], cmd, venv_env())


def test(extra: list[str]) -> None:
    ensure_venv()
    ensure_axe()
    # Two workers; tests that share one JupyterLab server stay together (xdist_group).
    workers = [] if any(a.startswith("-n") for a in extra) else ["-n", "2", "--dist", "loadgroup"]
    cmd = [str(BIN / "python"), "-m", "pytest", *workers, *extra]
    say("running every test: " + " ".join(cmd[2:]))
    os.chdir(ROOT)
    os.execve(cmd[0], cmd, venv_env())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="install everything and prepare the course")
    sub.add_parser("start", help="set up, then open JupyterLab on Start Here (other arguments go to jupyter lab)")
    sub.add_parser("test", help="set up, then run every test (other arguments go to pytest)")
    auth_p = sub.add_parser("authoring", help="show or hide nbgrader's Create Assignment panel")
    auth_p.add_argument("state", choices=["on", "off"])
    # Everything after `start` or `test` that course.py does not know goes on to jupyter lab or pytest.
    args, passed_on = parser.parse_known_args(argv)
    if passed_on and args.command not in ("start", "test"):
        parser.error(f"unrecognized arguments: {' '.join(passed_on)}")
    extra = passed_on

    if args.command == "setup":
        ensure_venv()
        ensure_course()
        say("ready")
    elif args.command == "start":
        start(extra)
    elif args.command == "test":
        test(extra)
    elif args.command == "authoring":
        set_authoring(args.state == "on")


if __name__ == "__main__":
    main()
