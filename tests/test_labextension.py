"""The course's own JupyterLab extension: its committed build matches its source, course.py installs it (also
into a .venv that was set up before it existed) and switches its server side on, and the learner's view turns
off nbgrader's Validate and the command-mode keys that wreck a notebook."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "labextension"


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = load("course_script_for_labextension", ROOT / "course.py")
build = load("labextension_build", SOURCE / "build.py")


def test_the_committed_build_was_made_from_the_source_as_it_is_now():
    recorded = (course.LAB_EXTENSION / "source.sha256").read_text().strip()
    assert recorded == build.source_digest(), (
        "labextension/ changed since widgets/labextension/ was built: run `python3 labextension/build.py` "
        "and commit widgets/labextension/")


def test_the_source_digest_changes_when_a_source_file_changes(tmp_path):
    copy = tmp_path / "labextension"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("node_modules", "lib", "*.tsbuildinfo"))
    before = build.source_digest(copy)
    (copy / "src" / "index.ts").write_text((copy / "src" / "index.ts").read_text() + "\n// changed\n")
    assert build.source_digest(copy) != before


def test_the_committed_build_is_a_complete_prebuilt_extension_named_as_course_py_installs_it():
    built = json.loads((course.LAB_EXTENSION / "package.json").read_text())
    source = json.loads((SOURCE / "package.json").read_text())
    assert built["name"] == source["name"] == course.LAB_EXTENSION_NAME
    assert (course.LAB_EXTENSION / built["jupyterlab"]["_build"]["load"]).is_file()
    assert (SOURCE / "package-lock.json").is_file()


def test_node_modules_and_compiled_typescript_stay_out_of_git():
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "labextension/node_modules/x", "labextension/lib/index.js"],
                             cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ignored == ["labextension/node_modules/x", "labextension/lib/index.js"]
    tracked = subprocess.run(["git", "check-ignore", "widgets/labextension/package.json"], cwd=ROOT,
                             capture_output=True, text=True)
    assert tracked.returncode == 1, "the built extension must be committed"


def test_install_copies_the_build_and_switches_the_server_side_on_once(tmp_path):
    data, config = tmp_path / "data", tmp_path / "config"
    course.install_course_lab(data, config)
    installed = data / "labextensions" / course.LAB_EXTENSION_NAME
    assert course.same_files(course.LAB_EXTENSION, installed)
    server = json.loads((config / "jupyter_server_config.d" / "cod-iop-course.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {course.COURSE_SERVER_EXTENSION: True}
    assert importlib.util.find_spec(course.COURSE_SERVER_EXTENSION) is not None

    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    course.install_course_lab(data, config)  # nothing to do the second time
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == stamps


def test_install_replaces_an_older_build(tmp_path):
    old = tmp_path / "old-build"
    shutil.copytree(course.LAB_EXTENSION, old)
    (old / "static" / "stale.js").write_text("// an older build\n")
    data, config = tmp_path / "data", tmp_path / "config"
    course.install_course_lab(data, config, source=old)
    course.install_course_lab(data, config)
    installed = data / "labextensions" / course.LAB_EXTENSION_NAME
    assert not (installed / "static" / "stale.js").exists()
    assert course.same_files(course.LAB_EXTENSION, installed)


def test_setup_installs_the_extension_into_a_venv_that_was_set_up_before_it_existed(monkeypatch, tmp_path):
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    stamp = venv / ".setup-stamp"
    monkeypatch.setattr(course, "VENV", venv)
    monkeypatch.setattr(course, "BIN", venv / "bin")
    monkeypatch.setattr(course, "STAMP", stamp)
    stamp.write_text(course.requirements_fingerprint())  # the packages are already installed
    monkeypatch.setattr(course, "run", lambda *a, **k: pytest.fail(f"nothing should be reinstalled: {a}"))
    course.ensure_venv()
    assert (venv / "share" / "jupyter" / "labextensions" / course.LAB_EXTENSION_NAME / "package.json").is_file()
    assert (venv / "etc" / "jupyter" / "jupyter_server_config.d" / "cod-iop-course.json").is_file()


def test_the_learners_view_uses_the_courses_validate_instead_of_nbgraders():
    learner = course.learner_view_page_config()
    assert learner["disabledExtensions"][course.NBGRADER_VALIDATE_PLUGIN] is True
    assert learner["lockedExtensions"][course.NBGRADER_VALIDATE_PLUGIN] is True
    assert course.NBGRADER_VALIDATE_PLUGIN == "@jupyter/nbgrader:validate-assignment"


def notebook_shortcuts() -> list[dict]:
    schema = course.VENV / course.NOTEBOOK_SHORTCUTS_SCHEMA
    if not schema.exists():
        pytest.skip("JupyterLab is not installed in .venv yet")
    return json.loads(schema.read_text())["jupyter.lab.shortcuts"]


def test_the_learners_view_switches_off_the_keys_that_add_delete_or_change_cells():
    off = course.learner_view_shortcut_overrides()[course.SHORTCUTS_PLUGIN]["shortcuts"]
    assert all(entry["disabled"] for entry in off)
    keys_off = {(entry["command"], tuple(entry["keys"])) for entry in off}
    for command, keys in [("notebook:insert-cell-above", ("A",)), ("notebook:insert-cell-below", ("B",)),
                          ("notebook:delete-cell", ("D", "D")), ("notebook:cut-cell", ("X",)),
                          ("notebook:paste-cell-below", ("V",)), ("notebook:merge-cells", ("Shift M",)),
                          ("notebook:change-cell-to-markdown", ("M",)), ("notebook:change-cell-to-code", ("Y",)),
                          ("notebook:change-cell-to-raw", ("R",)), ("notebook:undo-cell-action", ("Z",))]:
        assert (command, keys) in keys_off, command
    # Each entry is one of JupyterLab's own bindings, selector and all (a mismatch would switch nothing off).
    bound = {(s["command"], tuple(s["keys"]), s["selector"]) for s in notebook_shortcuts()}
    assert {(e["command"], tuple(e["keys"]), e["selector"]) for e in off} <= bound
    # Running, saving and moving between cells stay.
    commands_off = {entry["command"] for entry in off}
    for kept in ("notebook:run-cell-and-select-next", "notebook:run-cell", "notebook:enter-edit-mode",
                 "notebook:enter-command-mode", "notebook:move-cursor-down"):
        assert kept not in commands_off


def test_only_the_learners_view_reads_the_shortcut_overrides():
    learner = course.lab_command(ROOT, view="learner")
    settings = course.LEARNER_VIEW_CONFIG / "lab-settings"
    assert f"--LabApp.app_settings_dir={settings}" in learner
    assert not any("app_settings_dir" in part for part in course.lab_command(ROOT, view="trainer"))
    course.lab_env("learner", {"PATH": "/bin"})
    written = json.loads((settings / "overrides.json").read_text())
    assert written == course.learner_view_shortcut_overrides()
