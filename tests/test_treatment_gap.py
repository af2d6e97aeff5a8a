"""Module 1's treatment-gap chart: it renders, its numbers are the cited ones, and its text alternative
carries every number shown."""

from __future__ import annotations

import base64
import re
from xml.etree import ElementTree

import matplotlib
import pytest

from widgets.figures import PALETTE
from widgets.sources import lookup
from widgets.treatment_gap import HAN, REPORTED_2023, bars, one_kind_only, treatment_gap_chart


def test_the_chart_renders_to_the_same_svg_every_time_with_the_agg_backend():
    figure = treatment_gap_chart()
    assert matplotlib.get_backend().lower() == "agg"
    root = ElementTree.fromstring(figure.svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 10  # bars, and text drawn as outlines
    assert treatment_gap_chart().svg == figure.svg  # no date or random ids: a chart is reproducible
    shown = figure.to_html()
    assert f'src="data:image/svg+xml;base64,{base64.b64encode(figure.svg).decode()}"' in shown


@pytest.mark.parametrize("include_reported", [True, False], ids=["with the 2023 bar", "settled figure only"])
def test_the_text_alternative_states_every_number_on_the_chart(include_reported):
    figure = treatment_gap_chart(include_reported=include_reported)
    for bar in bars(include_reported):
        for segment in bar.segments:
            assert f"{segment.label.lower()} {segment.percent:g}%" in figure.alt_text
    assert ("53.2%" in figure.alt_text) is include_reported


def test_one_kind_only_is_computed_from_neither_and_both_and_says_so():
    assert one_kind_only() == pytest.approx(38.4)
    assert one_kind_only(50, 10) == pytest.approx(40)
    assert "computed as 100 \u2212 52.5 \u2212 9.1" in treatment_gap_chart().alt_text


def test_the_settled_bar_uses_only_the_han_figures_and_each_bar_adds_up_to_100():
    assert HAN.source_key == "HAN-HA" and HAN.settled
    assert [s.percent for s in HAN.segments] == [52.5, 38.4, 9.1]
    for bar in (HAN, REPORTED_2023):
        assert sum(s.percent for s in bar.segments) == pytest.approx(100, abs=0.05)


def test_the_2023_bar_is_attributed_and_never_presented_as_settled():
    assert not REPORTED_2023.settled
    assert REPORTED_2023.source_key == "MAGNUS-2025"
    assert "reported by a 2025 conference abstract" in REPORTED_2023.label.replace("\n", " ")
    assert "not a settled figure" in treatment_gap_chart().alt_text


def test_the_conflicting_2018_and_2019_figures_are_not_used():
    numbers = re.findall(r"\d+(?:\.\d+)?%", treatment_gap_chart().alt_text)
    assert numbers
    for conflicting in ("48.6%", "38.7%", "7.8%", "1.9%"):
        assert conflicting not in numbers


def test_every_segment_pairs_an_okabe_ito_colour_with_its_own_hatch():
    for bar in (HAN, REPORTED_2023):
        assert all(s.colour in PALETTE.values() for s in bar.segments)
        assert len({s.hatch for s in bar.segments}) == len(bar.segments)
    hatch_by_label = {}
    for bar in (HAN, REPORTED_2023):
        for s in bar.segments:
            assert hatch_by_label.setdefault(s.label, (s.hatch, s.colour)) == (s.hatch, s.colour)


def test_the_text_alternative_cites_each_bar_in_full():
    alt = treatment_gap_chart().alt_text
    # Authors, title, journal and year as the reference gives them (it gives no volume or pages).
    assert ("Han B, Compton WM, Blanco C, Colpe LJ. \u201cPrevalence, Treatment, And Unmet Treatment Needs Of US "
            "Adults With Mental Health And Substance Use Disorders.\u201d Health Affairs, 2017") in alt
    assert "Conference abstract" in alt and "(2025); a secondary source, not a SAMHSA report" in alt
    assert "bar 2:" not in treatment_gap_chart(include_reported=False).alt_text


def test_the_source_keys_exist_in_the_clinical_reference():
    for bar in (HAN, REPORTED_2023):
        assert lookup(bar.source_key).key == bar.source_key


def test_the_figure_shows_as_html_with_its_text_description():
    html = treatment_gap_chart()._repr_html_()
    assert "<img" in html and "Text description:" in html and "52.5%" in html
