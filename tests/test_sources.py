"""The packaged sources table is the clinical reference's, and feedback cites only what may be cited."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from widgets.sources import SECONDARY, all_sources, lookup, parse_reference_table, source_line

REFERENCE = ROOT.parent / "shared" / "clinical-reference.md"


@pytest.mark.skipif(not REFERENCE.exists(), reason="the clinical reference (../shared/) is not beside this project")
def test_packaged_sources_equal_the_clinical_reference_table():
    from_reference = {s.key: s for s in parse_reference_table(REFERENCE.read_text(encoding="utf-8"))}
    assert from_reference == all_sources(), (
        "widgets/content/sources.yaml differs from the reference: run "
        "python -m widgets.sources sync ../shared/clinical-reference.md")


def test_unknown_key_is_refused_by_name():
    with pytest.raises(KeyError, match="NOT-A-KEY"):
        lookup("NOT-A-KEY")


def test_source_line_cites_official_sources_and_only_mentions_secondary_ones():
    citable, column = lookup("T42-05-FIG21"), lookup("PS-2008-QUAD")  # a citable journal column
    assert citable.citable and citable.url
    line = source_line(["T42-05-FIG21", "MN-DHS-2009", "MAGNUS-2025"])
    assert citable.url in line
    assert line.count(SECONDARY) == 1
    assert "Minnesota" not in line and "Conference abstract" not in line
    assert source_line([column.key]) == column.citation()


def test_a_source_without_an_official_url_is_cited_by_title_alone():
    advisory = lookup("A1")
    assert advisory.citable and advisory.url is None
    assert advisory.citation() == advisory.title + "."
