"""A trainer in real JupyterLab: formgrader shows the course and a learner's submission, collected and
autograded with nbgrader's commands, and opens it for manual grading."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FrameLocator, expect

from . import content
from .known_messages import unexpected_console_messages
from .notebook_page import UI_SECONDS, open_notebook

# One JupyterLab server: `--dist loadgroup` keeps the group on one worker (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LEARNER_SECONDS = 300


def inbound_submissions(lab, module: str) -> list:
    inbound = lab.course_root / ".exchange" / content.course_id(lab.course_root) / "inbound"
    return [p for p in inbound.glob(f"*+{module}+*")] if inbound.is_dir() else []


@pytest.fixture(scope="session")
def autograded_module(lab) -> str:
    """The first released module submitted (by the Assignments-panel test, or here with the learner's
    own commands when that test did not run first), then collected and autograded as a trainer does.

    One module is enough to walk formgrader; autograding every module here would cost minutes, and the
    nbgrader round-trip tests already grade each one.
    """
    modules = content.released_modules(lab.course_root)[:1]
    for module in modules:
        if not inbound_submissions(lab, module):
            if not (lab.course_root / "my-work" / module).exists():
                lab.run("nbgrader", "fetch_assignment", module)
            lab.run("nbgrader", "submit", module)
        lab.run("nbgrader", "collect", module)
        lab.run("nbgrader", "autograde", module)
    return modules[0] if modules else ""


def open_formgrader(page, lab, workspace) -> FrameLocator:
    open_notebook(page, lab, content.course.START_NOTEBOOK, workspace)
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-formgrader"]').click()
    expect(page.locator(".lm-TabBar-tab.lm-mod-current", has_text="Formgrader")).to_be_visible()
    return page.frame_locator("iframe[src*='formgrader']")


def test_formgrader_shows_the_course_and_opens_a_submission_for_manual_grading(
        autograded_module, lab, page, steps, console, workspace):
    assert autograded_module, "no module in release/"
    formgrader = open_formgrader(page, lab, workspace)
    expect(formgrader.locator("#main-table")).to_be_visible(timeout=UI_SECONDS * 1000)
    for warning in ("#warning-exchange", "#warning-course-id"):  # the course and its exchange are set up
        expect(formgrader.locator(warning)).to_have_count(0)
    for module in content.released_modules(lab.course_root):
        row = formgrader.locator("#main-table tr", has=formgrader.locator(f"td a:text-is('{module}')"))
        expect(row).to_have_count(1, timeout=UI_SECONDS * 1000)
    row = formgrader.locator("#main-table tr", has=formgrader.locator(f"td a:text-is('{autograded_module}')"))
    expect(row.locator("td.num-submissions")).to_have_text(re.compile(r"^\s*[1-9]"))
    steps.shot("formgrader-assignments")

    module = autograded_module
    formgrader.locator(".nav a", has_text="Manual Grading").click()
    formgrader.locator(f"#main-table a:text-is('{module}')").click()
    notebooks = formgrader.locator("#main-table td.name a")
    expect(notebooks.first).to_be_visible(timeout=UI_SECONDS * 1000)
    steps.shot(f"gradebook-{module}")
    notebooks.first.click()
    submission = formgrader.locator("#main-table a", has_text=re.compile(r"Submission #\d+"))
    expect(submission.first).to_be_visible(timeout=UI_SECONDS * 1000)
    steps.shot(f"submissions-{module}")
    submission.first.click()

    # The grading page: the learner's notebook with score boxes, and each written task with its rubric.
    expect(formgrader.locator(".cell").first).to_be_visible(timeout=UI_SECONDS * 1000)
    expect(formgrader.locator("input.score").first).to_be_visible()
    steps.shot(f"manual-grading-{module}")
    for grade_id, rubric in content.rubric_openings(module, lab.course_root):
        shown = formgrader.get_by_text(rubric, exact=False).first
        expect(shown).to_be_visible(timeout=UI_SECONDS * 1000)
        shown.scroll_into_view_if_needed()
        steps.shot(f"rubric-{grade_id}")

    unexpected = unexpected_console_messages(console.messages)
    assert not unexpected, "browser console errors:\n" + "\n".join(unexpected)
