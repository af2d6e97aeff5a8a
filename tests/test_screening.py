"""Screening scores against the published cut-offs in section 5 of the clinical reference (and the PHQ-9
actions and C-SSRS triage of section 14). Every risk signal's next step is tested in test_risk_signals."""

from __future__ import annotations

import pytest

from widgets.instruments import DAST_NONE_STEP, INSTRUMENTS
from widgets.screening import CRISIS_LINE, score
from widgets.sources import lookup

# The published cut-offs, typed from clinical-reference.md section 5: (band, lowest total, highest total).
PUBLISHED_BANDS = {
    "phq9": [("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("moderately severe", 15, 19),
             ("severe", 20, 27)],
    "gad7": [("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21)],
    "audit": [("low risk", 0, 7), ("hazardous", 8, 15), ("harmful", 16, 19), ("possible dependence", 20, 40)],
    "dast10": [("none", 0, 0), ("low", 1, 2), ("moderate", 3, 5), ("substantial", 6, 8), ("severe", 9, 10)],
}
PUBLISHED_POSITIVE = {"phq9": 10, "gad7": 10, "audit": 8, "dast10": 3, "pcl5": 33, "cageaid": 1}
PUBLISHED_ACTIONS = {
    "audit": ["alcohol education", "simple advice", "simple advice plus brief counseling and monitoring",
              "refer for diagnostic evaluation and treatment"],
    # The guidelines' band 0 is "none (no action)"; the safety rule asks that no tool print a bare "no action",
    # so band 0 says what the screen does and does not ask for (DAST_NONE_STEP). The other bands are word for word.
    "dast10": [DAST_NONE_STEP, "monitor and reassess", "further investigation", "intensive assessment",
               "intensive assessment"],
    # Section 14.2 [S], "PHQ-9 Scores and Proposed Treatment Actions", quoted word for word.
    "phq9": ["None", "Watchful waiting; repeat PHQ-9 at follow-up",
             "Treatment plan, considering counseling, follow-up and/or pharmacotherapy",
             "Active treatment with pharmacotherapy and/or psychotherapy",
             "Immediate initiation of pharmacotherapy and, if severe impairment or poor response to therapy, expedited "
             "referral to a mental health specialist for psychotherapy and/or collaborative management"],
}
ITEM_COUNTS = {"phq9": 9, "gad7": 7, "audit": 10, "auditc": 3, "dast10": 10, "pcl5": 20, "cageaid": 4, "cssrs": 6}


def answers_for(key: str, total: int) -> list:
    """Answers that add up to `total`, filling items from the first."""
    spec = INSTRUMENTS[key]
    if spec.yes_no:
        points = [1] * total + [0] * (spec.item_count - total)
        return [bool(p) != (n in spec.reverse_items) for n, p in enumerate(points, start=1)]
    answers, left = [], total
    for allowed in spec.item_values:
        pick = max(v for v in allowed if v <= left)
        answers.append(pick)
        left -= pick
    assert left == 0, f"cannot build {key} total {total}"
    return answers


BOUNDARY_CASES = [(key, total, band) for key, bands in PUBLISHED_BANDS.items()
                  for band, low, high in bands for total in {low, high}]


@pytest.mark.parametrize(("key", "total", "band"), BOUNDARY_CASES)
def test_every_band_boundary_gives_the_published_band(key, total, band):
    result = score(key, answers_for(key, total))
    assert (result.total, result.band) == (total, band)
    assert band in result.text


@pytest.mark.parametrize("key", PUBLISHED_BANDS)
def test_band_tables_are_the_published_ones(key):
    assert [(b.name, b.low, b.high) for b in INSTRUMENTS[key].bands] == PUBLISHED_BANDS[key]


@pytest.mark.parametrize("key", PUBLISHED_ACTIONS)
def test_band_actions_are_the_references_words(key):
    assert [b.action for b in INSTRUMENTS[key].bands] == PUBLISHED_ACTIONS[key]


@pytest.mark.parametrize(("key", "count"), ITEM_COUNTS.items())
def test_item_counts_are_published(key, count):
    assert INSTRUMENTS[key].item_count == count


@pytest.mark.parametrize(("key", "at"), [(k, v) for k, v in PUBLISHED_POSITIVE.items() if k in PUBLISHED_BANDS])
def test_positive_threshold_on_both_sides(key, at):
    assert score(key, answers_for(key, at)).positive
    assert not score(key, answers_for(key, at - 1)).positive


def test_every_source_key_is_in_the_reference():
    for spec in INSTRUMENTS.values():
        for key in spec.sources:
            lookup(key)


def test_gad7_attributes_its_secondary_cut_offs():
    result = score("gad7", answers_for("gad7", 10))
    assert "reported by the GAD-7 instrument scoring text" in result.text
    assert result.next_step == "further evaluation"
    assert score("gad7", answers_for("gad7", 9)).next_step is None


def test_phq9_band_actions_are_attributed_secondary_and_the_bands_are_not():
    spec = INSTRUMENTS["phq9"]
    assert all(b.reported_by is None for b in spec.bands)  # the cut-points are [P]
    assert all(b.action_attribution.startswith("reported by reproductions of the PHQ Instruction Manual's Table 4")
               for b in spec.bands)
    result = score("phq9", answers_for("phq9", 12))
    assert '"Treatment plan, considering counseling, follow-up and/or pharmacotherapy"' in result.next_step
    assert "ties no specific action" not in result.text
    assert result.source[:2] == ("PHQ9-KROENKE", "PHQ9-ACTIONS-S")


def test_audit_zone_four_is_attributed():
    result = score("audit", answers_for("audit", 20))
    assert "reported by" in result.text and result.next_step.endswith("refer for diagnostic evaluation and treatment.")
    assert result.next_step.startswith("Safety first") and "medical assessment of withdrawal risk" in result.next_step
    zone_three = score("audit", [4, 4, 4, 1, 1, 1, 4, 0, 0, 0])  # 19, nothing on Q4-6 or Q9-10 that steps up
    assert zone_three.band == "harmful" and "reported by" not in zone_three.text


@pytest.mark.parametrize(("answers", "expected_step"), [
    ([0, 0, 0, 2, 0, 0, 0, 0, 0, 0], "simple advice"),  # zone I, 2 on Q4
    ([0, 0, 0, 0, 0, 1, 0, 0, 0, 0], "alcohol education"),  # 1 on Q6 is not enough
    ([0, 0, 0, 0, 0, 0, 0, 0, 4, 0], "simple advice"),  # 4 on Q9
    ([0, 0, 0, 0, 0, 0, 0, 0, 2, 2], "alcohol education"),  # 2 on Q9-10 is not enough
    ([4, 4, 2, 0, 0, 0, 0, 0, 0, 0], "simple advice"),  # zone II, no trigger
    ([4, 4, 4, 2, 0, 0, 0, 0, 0, 0], "simple advice plus brief counseling and monitoring"),  # zone II + trigger
])
def test_audit_next_higher_intervention(answers, expected_step):
    result = score("audit", answers)
    assert result.next_step == expected_step
    assert result.next_higher_intervention == (expected_step != INSTRUMENTS["audit"].band_for(result.total).action)


@pytest.mark.parametrize(("sex", "total", "positive"), [
    ("male", 3, False), ("male", 4, True), ("female", 2, False), ("female", 3, True)])
def test_auditc_cut_off_depends_on_sex(sex, total, positive):
    result = score("auditc", answers_for("auditc", total), sex=sex)
    assert result.positive is positive and result.total == total


@pytest.mark.parametrize("sex", [None, "m", "other"])
def test_auditc_requires_sex(sex):
    with pytest.raises(ValueError, match="auditc.*sex"):
        score("auditc", [1, 1, 1], **({} if sex is None else {"sex": sex}))


def test_dast10_item_3_is_reverse_scored():
    assert score("dast10", [True] + [False] * 9).total == 2  # item 1 yes, item 3 no: 2 points
    assert score("dast10", [True, False, True] + [False] * 7).total == 1
    assert score("dast10", [False, False, True] + [False] * 7).total == 0
    assert score("dast10", [True] * 10).total == 9


def test_dast10_no_drug_use_is_reported_as_such():
    # Item 1 "no" and nothing else: the client reports no drug use. Item 3's reverse point is not counted, and
    # the text says so, so the result is band "none" rather than "low".
    result = score("dast10", [False] * 10)
    assert (result.total, result.band, result.no_drug_use, result.positive) == (0, "none", True, False)
    assert "reports no drug use other than for medical reasons in the past 12 months" in result.text
    assert "counted item by item, the total would be 1" in result.text
    assert result.next_step == DAST_NONE_STEP and "course's own wording" in result.text
    assert score("dast10", [False, False, True] + [False] * 7).no_drug_use


def test_dast10_item_1_no_with_other_yes_answers_is_scored_and_questioned():
    result = score("dast10", [False, False, False, False, True] + [False] * 5)  # item 3 no, item 5 yes
    assert (result.total, result.band, result.no_drug_use) == (2, "low", False)
    assert "check the answers with the client" in result.text
    assert score("dast10", [True] + [False] * 9).no_drug_use is False


def test_pcl5_cut_off_and_range():
    assert score("pcl5", answers_for("pcl5", 33)).positive
    assert not score("pcl5", answers_for("pcl5", 32)).positive
    assert score("pcl5", answers_for("pcl5", 31), cutoff=31).positive
    assert "between 31 and 33" in score("pcl5", [0] * 20).text
    with pytest.raises(ValueError, match="pcl5.*cutoff"):
        score("pcl5", [0] * 20, cutoff=30)


def pcl5_with(rated_2: list[int]) -> list[int]:
    return [2 if n in rated_2 else 1 for n in range(1, 21)]


@pytest.mark.parametrize(("rated_2", "provisional"), [
    ([1, 6, 8, 9, 15, 16], True),  # exactly the minimum: 1 B, 1 C, 2 D, 2 E
    ([6, 8, 9, 15, 16], False),  # no B
    ([1, 8, 9, 15, 16], False),  # no C
    ([1, 6, 8, 15, 16], False),  # one D
    ([1, 6, 8, 9, 15], False),  # one E
    ([5, 7, 13, 14, 19, 20], True),  # the last item of each cluster
])
def test_pcl5_cluster_rule(rated_2, provisional):
    assert score("pcl5", pcl5_with(rated_2)).provisional_diagnosis is provisional


def test_cageaid_threshold_and_conflict_note():
    one_yes = [True, False, False, False]
    assert score("cageaid", one_yes).positive
    assert not score("cageaid", one_yes, threshold=2).positive
    assert "Neither cut-off is settled" in score("cageaid", one_yes).text
    assert "reported by secondary sites" in score("cageaid", one_yes).text
    with pytest.raises(ValueError, match="cageaid.*threshold"):
        score("cageaid", one_yes, threshold=3)


@pytest.mark.parametrize(("answers", "recent", "risk"), [
    ([False, False, None, None, None, False], None, "none"),
    ([False, True, False, False, False, False], None, "review"),
    ([True, False, None, None, None, False], None, "review"),
    ([True, True, True, False, False, False], None, "review"),
    ([True, True, False, True, False, False], None, "high"),  # Q4
    ([False, True, False, False, True, False], None, "high"),  # Q5
    ([False, False, None, None, None, True], True, "high"),  # behavior in past 3 months
    ([False, False, None, None, None, True], False, "review"),  # older behavior
])
def test_cssrs_risk(answers, recent, risk):
    result = score("cssrs", answers, recent_behavior=recent)
    assert result.risk == risk == result.band
    assert "988 Suicide & Crisis Lifeline" in result.text
    assert bool(result.flags) is (risk != "none") and (result.next_step is None) is (risk == "none")


def test_cssrs_high_risk_text_is_exact():
    result = score("cssrs", [True, True, False, True, False, False])
    text = result.text
    assert ('"These high-risk answers require patient safety precautions until a mental health professional can '
            'evaluate the individual for possible hospitalization."') in text
    assert 'a "yes" to Q4 or Q5 in the past month, or any suicidal behavior in the past 3 months' in text
    assert "free, confidential and available 24/7 by call, text or chat" in text and CRISIS_LINE[:-1] in text
    assert "call 911 if the client is in immediate danger" in result.next_step
    assert "Clinical Triage and Workflow Guidelines for the C-SSRS" in text
    assert {"CSSRS-COL-TRIAGE", "CSSRS-WORKFLOW", "CSSRS-NINDS"} <= set(result.source)
    assert "CSSRS-TRIAGE" not in result.source  # the [S] copy is replaced by Columbia's own documents


def test_cssrs_other_answers_get_columbias_minimum_and_the_supervisor():
    result = score("cssrs", [True, True, True, False, False, False])
    assert result.risk == "review"
    assert ('"Other answers on the Columbia only require referral to outpatient providers and crisis hotlines."'
            in result.text)
    assert ("Columbia suggests these as anchors; the next step comes from your agency's protocol and your "
            "supervisor.") in result.text
    assert "same day" in result.next_step and "supervisor" in result.next_step
    assert "none stated" not in result.text.lower()


@pytest.mark.parametrize(("answers", "recent", "message"), [
    ([True, True, None, False, False, False], None, "cssrs: item 3 has no answer"),  # Q2 yes: Q3 asked
    ([True, False, True, None, None, False], None, "cssrs: item 3 is skipped"),  # Q2 no: Q3 skipped
    ([True, None, None, None, None, False], None, "cssrs: item 2 has no answer"),
    ([True, False, None, None, None, None], None, "cssrs: item 6 has no answer"),
    ([True, False, None, None, None, True], None, "cssrs: item 6 is yes"),
    ([True, False, None, None, None, False], True, "cssrs: item 6 is no"),
])
def test_cssrs_flow_is_enforced(answers, recent, message):
    with pytest.raises(ValueError, match=message):
        score("cssrs", answers, recent_behavior=recent)


@pytest.mark.parametrize(("key", "answers", "message"), [
    ("phq9", [0] * 8, "phq9: expected 9 items"),
    ("phq9", [0] * 8 + [4], "phq9: item 9 must be"),
    ("phq9", [0] * 3 + [-1] + [0] * 5, "phq9: item 4 must be"),
    ("phq9", [0] * 8 + [True], "phq9: item 9 must be"),
    ("phq9", [0] * 8 + [1.0], "phq9: item 9 must be"),
    ("gad7", [0] * 6 + [None], "gad7: item 7 has no answer"),
    ("audit", [0] * 9 + [3], "audit: item 10 must be 0, 2, 4"),
    ("audit", [5] + [0] * 9, "audit: item 1 must be"),
    ("dast10", [1] + [False] * 9, "dast10: item 1 must be True"),
    ("pcl5", [0] * 21, "pcl5: expected 20 items"),
    ("cageaid", "yyyy", "cageaid: give the answers as a list"),
    ("phq10", [0] * 9, "unknown instrument 'phq10'"),
])
def test_invalid_input_names_instrument_and_item(key, answers, message):
    with pytest.raises(ValueError, match=message):
        score(key, answers)


def test_unknown_option_is_refused():
    with pytest.raises(ValueError, match="phq9: unknown option"):
        score("phq9", [0] * 9, sex="male")


def test_results_are_frozen():
    result = score("phq9", [0] * 9)
    with pytest.raises(AttributeError):
        result.total = 3


def test_the_cssrs_declares_its_flow_q3_to_q5_only_after_a_yes_to_q2():
    cssrs = INSTRUMENTS["cssrs"]
    for q2, follow_up in ((True, True), (False, False), (None, False)):
        assert cssrs.asked([True, q2, None, None, None, None]) == (True, True, follow_up, follow_up, follow_up, True)
    assert cssrs.setting("recent_behavior").asked([False] * 5 + [True])
    assert not cssrs.setting("recent_behavior").asked([False] * 6)
    assert all(all(spec.asked([None] * spec.item_count)) for key, spec in INSTRUMENTS.items() if key != "cssrs")


@pytest.mark.parametrize("key", list(INSTRUMENTS))
def test_the_scorer_takes_exactly_the_items_the_instrument_asks(key):
    """An item the flow skips is left None and an asked one needs an answer, for every pattern of answers."""
    spec = INSTRUMENTS[key]
    lowest = [values[0] for values in spec.item_values]
    highest = [values[-1] for values in spec.item_values]
    patterns = [lowest, highest, [h if n % 2 else lo for n, (lo, h) in enumerate(zip(lowest, highest, strict=True))]]
    chosen = {s: s.default if s.default is not None else s.values[0] for s in spec.settings}
    for pattern in patterns:
        asked = spec.asked(pattern)
        given = [a if on else None for a, on in zip(pattern, asked, strict=True)]
        options = {s.name: value for s, value in chosen.items() if s.asked(given)}
        score(key, given, **options)  # accepted: every asked item answered, every skipped one left None
        for number, on in enumerate(asked, start=1):
            changed = list(given)
            changed[number - 1] = None if on else pattern[number - 1]
            with pytest.raises(ValueError, match=f"item {number} (has no answer|is skipped)"):
                score(key, changed, **options)


@pytest.mark.parametrize("key", [k for k, spec in INSTRUMENTS.items() if spec.settings])
def test_the_scorer_accepts_exactly_the_setting_choices_the_instrument_declares(key):
    spec = INSTRUMENTS[key]
    answers = [values[-1] for values in spec.item_values]
    for setting in spec.settings:
        for value in setting.values:
            score(key, answers, **{setting.name: value})
        for wrong in ("other", 99, -1):
            with pytest.raises(ValueError, match=f"{key}"):
                score(key, answers, **{setting.name: wrong})
