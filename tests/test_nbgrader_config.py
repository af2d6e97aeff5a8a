"""nbgrader_config.py: every setting names a real option, and each one takes effect."""

from __future__ import annotations

import subprocess

import nbformat
import nbgrader
import pytest
from nbgrader.apps import NbGrader
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment
from nbgrader.preprocessors import ClearSolutions, Execute, IgnorePattern, OverwriteCells
from traitlets.config import Configurable

from tests.conftest import ROOT


def load_course_config(root, log_records: list | None = None):
    """The config nbgrader itself reads for a course in `root` (as its apps do, from the working folder)."""
    import logging
    import os

    here = os.getcwd()
    os.chdir(root)
    try:
        app = NbGrader()
        if log_records is not None:
            handler = logging.Handler(logging.WARNING)
            handler.emit = log_records.append
            app.log.addHandler(handler)
        app.load_config_file()
        return app.config
    finally:
        os.chdir(here)


def _configurables():
    """Every configurable class nbgrader defines, by class name."""
    import importlib
    import pkgutil

    found = {}
    for info in pkgutil.walk_packages(nbgrader.__path__, "nbgrader."):
        if ".tests" in info.name or "labextension" in info.name or "docs" in info.name:
            continue
        try:
            module = importlib.import_module(info.name)
        except (Exception, SystemExit):  # scripts and optional parts a course does not use
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Configurable):
                found.setdefault(value.__name__, set()).add(value)
    return found


def test_every_setting_names_a_real_class_and_option():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    classes = _configurables()
    assert config, "the course config was not read"
    for section, values in config.items():
        assert section in classes, f"nbgrader_config.py configures {section}, which nbgrader does not have"
        # One name can belong to several classes (the abstract Exchange and the default one)
        options = {name for cls in classes[section] for name in cls.class_trait_names(config=True)}
        for option in values:
            assert option in options, f"{section}.{option} is not an option of {section}"


def test_course_paths_are_inside_the_copy_of_the_course(course):
    config = load_course_config(course)
    coursedir = CourseDirectory(config=config)
    assert coursedir.course_id == "cod-iop"
    assert coursedir.root == str(course)
    assert coursedir.db_url == f"sqlite:///{course}/gradebook.db"
    fetch = ExchangeFetchAssignment(coursedir=coursedir, config=config)
    assert fetch.root == str(course / ".exchange")
    assert fetch.assignment_dir == str(course / "my-work")


def test_running_course_folders_are_ignored_by_git():
    for name in (".exchange/cod-iop/inbound/x", "gradebook.db", "my-work/01-x/x.ipynb",
                 "submitted/learner/01-x/x.ipynb", "autograded/learner/01-x/x.ipynb", "feedback/learner/01-x/x.html"):
        result = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT)
        assert result.returncode == 0, f"{name} is not ignored by git"


def test_nbgrader_reads_the_config_without_a_warning():
    records = []
    load_course_config(ROOT, records)
    assert [r.getMessage() for r in records] == []


def test_execution_timeout_is_two_minutes():
    config = load_course_config(ROOT)
    assert Execute(config=config).timeout == 120


def test_code_stub_is_a_plain_language_comment():
    stub = ClearSolutions(config=load_course_config(ROOT)).code_stub["python"]
    assert stub.startswith("#") and "raise" not in stub and "NotImplementedError" not in stub


def test_warnings_on_stderr_are_dropped_when_grading():
    pre = IgnorePattern(config=load_course_config(ROOT))
    assert pre.enabled
    cell = nbformat.v4.new_code_cell("x = 1", outputs=[
        nbformat.v4.new_output("stream", name="stderr", text="/x.py:1: UserWarning: something is deprecated\n"),
        nbformat.v4.new_output("stream", name="stderr", text="Traceback: a real error\n"),
    ])
    cleaned, _ = pre.preprocess_cell(cell, {}, 0)
    assert [o.text for o in cleaned.outputs] == ["Traceback: a real error\n"]


def test_deleted_graded_cells_are_restored():
    assert OverwriteCells(config=load_course_config(ROOT)).add_missing_cells is True


@pytest.mark.parametrize("key", ["course_id", "root", "db_url"])
def test_course_directory_settings_are_set_explicitly(key):
    assert key in load_course_config(ROOT).CourseDirectory


def test_feedback_is_written_through_the_course_preprocessor_that_hides_the_key():
    """`nbgrader generate_feedback`, the Formgrader and the trainer's commands all read this setting."""
    from nbconvert.exporters.exporter import Exporter
    from nbgrader.converters import GenerateFeedback

    from widgets.trainer.feedback import HideAnswerKey

    steps = GenerateFeedback(config=load_course_config(ROOT)).preprocessors
    assert steps[0] == "nbgrader.preprocessors.GetGrades"
    assert "widgets.trainer.feedback.HideAnswerKey" in steps
    exporter = Exporter()
    for step in steps:
        exporter.register_preprocessor(step)  # each name imports
    assert any(isinstance(p, HideAnswerKey) and p.enabled for p in exporter._preprocessors)
