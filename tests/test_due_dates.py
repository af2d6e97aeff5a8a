"""Due dates learners can see: the trainer sets them in nbgrader's gradebook and publishes them in the exchange
(`python -m widgets.trainer due`); a learner's notebook reads them through the course's nbgrader configuration
and shows them in words, or "No due date set", never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest

from tests.conftest import ROOT, copy_generated
from widgets.due_dates import (
    DUE_FILE,
    DueDateError,
    course_due_dates,
    due_file_data,
    due_line,
    due_words,
    exchange_file,
    parse_due,
    parse_due_file,
)
from widgets.trainer.__main__ import main
from widgets.trainer.nbgrader_course import Course

NOW = dt.datetime(2027, 1, 12, 9, 0, tzinfo=dt.UTC)
MODULE = "01-co-occurring-disorders"


@pytest.mark.parametrize("text, zone, expected", [
    ("2027-01-15", "UTC", dt.datetime(2027, 1, 15, 23, 59, tzinfo=dt.UTC)),
    ("2027-01-15 17:00", "UTC", dt.datetime(2027, 1, 15, 17, 0, tzinfo=dt.UTC)),
    ("2027-01-15 17:00", "America/New_York", dt.datetime(2027, 1, 15, 22, 0, tzinfo=dt.UTC)),
    ("2027-01-15T17:00-05:00", "UTC", dt.datetime(2027, 1, 15, 22, 0, tzinfo=dt.UTC)),
])
def test_a_due_date_is_read_as_a_trainer_types_it(text, zone, expected):
    assert parse_due(text, zoneinfo.ZoneInfo(zone)) == expected


def test_a_date_that_is_not_one_is_refused_in_plain_words():
    with pytest.raises(DueDateError, match="'15/01/2027' is not a date: write it as 2027-01-15"):
        parse_due("15/01/2027")


def test_the_learner_reads_when_it_is_due_and_how_long_is_left():
    assert due_words(dt.datetime(2027, 1, 15, 23, 59), NOW) == "Due Friday 15 January 2027, 23:59 UTC (in 3 days)."
    assert due_words(dt.datetime(2027, 1, 12, 17, 0, tzinfo=dt.UTC), NOW).endswith("(today).")
    late = due_words(dt.datetime(2027, 1, 10, 17, 0, tzinfo=dt.UTC), NOW)
    assert late.startswith("Was due Sunday 10 January 2027") and "still submit" in late and "marks it late" in late
    assert due_words(None, NOW) == "No due date set"


def test_a_damaged_published_file_is_refused_naming_the_field():
    with pytest.raises(DueDateError, match="due-dates.json: due/m1: 'soon' is not a date and time"):
        parse_due_file(json.dumps({"due": {"m1": "soon"}}))
    with pytest.raises(DueDateError, match="due-dates.json: not valid JSON"):
        parse_due_file("{")


def learner_course(tmp_path, published: dict | str | None):
    """A course folder (its nbgrader_config.py names the exchange) and a learner's module folder inside it."""
    exchange = tmp_path / "exchange"
    (tmp_path / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'cod-iop'\nc.Exchange.root = {str(exchange)!r}\n")
    module = tmp_path / "my-work" / MODULE
    module.mkdir(parents=True)
    if published is not None:
        (exchange / "cod-iop").mkdir(parents=True)
        text = published if isinstance(published, str) else json.dumps(published)
        (exchange / "cod-iop" / DUE_FILE).write_text(text)
    return module


def test_a_learners_module_finds_the_published_file_through_the_courses_nbgrader_configuration(tmp_path):
    module = learner_course(tmp_path, None)
    assert exchange_file(module) == tmp_path / "exchange" / "cod-iop" / DUE_FILE


def test_the_module_shows_its_published_due_date(tmp_path):
    data = due_file_data("cod-iop", {MODULE: dt.datetime(2027, 1, 15, 23, 59), "02-x": None},
                         {MODULE: "Co-occurring disorders: what and why", "02-x": "Screening"})
    module = learner_course(tmp_path, data)
    assert repr(due_line(MODULE, module, NOW)) == "**Due date:** Due Friday 15 January 2027, 23:59 UTC (in 3 days)."
    assert repr(due_line("02-x", module, NOW)) == "**Due date:** No due date set for this module."
    table = repr(course_due_dates(module, NOW))
    assert "| Co-occurring disorders: what and why | Due Friday 15 January 2027" in table
    assert "| Screening | No due date set |" in table


@pytest.mark.parametrize("published", [None, "{not json", json.dumps({"due": "tomorrow"})])
def test_nothing_published_or_a_damaged_file_says_no_due_date_set_never_a_traceback(tmp_path, published):
    module = learner_course(tmp_path, published)
    assert repr(due_line(MODULE, module, NOW)) == (
        "**Due date:** No due date set (your trainer has not published due dates).")
    assert "No due date set yet" in repr(course_due_dates(module, NOW))


def test_outside_any_course_there_is_no_due_date_and_no_traceback(tmp_path):
    assert "No due date set" in repr(due_line(MODULE, tmp_path, NOW))


@pytest.mark.slow  # nbgrader's gradebook
def test_the_trainer_sets_lists_clears_and_publishes_due_dates_with_the_gradebook_as_the_source(
        generated_course, tmp_path, capsys):
    root = copy_generated(generated_course, tmp_path / "course")
    assert main(["due", MODULE, "2027-01-15 17:00", "--course", str(root)]) == 0
    course = Course.open(root)
    assert course.due_date(MODULE) == dt.datetime(2027, 1, 15, 17, 0)  # nbgrader's own record (naive UTC)
    published = json.loads(course.due_dates_file.read_text())
    assert published["due"][MODULE] == "2027-01-15T17:00:00+00:00"
    assert published["titles"][MODULE] == "Co-occurring disorders: what and why"
    assert published["due"]["02-screening-and-assessment"] is None
    learner = root / "my-work" / MODULE
    learner.mkdir(parents=True)
    assert "Due Friday 15 January 2027, 17:00 UTC" in repr(due_line(MODULE, learner, NOW))
    out = capsys.readouterr().out
    assert f"{MODULE}: due 2027-01-15 17:00 UTC" in out and "Published for learners in" in out

    course.set_due_date("02-screening-and-assessment", dt.datetime(2027, 2, 1, tzinfo=dt.UTC))  # as formgrader
    assert main(["due", "--publish", "--course", str(root)]) == 0
    assert json.loads(course.due_dates_file.read_text())["due"]["02-screening-and-assessment"].startswith("2027-02-01")
    assert main(["due", MODULE, "--clear", "--course", str(root)]) == 0
    assert json.loads(course.due_dates_file.read_text())["due"][MODULE] is None
    assert repr(due_line(MODULE, learner, NOW)) == "**Due date:** No due date set for this module."


@pytest.mark.slow  # nbgrader's gradebook
def test_a_module_the_course_has_not_released_or_a_bad_date_stops_in_plain_words(generated_course, tmp_path, capsys):
    root = copy_generated(generated_course, tmp_path / "course")
    assert main(["due", "99-nothing", "2027-01-15", "--course", str(root)]) == 2
    assert "99-nothing: not a released module of this course" in capsys.readouterr().err
    assert main(["due", MODULE, "next friday", "--course", str(root)]) == 2
    assert "'next friday' is not a date" in capsys.readouterr().err
    assert main(["due", MODULE, "--course", str(root)]) == 2
    assert "give the date after the module" in capsys.readouterr().err


def test_the_start_here_notebook_shows_the_due_dates_beside_the_course_map():
    import nbformat

    cells = nbformat.read(ROOT / "notebooks" / "00-start-here.ipynb", as_version=4).cells
    assert "**The modules**" in cells[0].source
    assert "When each module is due" in cells[1].source
    assert cells[2].cell_type == "code" and "course_due_dates()" in cells[2].source


def test_the_learner_folders_own_config_leads_to_the_courses_exchange_as_course_py_writes_it(tmp_path):
    from tests.browser.lab import course as course_script

    module = learner_course(tmp_path, due_file_data("cod-iop", {MODULE: dt.datetime(2027, 1, 15, 23, 59)}, {}))
    (module.parent / "nbgrader_config.py").write_text(course_script.LEARNER_FOLDER_CONFIG)
    assert exchange_file(module) == tmp_path / "exchange" / "cod-iop" / DUE_FILE
    assert "Due Friday 15 January 2027" in repr(due_line(MODULE, module, NOW))
