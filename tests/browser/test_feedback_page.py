"""The learner's feedback page in headless Chromium: read at 200% zoom, by keyboard, by axe-core, and printed.

The page is written by nbgrader's own feedback step on a throwaway course (tests/feedback_pages.py) and
opened from disk, as a learner opens it from the feedback folder Fetch Feedback fills.
"""

from __future__ import annotations

import pytest

from tests.feedback_pages import feedback_before_and_after_marking

from .notebook_page import describe, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# A 1280-pixel-wide window at 200% zoom: 640 CSS pixels across, each drawn twice as large.
ZOOMED = {"viewport": {"width": 640, "height": 480}, "device_scale_factor": 2}
@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    return feedback_before_and_after_marking(tmp_path_factory.mktemp("feedback-page-browser") / "course")


@pytest.fixture
def zoomed(browser, feedback):
    context = browser.new_context(**ZOOMED)
    page = context.new_page()
    page.goto(feedback["marked"].as_uri())
    yield page
    context.close()


def test_at_200_percent_zoom_the_page_reads_without_sideways_scrolling(zoomed):
    sizes = zoomed.evaluate("""() => ({page: document.documentElement.scrollWidth, window: window.innerWidth,
        text: parseFloat(getComputedStyle(document.body).fontSize),
        sections: [...document.querySelectorAll('main section')].map(s => s.getBoundingClientRect().right)})""")
    assert sizes["page"] <= sizes["window"], sizes
    assert sizes["text"] >= 16 and sizes["sections"] and max(sizes["sections"]) <= sizes["window"]


def test_the_keyboard_reaches_each_question_from_the_list_at_the_top(zoomed):
    zoomed.keyboard.press("Tab")
    focused = zoomed.evaluate("""() => ({text: document.activeElement.textContent.trim(),
        outline: getComputedStyle(document.activeElement).outlineStyle})""")
    assert focused == {"text": "Question 1", "outline": "solid"}
    for _ in range(2):
        zoomed.keyboard.press("Tab")
    zoomed.keyboard.press("Enter")
    assert zoomed.evaluate("location.hash") == "#question-3"
    assert zoomed.evaluate("document.querySelector('#question-3 h2').getBoundingClientRect().top") < 100


def test_axe_core_finds_nothing_on_the_page_before_or_after_marking(browser, feedback, axe_source):
    context = browser.new_context(**ZOOMED)
    page = context.new_page()
    try:
        for step in ("waiting", "marked"):
            page.goto(feedback[step].as_uri())
            violations = run_axe(page, axe_source, ours=None)
            assert violations == [], f"{step}:\n{describe(violations)}"
    finally:
        context.close()


def test_the_page_prints_every_question_and_the_988_line_without_the_link_list(zoomed):
    zoomed.emulate_media(media="print")
    shown = zoomed.evaluate("""() => ({nav: getComputedStyle(document.querySelector('nav')).display,
        questions: [...document.querySelectorAll('main section.question')].filter(s => s.offsetHeight > 0).length,
        crisis: document.querySelector('footer').innerText})""")
    assert shown["nav"] == "none" and shown["questions"] == 6
    assert "988 Suicide & Crisis Lifeline" in shown["crisis"] and "911" in shown["crisis"]
    assert zoomed.pdf(format="Letter")[:4] == b"%PDF"
