"""IOP weekly hours against the minimums in the clinical reference."""

from __future__ import annotations

import pytest

from widgets.iop_week import DAYS, ScheduledSession, check_week, week_chart
from widgets.sources import lookup

# The reference's numbers: IOP minimum 9 h adults, 6 h adolescents [A2]; Level 2.5 at 20 h (Virginia).
PUBLISHED_MINIMUM = {"adult": 9, "adolescent": 6}


def week_of(total: float) -> list[tuple[str, str, float]]:
    """Group sessions spread over weekdays, adding up to `total` hours."""
    per_day = total / 5
    return [("group therapy", day, per_day) for day in DAYS[:5]] if total else []


@pytest.mark.parametrize("population", PUBLISHED_MINIMUM)
def test_minimum_on_both_sides(population):
    minimum = PUBLISHED_MINIMUM[population]
    assert check_week(week_of(minimum), population).meets_minimum
    below = check_week(week_of(minimum - 0.5), population)
    assert not below.meets_minimum and below.minimum_hours == minimum
    assert "below the IOP minimum" in below.message


def test_below_minimum_attributes_level_one():
    result = check_week(week_of(5))
    assert "Reported by secondary summaries" in result.message and "Level 1" in result.message
    assert set(result.sources) == {"A2", "MIDSHORE-GLOSS", "OEP-ASAM-LOC", "VA-DMAS-2.1", "VA-DBHDS-2.1"}


@pytest.mark.parametrize("total", [0, 5, 9, 19, 20, 30])
def test_every_week_says_which_services_count_is_set_by_state_rules_and_payers(total):
    result = check_week(week_of(total))
    assert "Which services count toward the weekly hours is set by your state's rules and payers" in result.message
    assert "12VAC30-130-5090" in result.message and "at least 3 service hours a day" in result.message
    assert {"VA-DMAS-2.1", "VA-DBHDS-2.1"} <= set(result.sources)


def test_twenty_hours_is_the_virginia_partial_hospitalization_boundary():
    at = check_week(week_of(20))
    assert at.partial_hospitalization_hours and at.meets_minimum
    assert "Virginia" in at.message and "VA-DMAS-2.5" in at.sources
    assert not check_week(week_of(19.5)).partial_hospitalization_hours


def test_all_sources_are_in_the_reference():
    for total in (3, 10, 25):
        for key in check_week(week_of(total)).sources:
            lookup(key)


def test_hours_add_up_by_day():
    result = check_week([("group therapy", "Mon", 3), ("individual counseling", "monday", 1),
                         ScheduledSession("case management", "Fri", 0.5)])
    assert result.hours_by_day["Monday"] == 4 and result.hours_by_day["Friday"] == 0.5
    assert result.total == 4.5


@pytest.mark.parametrize(("session", "message"), [
    (("group therapy", "Someday", 3), "day must be one of"),
    (("group therapy", "Mon", 0), "session hours must be a number above 0"),
    (("group therapy", "Mon", "3"), "session hours must be a number above 0"),
    (("", "Mon", 3), "a session needs a kind"),
])
def test_bad_sessions_are_refused(session, message):
    with pytest.raises(ValueError, match=f"iop week: {message}"):
        check_week([session])


def test_more_than_24_hours_in_a_day_is_refused():
    with pytest.raises(ValueError, match="Monday has more than 24 hours"):
        check_week([("group therapy", "Mon", 20), ("case management", "Mon", 5)])


def test_unknown_population_is_refused():
    with pytest.raises(ValueError, match="population must be"):
        check_week([], "child")


def test_chart_text_alternative_states_days_total_and_minimum():
    figure = week_chart([("group therapy", "Mon", 3), ("individual counseling", "Wed", 1)], "adolescent")
    assert figure.svg.startswith(b"<?xml") and b"<svg" in figure.svg
    assert "Monday 3 h (group therapy 3 h)" in figure.alt_text
    assert "Wednesday 1 h (individual counseling 1 h)" in figure.alt_text
    assert "Week total 4 hours" in figure.alt_text and "minimum of 6 hours (not met)" in figure.alt_text


def test_empty_week_chart_says_so():
    assert "No sessions yet" in week_chart([]).alt_text
