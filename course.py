#!/usr/bin/env python3
"""Set up the course and open it, or set it up and test it.

    python3 course.py start       set everything up, open the learner's view of the course on Start Here
    python3 course.py test        set everything up, run every test
    python3 course.py test --quick  the quick loop: models, content, views, configuration (no kernel or browser)
    python3 course.py trainer     set everything up, open the trainer's view (the whole course, Formgrader)
    python3 course.py authoring on|off
                                  show or hide nbgrader's "Create Assignment" panel (trainers who author)
    python3 course.py setup       set everything up and stop

Needs only Python >= 3.11. Everything is installed into .venv/ inside the project; the course's
gradebook (gradebook.db), exchange (.exchange/) and learner folder (my-work/) live here too, so the
project folder is a complete, self-contained course. This file uses only the standard library.

The learner's view is JupyterLab on the learner's own folder, my-work/: Start Here, the tools gallery and
the modules they fetch, with nbgrader's Assignments panel and the course's Validate button, but without
the trainer's files (source/, the gradebook), the Formgrader, the course list, the authoring panel or a
terminal. It tidies the screen; it is not a security boundary (on one machine the learner's account can read the
course folder; on a JupyterHub each learner has their own account). The trainer's view is JupyterLab
on the whole project folder, with the Formgrader.
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
TRAINER_GUIDE = "notebooks/trainer-guide.ipynb"
LEARNER_FOLDER = "my-work"
# Ungraded notebooks: a learner gets their own copy of each in their folder; the trainer's stay in notebooks/.
LEARNER_NOTEBOOKS = ("00-start-here.ipynb", "tools-gallery.ipynb")
TRAINER_NOTEBOOKS = ("trainer-guide.ipynb",)
GIVEN_NOTEBOOKS_RECORD = ".course-notebooks.json"  # in the learner's folder: which version each copy was

# Lab plugins switched off for everyone: the news pop-up. The authoring panel is off until a trainer
# turns it on (nbgrader issue #1645: it confuses learners and can corrupt their notebooks' metadata).
NEWS_PLUGIN = "@jupyterlab/apputils-extension:announcements"
AUTHORING_PLUGIN = "@jupyter/nbgrader:create-assignment"
# nbgrader's trainer side, off in the learner's view: its server extensions and their lab plugins.
TRAINER_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",
                             "nbgrader.server_extensions.course_list")
TRAINER_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list", AUTHORING_PLUGIN)
# A Jupyter config folder only the learner's view reads (JUPYTER_CONFIG_PATH): it switches those plugins off.
LEARNER_VIEW_CONFIG = VENV / "learner-view"
# nbgrader's Validate says "Success!" even on wrong answers: the learner's view has the course's own instead.
NBGRADER_VALIDATE_PLUGIN = "@jupyter/nbgrader:validate-assignment"
# The course's own JupyterLab extension (source in labextension/, committed build in widgets/labextension/):
# written answers, keys inside the tools, Validate, Submit and feedback. Its server side answers under
# course-api/ in both views.
LAB_EXTENSION = ROOT / "widgets" / "labextension"
LAB_EXTENSION_NAME = "@cod-iop/course-lab"
COURSE_SERVER_EXTENSION = "widgets.learner_server"
# Command-mode keys that add, delete, cut, paste, merge, move or change the type of cells: off in the
# learner's view, where a sentence typed outside an editor would otherwise wreck the notebook. Shift+Enter,
# Ctrl+Enter and Ctrl+S stay.
LEARNER_BLOCKED_COMMANDS = frozenset({
    "notebook:insert-cell-above", "notebook:insert-cell-below", "notebook:insert-heading-above",
    "notebook:insert-heading-below", "notebook:delete-cell", "notebook:cut-cell", "notebook:paste-cell-below",
    "notebook:merge-cells", "notebook:merge-cell-above", "notebook:merge-cell-below",
    "notebook:change-cell-to-code", "notebook:change-cell-to-markdown", "notebook:change-cell-to-raw",
    *(f"notebook:change-cell-to-heading-{n}" for n in range(1, 7)), "notebook:undo-cell-action",
    "notebook:redo-cell-action", "notebook:run-cell-and-insert-below", "notebook:split-cell-at-cursor",
    "notebook:move-cell-up", "notebook:move-cell-down",
})
NOTEBOOK_SHORTCUTS_SCHEMA = Path("share", "jupyter", "lab", "schemas", "@jupyterlab", "notebook-extension",
                                 "tracker.json")
SHORTCUTS_PLUGIN = "@jupyterlab/shortcuts-extension:shortcuts"
VIEWS = ("learner", "trainer")


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
    if not (STAMP.exists() and STAMP.read_text() == fingerprint):
        say("installing the pinned packages (a few minutes the first time)")
        run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], quiet=True)
        run([str(python), "-m", "pip", "install", "--quiet", "-e", ".[test]"], quiet=True)
        configure_lab()
        STAMP.write_text(fingerprint)
    # Every time, not only after installing: an existing .venv gets the course's extension and its updates.
    install_course_lab(VENV / "share" / "jupyter", VENV / "etc" / "jupyter")


def install_course_lab(data_dir: Path, config_dir: Path, source: Path = LAB_EXTENSION) -> None:
    """Install the course's lab extension (a copy of its committed build) and switch its server side on.

    `data_dir` and `config_dir` are a Jupyter data and config folder (the .venv's, or a test server's own).
    Nothing is written when both are already current.
    """
    target = data_dir / "labextensions" / LAB_EXTENSION_NAME
    if not same_files(source, target):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
    server_config = config_dir / "jupyter_server_config.d" / "cod-iop-course.json"
    wanted = json.dumps({"ServerApp": {"jpserver_extensions": {COURSE_SERVER_EXTENSION: True}}}, indent=1) + "\n"
    if not server_config.exists() or server_config.read_text() != wanted:
        server_config.parent.mkdir(parents=True, exist_ok=True)
        server_config.write_text(wanted)


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
# Leave this file here: the Assignments panel reads it to find the course's modules.
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
    (root / LEARNER_FOLDER).mkdir(exist_ok=True)
    # The Assignments panel reads its config from the lab's root and again from inside the learner's folder
    # (the same folder in the learner's view); point it at the course's.
    (root / LEARNER_FOLDER / "nbgrader_config.py").write_text(LEARNER_FOLDER_CONFIG)
    give_learner_notebooks(root)
    scratch = root / ".venv" / "course-scratch"
    exchange_course = root / ".exchange" / "cod-iop" / "outbound"
    # Modules already released whose release/ has not changed since are left as they are.
    modules = [m for m in source_modules(root) if not ((root / "gradebook.db").exists()
                                                      and same_files(root / "release" / m, exchange_course / m))]
    if modules:
        # One process for every module: nbgrader starts once, however many modules the course has.
        shutil.rmtree(scratch, ignore_errors=True)
        run([str(BIN / "python"), "-m", "widgets.trainer", "release", *modules, "--course", str(root),
             "--scratch", str(scratch)], cwd=root, quiet=True)
        say(f"added {len(modules)} module(s) to the gradebook and the exchange")
    shutil.rmtree(scratch, ignore_errors=True)


def cell_sources_digest(path: Path) -> str | None:
    """A fingerprint of a notebook's cell sources (not its outputs), or None if it cannot be read."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return hashlib.sha256(json.dumps(sources).encode()).hexdigest()


def give_learner_notebooks(root: Path = ROOT) -> None:
    """Put the learner's own copy of Start Here and the tools gallery in their folder, and keep it current.

    A copy is replaced by the course's newer version only if the learner has not changed any of its cells
    (running cells and saving their outputs is no change); a copy the learner deleted comes back.
    """
    folder = root / LEARNER_FOLDER
    record = folder / GIVEN_NOTEBOOKS_RECORD
    try:
        given = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        given = {}
    for name in LEARNER_NOTEBOOKS:
        course_copy, own_copy = root / "notebooks" / name, folder / name
        if not course_copy.exists():
            continue
        current = cell_sources_digest(course_copy)
        if own_copy.exists():
            own = cell_sources_digest(own_copy)
            if own == current:  # already the course's version (outputs aside)
                given[name] = current
                continue
            if own != given.get(name):  # the learner changed a cell: their copy stays
                continue
        shutil.copyfile(course_copy, own_copy)
        given[name] = current
    record.write_text(json.dumps(given, indent=1, sort_keys=True) + "\n")


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


def lab_command(root: Path = ROOT, extra: list[str] | None = None, view: str = "trainer") -> list[str]:
    """JupyterLab on the course in `root`, in the trainer's or the learner's view (see the top of this file).

    The trainer's view serves the whole course folder and opens the trainer guide; the learner's serves
    their folder, opens their Start Here, and leaves out nbgrader's trainer extensions and the terminal.
    Run it with lab_env(view). The browser tests start JupyterLab the same way.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    # JupyterLab refuses to run as root (a container, a fresh VM) unless told that it is meant.
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    jupyter = str(BIN / "jupyter")
    # Notebooks are saved without tools that need the day's kernel, and open unmodified (widgets/saving.py).
    extra = ["--ServerApp.contents_manager_class=widgets.saving.CourseContentsManager", *(extra or [])]
    if view == "trainer":
        return [jupyter, "lab", f"--ServerApp.root_dir={root}", TRAINER_GUIDE, *as_root, *(extra or [])]
    trainer_side_off = [f"--ServerApp.jpserver_extensions={name}=False" for name in TRAINER_SERVER_EXTENSIONS]
    return [jupyter, "lab", f"--ServerApp.root_dir={root / LEARNER_FOLDER}", Path(START_NOTEBOOK).name,
            *trainer_side_off, "--ServerApp.terminals_enabled=False",
            f"--LabApp.app_settings_dir={LEARNER_VIEW_CONFIG / 'lab-settings'}", *as_root, *(extra or [])]


def learner_view_page_config() -> dict:
    """JupyterLab page config for the learner's view: the trainer's plugins off, and locked off."""
    off = dict.fromkeys((*TRAINER_PLUGINS, NBGRADER_VALIDATE_PLUGIN), True)
    return {"disabledExtensions": off, "lockedExtensions": off}


def learner_view_shortcut_overrides(venv: Path = VENV) -> dict:
    """JupyterLab settings overrides for the learner's view: the LEARNER_BLOCKED_COMMANDS keys switched off.

    Read from JupyterLab's own list of notebook shortcuts, so the keys and selectors are exactly the ones
    the installed JupyterLab binds.
    """
    try:
        shortcuts = json.loads((venv / NOTEBOOK_SHORTCUTS_SCHEMA).read_text(encoding="utf-8"))["jupyter.lab.shortcuts"]
    except (OSError, ValueError, KeyError):
        shortcuts = []
    off = [{"command": s["command"], "keys": s["keys"], "selector": s["selector"], "disabled": True}
           for s in shortcuts if s.get("command") in LEARNER_BLOCKED_COMMANDS and any(s.get("keys", []))]
    return {SHORTCUTS_PLUGIN: {"shortcuts": off}}


def lab_env(view: str = "trainer", env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment JupyterLab runs in for a view (course.py's own, or `env`, with the view's config)."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    env = dict(env if env is not None else venv_env())
    if view == "learner":
        page_config = LEARNER_VIEW_CONFIG / "labconfig" / "page_config.json"
        page_config.parent.mkdir(parents=True, exist_ok=True)
        page_config.write_text(json.dumps(learner_view_page_config(), indent=1, sort_keys=True) + "\n")
        overrides = LEARNER_VIEW_CONFIG / "lab-settings" / "overrides.json"
        overrides.parent.mkdir(parents=True, exist_ok=True)
        overrides.write_text(json.dumps(learner_view_shortcut_overrides(), indent=1) + "\n")
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
            p for p in (str(LEARNER_VIEW_CONFIG), env.get("JUPYTER_CONFIG_PATH", "")) if p)
    return env


def open_lab(view: str, extra: list[str]) -> None:
    cmd = lab_command(ROOT, extra, view=view)
    env = lab_env(view)
    os.chdir(ROOT / LEARNER_FOLDER if view == "learner" else ROOT)
    os.execve(cmd[0], cmd, env)


def start(extra: list[str]) -> None:
    ensure_venv()
    ensure_course()
    say("opening the course in JupyterLab on Start Here, in your folder my-work/ "
        "(press Ctrl+C twice here to stop it)")
    open_lab("learner", extra)


def trainer(extra: list[str]) -> None:
    ensure_venv()
    ensure_course()
    if shutil.which("bwrap") is None:
        say("note: grading runs learners' code in a sandbox that needs bubblewrap, which is not installed "
            "(Debian or Ubuntu: sudo apt-get install bubblewrap); until then `grade` stops and says so")
    say("opening the trainer's view: the whole course folder, with Nbgrader > Formgrader "
        "(press Ctrl+C twice here to stop it)")
    open_lab("trainer", extra)


def test(extra: list[str]) -> None:
    """Every test; with --quick, only models, content, views and configuration (no kernel, nbgrader grading,
    server or browser: about half a minute). tests/conftest.py defines --quick and keeps it honest."""
    ensure_venv()
    quick = "--quick" in extra
    if not quick:
        ensure_axe()
    # Two workers; tests that share one JupyterLab server stay together (xdist_group).
    workers = [] if any(a.startswith("-n") for a in extra) else ["-n", "2", "--dist", "loadgroup"]
    cmd = [str(BIN / "python"), "-m", "pytest", *workers, *extra]
    say(("running the quick tests: " if quick else "running every test: ") + " ".join(cmd[2:]))
    os.chdir(ROOT)
    os.execve(cmd[0], cmd, venv_env())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="install everything and prepare the course")
    sub.add_parser("start", help="set up, then open the learner's view on Start Here (other arguments go to "
                                 "jupyter lab)")
    sub.add_parser("test", help="set up, then run every test; --quick runs only the quick ones (other arguments "
                               "go to pytest)")
    sub.add_parser("trainer", help="set up, then open the trainer's view, with the Formgrader (other arguments "
                                   "go to jupyter lab)")
    auth_p = sub.add_parser("authoring", help="show or hide nbgrader's Create Assignment panel")
    auth_p.add_argument("state", choices=["on", "off"])
    # Whatever course.py does not know after `start`, `trainer` or `test` goes on to jupyter lab or pytest.
    args, passed_on = parser.parse_known_args(argv)
    if passed_on and args.command not in ("start", "trainer", "test"):
        parser.error(f"unrecognized arguments: {' '.join(passed_on)}")
    extra = passed_on

    if args.command == "setup":
        ensure_venv()
        ensure_course()
        say("ready")
    elif args.command == "start":
        start(extra)
    elif args.command == "trainer":
        trainer(extra)
    elif args.command == "test":
        test(extra)
    elif args.command == "authoring":
        set_authoring(args.state == "on")


if __name__ == "__main__":
    main()
