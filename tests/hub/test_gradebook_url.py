"""The course's tools with a gradebook that is not a SQLite file (PostgreSQL on a hub), without a server:
what the trainer is shown never carries the database password, and the SQLite default is unchanged."""

from __future__ import annotations

from widgets.trainer.nbgrader_course import Course


def course_at(root, url: str) -> Course:
    course = Course.open(root)
    course.config.CourseDirectory.db_url = url
    return course


def test_a_server_gradebook_is_shown_without_its_password(course):
    course = course_at(course, "postgresql://grader:s3cret@127.0.0.1:5432/cod_iop")
    assert course.gradebook_shown == "postgresql://grader:***@127.0.0.1:5432/cod_iop"
    assert course.gradebook_file is None
    assert course.has_gradebook()  # nbgrader creates its tables on the server when it first opens the gradebook


def test_the_sqlite_gradebook_is_the_file_with_or_without_url_options(course):
    plain = Course.open(course)
    assert plain.gradebook_file == course / "gradebook.db"
    waiting = course_at(course, f"sqlite:///{course / 'gradebook.db'}?timeout=120")
    assert waiting.gradebook_file == course / "gradebook.db"
    assert waiting.released_modules() == []  # no gradebook in a fresh copy: nothing released, no error
