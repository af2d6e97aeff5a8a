"""The client timeline: PHQ-9, GAD-7, attendance and drug tests on one time axis, read once into flags."""

from __future__ import annotations

import pytest

from widgets.progress import ITEM9_REMINDER
from widgets.timeline import MCID, RESPONSE_DEFINITION, draw_timeline, timeline, timeline_chart


def week(number, phq9=None, item9=None, gad7=None, attended=3, missed=0, test="negative"):
    return {"week": number, "phq9": phq9, "item9": item9, "gad7": gad7, "attended": attended, "missed": missed,
            "test": test}


WORSENING = [week(1, 11, 0, 9), week(2, 12, 0, 10), week(3, 14, 0, 12, 2, 1, "not done"),
             week(4, 17, 1, 14, 1, 2, "positive for alcohol")]


def test_the_mcid_is_the_references_five_phq9_and_four_gad7_points():
    assert MCID == {"phq9": 5, "gad7": 4}


def test_a_change_just_below_the_mcid_is_not_flagged_and_at_it_is():
    below = timeline("Example", [week(1, 10, 0, 8), week(2, 14, 0, 11)])
    assert not below.flags_of("phq9 worse") and not below.flags_of("gad7 worse")
    at = timeline("Example", [week(1, 10, 0, 8), week(2, 15, 0, 12)])
    assert [f.week for f in at.flags_of("phq9 worse")] == [2] and [f.week for f in at.flags_of("gad7 worse")] == [2]


def test_change_is_read_from_the_first_score_and_flagged_once_when_reached():
    result = timeline("Example", [week(1, 10), week(2, 13), week(3, 15), week(4, 16), week(5, 9)])
    assert [(f.week, f.kind) for f in result.flags_of("phq9 worse")] == [(3, "phq9 worse")]
    assert "PHQ-9 up 5 points from week 1 (10 to 15)" in result.flags_of("phq9 worse")[0].text
    assert not result.flags_of("phq9 better")  # 10 to 9 is one point


def test_improvement_response_and_remission_follow_the_course_definition():
    result = timeline("Example", [week(1, 16), week(2, 10), week(3, 8), week(4, 4)])
    assert [f.week for f in result.flags_of("phq9 better")] == [2]
    assert [f.week for f in result.flags_of("response")] == [3]  # 8 is 50% of 16
    assert [f.week for f in result.flags_of("remission")] == [4]
    assert RESPONSE_DEFINITION in result.description and "under 10" in RESPONSE_DEFINITION
    assert not timeline("Example", [week(1, 8), week(2, 3)]).flags_of("response")  # first score under 10


def test_item9_above_zero_is_a_safety_flag_shown_first_with_its_steps():
    result = timeline("Victor", WORSENING)
    assert [f.week for f in result.flags if f.safety] == [4]
    assert [f.kind for f in result.flags if f.week == 4][0] == "item 9"  # first among the week's flags
    assert result.summary.startswith("Safety first: week 4: PHQ-9 item 9 answered 1")
    assert ITEM9_REMINDER in result.summary and ITEM9_REMINDER in result.description
    for piece in ("C-SSRS", "supervisor", "988", "911"):
        assert piece in result.summary


def test_missed_sessions_and_positive_tests_are_listed_for_the_plan_review_without_a_threshold():
    result = timeline("Victor", WORSENING)
    reasons = result.plan_review_reasons
    assert "week 3: missed 1 of 3 sessions" in reasons and "week 4: drug test positive for alcohol" in reasons
    assert "not a diagnosis" in result.summary and "NIDA" in result.summary
    quiet = timeline("Example", [week(1, 8, 0, 6), week(2, 7, 0, 6)])
    assert not quiet.flags and quiet.plan_review_reasons == [] and "No flags" in quiet.summary


def test_the_text_alternative_says_what_the_chart_shows():
    figure = timeline_chart("Victor", WORSENING)
    assert figure.svg.startswith(b"<?xml") and b"<svg" in figure.svg
    for piece in ("Week 1: PHQ-9 11 (item 9: 0), GAD-7 9, attended 3 of 3 sessions, drug test negative",
                  "Week 4: PHQ-9 17 (item 9: 1), GAD-7 14, attended 1 of 3 sessions, drug test positive for alcohol",
                  "week 3 to 4: moderate to moderately severe (worse)", "reported by the GAD-7 instrument scoring text",
                  "PHQ-9 up 6 points from week 1 (11 to 17)"):
        assert piece in figure.alt_text


def test_an_empty_timeline_draws_and_says_so():
    assert draw_timeline(timeline("Example", [])).alt_text == "Example's timeline has no weeks yet."


@pytest.mark.parametrize(("weeks", "message"), [
    ("week 1", "give the weeks as a list"),
    ([{"phq9": 3}], "each week needs a week number"),
    ([week(1, 28)], "week 1: the PHQ-9 total must be a whole number from 0 to 27"),
    ([week(1, 5, gad7=22)], "week 1: the GAD-7 total must be a whole number from 0 to 21"),
    ([week(1, 2, 3)], r"week 1: PHQ-9 item 9 \(3\) cannot be more than the PHQ-9 total \(2\)"),
    ([week(1, None, 1)], "week 1: PHQ-9 item 9 is given without a PHQ-9 total"),
    ([week(1, 5, 4)], "week 1: PHQ-9 item 9 must be a whole number from 0 to 3"),
    ([week(1, attended=-1)], "week 1: sessions attended must be a whole number from 0 to 21"),
    ([week(1, test="positive")], "week 1: the drug test must be \"negative\", \"not done\" or \"positive for\""),
    ([week(2), week(1)], r"the weeks must be in increasing order, each once; got weeks \[2, 1\]"),
    ([{"week": 1, "mood": 3}], "unknown field 'mood'"),
])
def test_bad_weeks_are_refused_in_plain_words(weeks, message):
    with pytest.raises(ValueError, match=message):
        timeline("Example", weeks)


def test_a_test_result_is_read_in_any_case_and_spacing():
    result = timeline("Example", [week(1, test="  Positive for   Cocaine ")])
    assert result.weeks[0].test == "positive for cocaine" and result.weeks[0].positive_for == "cocaine"
