"""nbgrader's Assignments panel in the learner's view, as the course changes it: Submit warns about open
questions and waits for "Submit anyway", then says what happens next; submission times read in the learner's
own time zone, to the minute, also after the panel is drawn again; Fetch Feedback says plainly when nothing is
released; "(view feedback)" is reached from the keyboard and opens the module's feedback page itself."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from . import content
from .conftest import LEARNER_TIMEZONE
from .notebook_page import UI_SECONDS, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

GRADING_SECONDS = 300
NBGRADER_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def modules(lab) -> list[str]:
    found = content.released_modules(lab.course_root)
    if len(found) < 2:
        pytest.skip("two released modules are needed")
    return found


def inbound(lab, module: str) -> list:
    folder = lab.course_root / ".exchange" / content.course_id(lab.course_root) / "inbound"
    return sorted(folder.glob(f"*+{module}+*")) if folder.is_dir() else []


def status(lab, endpoint: str, module: str) -> dict:
    return lab.api("GET", f"/course-api/{endpoint}?" + urlencode({"assignment_id": module}))


def open_assignments(page, lab, workspace) -> None:
    open_notebook(page, lab, content.course.START_NOTEBOOK.split("/")[-1], workspace)
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-assignment-list"]').click()
    expect(page.locator("#released_assignments_list_loading")).to_be_hidden(timeout=UI_SECONDS * 1000)


def dialog(page, title: str):
    return page.locator(".jp-Dialog").filter(has=page.locator(".jp-Dialog-header", has_text=title))


def assert_says(shown, text: str) -> None:
    for line in filter(None, (line.strip() for line in text.splitlines())):
        expect(shown).to_contain_text(line)


def local_minute(submission_folder) -> datetime:
    """The submission's time (nbgrader names the inbound folder after it, in UTC) in the learner's zone."""
    stamp = submission_folder.name.split("+")[2]
    when = datetime.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    return when.astimezone(ZoneInfo(LEARNER_TIMEZONE))


def assert_local_time(row, when: datetime) -> None:
    text = row.locator(".nested_list_item .item_name").first.inner_text()
    hour = when.hour % 12 or 12
    expected = [f"{hour}:{when.minute:02d}", "AM" if when.hour < 12 else "PM", when.strftime("%b"),
                str(when.day), str(when.year)]
    assert all(part in text for part in expected), f"{text!r} is not {when:%d %b %Y %H:%M} local time"
    assert "UTC" not in text and not NBGRADER_TIME.search(text), text


def test_submit_warns_then_says_what_happens_next_in_local_time(learner_lab, learner_page, learner_steps,
                                                                 console, workspace):
    page, module = learner_page, modules(learner_lab)[-1]
    open_assignments(page, learner_lab, workspace)
    released = page.locator("#released_assignments_list > .list_item", has_text=module)
    if released.count():  # not fetched yet by another test
        released.locator(".item_status button").click()
    fetched = page.locator("#fetched_assignments_list > .list_item", has_text=module)
    expect(fetched).to_have_count(1, timeout=UI_SECONDS * 1000)
    before = status(learner_lab, "assignment-status", module)
    assert before["submit_warning"], before  # nothing answered yet

    # Submit warns first, and "Go back" submits nothing.
    fetched.get_by_role("button", name="Submit").click()
    warning = dialog(page, "Submit")
    expect(warning).to_be_visible(timeout=UI_SECONDS * 1000)
    assert_says(warning, before["submit_warning"])
    # A screen reader reads the warning as the dialog opens, and the keyboard starts on "Go back".
    first_line = before["submit_warning"].splitlines()[0].strip()
    expect(warning).to_have_accessible_description(re.compile(re.escape(first_line)))
    expect(warning.get_by_role("button", name="Go back")).to_be_focused()
    learner_steps.shot("submit-warning")
    warning.get_by_role("button", name="Go back").click()
    expect(warning).to_have_count(0)
    assert not inbound(learner_lab, module)
    expect(page.locator("#submitted_assignments_list > .list_item", has_text=module)).to_have_count(0)

    # "Submit anyway" submits, and then the learner reads what happens next.
    fetched.get_by_role("button", name="Submit").click()
    dialog(page, "Submit").get_by_role("button", name="Submit anyway").click()
    done = dialog(page, "Submitted")
    expect(done).to_be_visible(timeout=UI_SECONDS * 1000)
    assert_says(done, before["after_submit"])
    learner_steps.shot("after-submit")
    done.get_by_role("button", name="OK").click()
    [submission] = inbound(learner_lab, module)

    # The submission's time reads in the learner's own zone, to the minute, also after the panel redraws.
    submitted = page.locator("#submitted_assignments_list > .list_item", has_text=module)
    assert_local_time(submitted, local_minute(submission))
    page.locator("#refresh_assignments_list").click()
    expect(page.locator("#submitted_assignments_list_loading")).to_be_hidden(timeout=UI_SECONDS * 1000)
    expect(submitted).to_have_count(1, timeout=UI_SECONDS * 1000)
    assert_local_time(submitted, local_minute(submission))

    # Nothing is released yet: Fetch Feedback says so.
    feedback = status(learner_lab, "feedback-status", module)
    assert not feedback["released"], feedback
    submitted.get_by_role("button", name="Fetch Feedback").click()
    said = dialog(page, "Feedback")
    expect(said).to_be_visible(timeout=UI_SECONDS * 1000)
    assert_says(said, feedback["message"])
    learner_steps.shot("no-feedback-yet")
    said.get_by_role("button", name="OK").click()
    expect(said).to_have_count(0)


def test_released_feedback_opens_as_a_page_from_the_keyboard(learner_lab, learner_page, learner_steps,
                                                             console, workspace):
    page, module = learner_page, modules(learner_lab)[-2]
    # The learner fetched and submitted the module; the trainer graded it and released the feedback.
    if not (learner_lab.served_root / module).exists():
        learner_lab.run("nbgrader", "fetch_assignment", module)
    learner_lab.run("nbgrader", "submit", module)
    for step in ("collect", "autograde", "generate_feedback", "release_feedback"):
        learner_lab.run("nbgrader", step, module)

    open_assignments(page, learner_lab, workspace)
    submitted = page.locator("#submitted_assignments_list > .list_item", has_text=module)
    expect(submitted).to_have_count(1, timeout=UI_SECONDS * 1000)
    submitted.get_by_role("button", name="Fetch Feedback").click()
    link = submitted.get_by_role("link", name=re.compile("view feedback"))
    expect(link).to_have_count(1, timeout=GRADING_SECONDS * 1000)
    feedback = status(learner_lab, "feedback-status", module)
    assert feedback["released"] and feedback["page"], feedback

    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    name = feedback["page"].rsplit("/", 1)[-1]
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current", has_text=name)
    expect(tab).to_be_visible(timeout=UI_SECONDS * 1000)
    page_text = page.frame_locator(".jp-HTMLViewer:visible iframe").locator("body")
    expect(page_text).to_contain_text(module_title(learner_lab, module), timeout=UI_SECONDS * 1000)
    # The course's page (widgets/trainer/templates/feedback), not nbgrader's list of test cells.
    expect(page_text).to_contain_text("Your score:")
    expect(page_text).to_contain_text("What to do next")
    expect(page_text).not_to_contain_text("Test cell")
    learner_steps.shot("feedback-page")


def module_title(lab, module: str) -> str:
    """The module's own heading ("Module 2 · ..."), which its feedback page shows."""
    title = status(lab, "assignment-status", module)["title"]
    assert title, module
    return title.split(" · ")[0]
