"""Quadrant placement from TIP 42 (2005), Figure 2-1, and the quadrant chart."""

from __future__ import annotations

import pytest

from widgets.quadrant import QUADRANTS, SEVERITY_NOT_DIAGNOSIS, place, quadrant_chart
from widgets.sources import lookup

# Figure 2-1: (mental-health severity, substance-use severity) -> quadrant.
FIGURE_2_1 = {("low", "low"): "I", ("high", "low"): "II", ("low", "high"): "III", ("high", "high"): "IV"}


@pytest.mark.parametrize(("mh", "su"), FIGURE_2_1)
def test_place_gives_the_figures_quadrant(mh, su):
    placement = place(mh, su)
    assert placement.quadrant == FIGURE_2_1[(mh, su)]
    assert placement.setting in placement.text and placement.source == "T42-05-FIG21"


def test_place_accepts_capitals_and_spaces():
    assert place(" High", "LOW").quadrant == "II"


def test_typical_settings_are_the_figures_words():
    assert "integrated case management" in place("high", "low").setting
    assert "primary care" in place("low", "low").setting
    assert "substance abuse programs" in place("low", "high").setting
    assert place("high", "high").setting == "intensive, comprehensive, integrated services"


def test_quadrant_four_names_both_subgroups():
    placement = place("high", "high")
    assert len(placement.subgroups) == 2
    assert "SPMI" in placement.subgroups[0] and "suicidality" in placement.subgroups[1]
    assert "two subgroups" in placement.text
    assert not place("low", "high").subgroups


@pytest.mark.parametrize(("mh", "su", "named"), [("moderate", "low", "mental-health"), ("low", 3, "substance-use"),
                                                 (None, "high", "mental-health")])
def test_place_rejects_severities_other_than_low_and_high(mh, su, named):
    with pytest.raises(ValueError, match=f"quadrant: {named} severity must be"):
        place(mh, su)


def test_severity_not_diagnosis_is_attributed():
    lookup("PS-2008-QUAD")
    assert SEVERITY_NOT_DIAGNOSIS.startswith("Reported by")


def test_chart_text_alternative_lists_each_client_and_quadrant():
    figure = quadrant_chart([("Dana", "high", "low"), ("Marcus", "high", "high"), ("Rosa", "low", "high")])
    assert figure.svg.startswith(b"<?xml") and b"<svg" in figure.svg
    assert "Dana: quadrant II" in figure.alt_text
    assert "Marcus: quadrant IV" in figure.alt_text
    assert "Rosa: quadrant III" in figure.alt_text
    assert "Text description" in figure.to_html()


def test_chart_without_clients_says_so():
    assert "No clients placed yet" in quadrant_chart([]).alt_text


def test_every_quadrant_has_a_setting():
    assert set(QUADRANTS) == {"I", "II", "III", "IV"}
    assert all(q.setting and q.short_setting for q in QUADRANTS.values())


def test_chart_refuses_more_clients_than_a_quadrant_holds():
    nine = [(f"Client {n}", "low", "low") for n in range(9)]
    quadrant_chart(nine[:8])
    with pytest.raises(ValueError, match="at most 8 clients fit in quadrant I"):
        quadrant_chart(nine)
