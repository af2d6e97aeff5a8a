"""Progress monitoring: band moves read from the same band tables as scoring."""

from __future__ import annotations

import pytest

from widgets.instruments import INSTRUMENTS
from widgets.progress import ITEM9_REMINDER, band_changes, describe, progress_chart, reminder
from widgets.screening import score


def test_band_changes_mark_worse_and_better_moves():
    changes = band_changes("phq9", [8, 12, 11, 16, 9])
    assert [(c.from_band, c.to_band, c.worse) for c in changes] == [
        ("mild", "moderate", True), ("moderate", "moderately severe", True), ("moderately severe", "mild", False)]
    assert [(c.from_week, c.to_week) for c in changes] == [(1, 2), (3, 4), (4, 5)]


def test_no_move_within_a_band():
    assert band_changes("gad7", [10, 14, 12]) == []


@pytest.mark.parametrize("key", ["phq9", "gad7"])
def test_bands_agree_with_scoring(key):
    # A move is exactly where score() gives a different band: one table for both.
    spec = INSTRUMENTS[key]

    def scored_band(total: int) -> str:
        answers = [min(3, max(0, total - 3 * i)) for i in range(spec.item_count)]
        return score(key, answers).band

    for band in spec.bands[1:]:
        below, at = band.low - 1, band.low
        [change] = band_changes(key, [below, at])
        assert (change.from_band, change.to_band) == (scored_band(below), scored_band(at)) and change.worse


def test_weeks_can_be_given():
    [change] = band_changes("phq9", [4, 5], weeks=[2, 6])
    assert (change.from_week, change.to_week) == (2, 6)


@pytest.mark.parametrize(("key", "scores", "weeks", "message"), [
    ("audit", [1, 2], None, "progress: instrument must be one of phq9, gad7"),
    ("phq9", [1, 28], None, "phq9: score 2 must be a whole number from 0 to 27"),
    ("gad7", [1, 22], None, "gad7: score 2 must be a whole number from 0 to 21"),
    ("gad7", [1, 2.5], None, "gad7: score 2"),
    ("phq9", "12", None, "phq9: give the scores as a list"),
    ("phq9", [1, 2], [2, 1], "phq9: weeks must be increasing"),
])
def test_bad_scores_are_refused(key, scores, weeks, message):
    with pytest.raises(ValueError, match=message):
        band_changes(key, scores, weeks)


def test_chart_text_alternative_lists_scores_and_moves():
    figure = progress_chart("phq9", [8, 12, 11])
    assert figure.svg.startswith(b"<?xml") and b"<svg" in figure.svg
    assert "week 1: 8 (mild); week 2: 12 (moderate); week 3: 11 (moderate)" in figure.alt_text
    assert "week 1 to 2: mild to moderate (worse)" in figure.alt_text


def test_gad7_description_attributes_its_bands():
    assert "reported by the GAD-7 instrument scoring text" in describe("gad7", [5])


def test_empty_scores_give_an_empty_chart():
    assert progress_chart("gad7", []).alt_text == "No GAD-7 scores yet."


def test_a_phq9_trajectory_is_shown_with_the_item_9_reminder():
    assert reminder("phq9") == ITEM9_REMINDER and reminder("gad7") == ""
    for piece in ("item 9", "C-SSRS", "supervisor", "988", "911"):
        assert piece in ITEM9_REMINDER
