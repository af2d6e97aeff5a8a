"""A trainer in real JupyterLab: formgrader shows the course and a learner's submission, collected and
autograded with nbgrader's commands, and opens it for manual grading."""

from __future__ import annotations

import json
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
                write_answers(lab.course_root / "my-work" / module)
            lab.run("nbgrader", "submit", module)
        lab.run("nbgrader", "collect", module)
        lab.run("nbgrader", "autograde", module)
    return modules[0] if modules else ""


WRITTEN = "The mood and the drinking feed each other, so we work on both from the first session."


def write_answers(folder) -> None:
    """Type a sentence into each written answer cell, as the learner does before submitting."""
    for path in folder.glob("*.ipynb"):
        notebook = content.read(path)
        for cell in notebook["cells"]:
            if cell.get("metadata", {}).get("curriculum", {}).get("written_answer"):
                cell["source"] = WRITTEN
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")


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
    # Each page is loaded before its table is used: the list of modules has links in the same places.
    expect(formgrader.locator(".breadcrumb li")).to_have_count(2, timeout=UI_SECONDS * 1000)  # Grading > module
    notebooks = formgrader.locator("#main-table td.name a")
    expect(notebooks.first).to_be_visible(timeout=UI_SECONDS * 1000)
    steps.shot(f"gradebook-{module}")
    notebooks.first.click()
    expect(formgrader.locator(".breadcrumb li")).to_have_count(3, timeout=UI_SECONDS * 1000)  # ... > notebook
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
        answer_beside_its_rubric(page, formgrader, lab, module, grade_id, shown)
        steps.shot(f"answer-and-rubric-{grade_id}")

    unexpected = unexpected_console_messages(console.messages)
    assert not unexpected, "browser console errors:\n" + "\n".join(unexpected)


def written_answer(lab, module: str, grade_id: str) -> str:
    """The learner's written answer for a task, as the graded notebook holds it: the cell marked
    `curriculum.written_answer` with the task's grade id or, in a notebook without that mark, the plain
    markdown cell next to the task."""
    for notebook in sorted((lab.course_root / "autograded").glob(f"*/{module}/*.ipynb")):
        cells = content.read(notebook)["cells"]
        for cell in cells:
            if cell.get("metadata", {}).get("curriculum", {}).get("written_answer") == grade_id:
                return content.source_text(cell)
        task = next((i for i, cell in enumerate(cells) if content.nbgrader(cell).get("grade_id") == grade_id), None)
        for i in (task + 1, task - 1) if task is not None else ():
            if 0 <= i < len(cells) and cells[i]["cell_type"] == "markdown" and not content.nbgrader(cells[i]):
                return content.source_text(cells[i])
    raise AssertionError(f"no answer cell for {grade_id} in the graded {module}")


def answer_beside_its_rubric(page, formgrader: FrameLocator, lab, module: str, grade_id: str, rubric) -> None:
    """The trainer reads the learner's answer, the rubric and the score box together: the answer ends
    above the rubric's panel, at most one screen (the formgrader panel's height) above the rubric's first
    line; the task's score box sits in that panel, between the two; its comment box follows the rubric."""
    first_line = next(line for line in written_answer(lab, module, grade_id).splitlines() if line.strip())
    answer = formgrader.locator(".text_cell_render", has_text=first_line.strip()[:60]).last
    expect(answer).to_be_visible(timeout=UI_SECONDS * 1000)
    panel = formgrader.locator(".nbgrader_cell", has=formgrader.locator(f"input.score[id='{grade_id}']"))
    expect(panel.get_by_text(rubric.inner_text()[:40], exact=False).first).to_be_visible()
    score = panel.locator(f"input.score[id='{grade_id}']")
    comment = panel.locator(f"textarea[id='{grade_id}-comment']")
    screen = page.locator("iframe[src*='formgrader']").bounding_box()["height"]
    a, r, s, c = (box.bounding_box() for box in (answer, rubric, score, comment))
    answer_end = a["y"] + a["height"]
    assert answer_end <= s["y"] <= r["y"], (
        f"{grade_id}: the learner's answer (ending at {answer_end:.0f} px) does not come just before the score "
        f"box ({s['y']:.0f} px) and the rubric ({r['y']:.0f} px)")
    assert r["y"] - a["y"] <= screen, (
        f"{grade_id}: the rubric's first line is {r['y'] - a['y']:.0f} px below the learner's answer, more than "
        f"one screen ({screen:.0f} px)")
    assert c["y"] >= r["y"] + r["height"], f"{grade_id}: the comment box is not after the rubric"
    answer.scroll_into_view_if_needed()
