"""The trainer's command line and roster import: help for every command, plain-language refusals."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from widgets.trainer.__main__ import COMMANDS, build_parser, main, threshold_value
from widgets.trainer.nbgrader_course import Course
from widgets.trainer.roster import RosterError, check_roster, import_roster

ROOT = Path(__file__).resolve().parents[1]


def test_help_names_every_command_with_its_explanation(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name, explanation in COMMANDS.items():
        assert name in text
        assert " ".join(explanation.split())[:40] in text


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_has_its_own_help(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args([command, "--help"])
    assert stopped.value.code == 0
    assert COMMANDS[command].split(";")[0][:30] in " ".join(capsys.readouterr().out.split())


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_the_module_runs_as_a_program():
    result = subprocess.run([sys.executable, "-m", "widgets.trainer", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "certificates" in result.stdout


@pytest.mark.parametrize(("given", "expected"), [("0.8", 0.8), ("80", 0.8), ("1", 1.0)])
def test_a_threshold_may_be_given_as_a_share_or_a_percentage(given, expected):
    assert threshold_value(given) == pytest.approx(expected)


def test_a_folder_without_a_course_is_refused_in_plain_words(tmp_path, capsys):
    assert main(["report", "--course", str(tmp_path)]) == 2
    assert "is not a course folder" in capsys.readouterr().err


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(("content", "message"), [
    ("name,email\nana,a@x\n", "needs a column named id"),
    ("id,first_name,team\nana,Ana,x\n", "does not know: team"),
    ("id,first_name\nana,Ana\n,Ben\n", "line 3: the id is empty"),
    ("id\nana\nana\n", "line 3: the id 'ana' appears twice"),
    ("id\nana lee\n", "may not contain spaces"),
])
def test_a_roster_with_a_mistake_is_refused_naming_the_line(tmp_path, content, message):
    with pytest.raises(RosterError, match=message):
        check_roster(write(tmp_path / "roster.csv", content))


@pytest.mark.slow
def test_a_roster_is_imported_into_a_new_gradebook_with_nbgraders_own_command(tmp_path):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    roster = write(tmp_path / "roster.csv",
                   "id,first_name,last_name,email\nana.diaz,Ana,Díaz,ana@example.org\nben.lee,Ben,Lee,\n")
    course = Course.open(tmp_path)
    assert import_roster(course, roster) == 2
    with course.gradebook() as gb:
        people = {s.id: (s.first_name, s.last_name) for s in gb.students}
    assert people == {"ana.diaz": ("Ana", "Díaz"), "ben.lee": ("Ben", "Lee")}
    assert (tmp_path / "gradebook.db").exists()


def small_course(folder: Path, course_id: str = "course-here") -> Path:
    """A course folder of its own: an nbgrader_config.py naming its course, and nothing graded yet."""
    folder.mkdir(parents=True)
    write(folder / "nbgrader_config.py", f"c = get_config()\nc.CourseDirectory.course_id = {course_id!r}\n")
    return folder


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_a_command_acts_on_the_course_folder_it_is_run_in_and_names_it_first(tmp_path):
    course = small_course(tmp_path / "cohort-demo")
    inside = course / "learners" / "someone"
    inside.mkdir(parents=True)  # nbgrader finds its course from a subfolder too
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this project's widgets, whatever the folder
    result = subprocess.run([sys.executable, "-m", "widgets.trainer", "report"], cwd=inside,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == f"Course course-here in {course} (the course folder you are in)."
    assert (course / "reports" / "cohort-report.html").exists()


def test_a_course_given_with_course_is_named_as_given(tmp_path, monkeypatch, capsys):
    course = small_course(tmp_path / "given", "given-course")
    monkeypatch.chdir(small_course(tmp_path / "elsewhere", "other-course"))
    assert main(["report", "--course", str(course)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"Course given-course in {course} (given with --course)."
    assert (course / "reports" / "follow-up.csv").exists()
    assert not (tmp_path / "elsewhere" / "reports").exists()


def test_outside_any_course_folder_a_command_stops_and_says_how_to_choose_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["report"]) == 2
    error = capsys.readouterr().err
    assert "is not inside a course folder" in error and "--course" in error
    assert not (tmp_path / "reports").exists()


def test_releasing_a_module_the_course_does_not_have_stops_and_names_the_modules_it_has(tmp_path, capsys):
    course = small_course(tmp_path / "course")
    (course / "source" / "01-first").mkdir(parents=True)
    write(course / "source" / "01-first" / "01-first.ipynb", "{}")
    assert main(["release", "01-frist", "--course", str(course)]) == 2
    error = capsys.readouterr().err
    assert "01-frist: not a module of this course (source/ holds 01-first)" in error
    assert not (course / "gradebook.db").exists()
