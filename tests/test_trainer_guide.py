"""What the trainer guide notebook shows: read-only views of the course and a worked item analysis."""

import shutil
from pathlib import Path

from widgets.trainer.guide import course_status, find_course, item_analysis_example, latest_report

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "trainer" / "source"


def make_course(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copytree(FIXTURE, tmp_path / "source")
    (tmp_path / "notebooks").mkdir()
    return tmp_path


def test_the_guide_finds_the_course_that_holds_the_notebook(tmp_path):
    root = make_course(tmp_path)
    assert find_course(root / "notebooks").root == root


def test_course_status_lists_each_module_without_creating_a_gradebook(tmp_path):
    root = make_course(tmp_path)
    status = course_status(find_course(root))
    assert "Practice module for the trainer tests" in status._repr_html_()
    assert "not yet generated" in repr(status)
    assert "python3 course.py setup" in repr(status)
    assert not (root / "gradebook.db").exists()


def test_latest_report_says_how_to_make_one_when_there_is_none(tmp_path):
    root = make_course(tmp_path)
    assert "python -m widgets.trainer report" in repr(latest_report(find_course(root)))
    (root / "reports").mkdir()
    (root / "reports" / "cohort-report.html").write_text("<html></html>")
    assert "Latest cohort report" in repr(latest_report(find_course(root)))


def test_the_worked_example_flags_the_question_with_the_wrong_key_and_no_other_as_negative():
    lines = repr(item_analysis_example()).splitlines()
    negative = [line.split(":")[0] for line in lines if "negatively discriminating" in line]
    assert negative == ["q4"]
    assert any(line.startswith("q1:") and "too easy" in line for line in lines)
    assert any(line.startswith("q5:") and "too hard" in line for line in lines)
