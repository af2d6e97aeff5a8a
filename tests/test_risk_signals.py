"""Safety first, at the moment of decision: every risk signal a screening tool knows, and the next step it gives.

One table lists each signal (PHQ-9 item 9 at every answer and in every band, each C-SSRS "yes" pattern, AUDIT
zone IV and the next-higher rule, DAST-10 moderate and above, GAD-7 10 or more, PCL-5 at the cut-off, CAGE-AID
and AUDIT-C positive) with the pieces its next step must contain. A second test reads everything the learner
is shown for the same signals (the result's text and next step, and the form's HTML) and fails on "none
stated", "no action" or an empty next step.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pytest

from widgets.instruments import INSTRUMENTS
from widgets.screening import ScreeningResult, score
from widgets.screening_view import screening_form
from widgets.sources import lookup

SAFETY = ("supervisor", "988", "911")
CSSRS_HIGH = "patient safety precautions until a mental health professional can evaluate the individual for possible hospitalization"
CSSRS_OTHER = "referral to outpatient providers and crisis hotlines"
FORBIDDEN = ("none stated", "no action")


@dataclass(frozen=True)
class Signal:
    name: str
    key: str
    answers: tuple
    options: dict = field(default_factory=dict)
    expect: tuple[str, ...] = ()  # pieces the next step must contain
    sources: tuple[str, ...] = ()  # source keys the result must carry
    flagged: bool = False  # a SafetyFlag (the form's "Safety first" box) is expected

    def result(self) -> ScreeningResult:
        return score(self.key, list(self.answers), **self.options)


def phq9_answers(total: int, item9: int) -> tuple[int, ...]:
    """Items 1-8 filled from the first up to total - item9, then item 9."""
    answers, left = [], total - item9
    for _ in range(8):
        answers.append(min(3, left))
        left -= answers[-1]
    assert left == 0
    return (*answers, item9)


def phq9_signals() -> list[Signal]:
    signals = []
    for item9 in (1, 2, 3):
        for band in INSTRUMENTS["phq9"].bands:
            for total in sorted({max(band.low, item9), min(band.high, 24 + item9)}):  # items 1-8 give 24 at most
                signals.append(Signal(f"phq9 item9={item9} total={total} ({band.name})", "phq9",
                                      phq9_answers(total, item9), expect=("C-SSRS", *SAFETY),
                                      sources=("PHQ9-Q9-PFIZER-S", "SIMON-2013"), flagged=True))
    return signals


N = None
CSSRS_PATTERNS = [
    # (name, answers, recent_behavior, high risk?)
    ("Q1 only", (True, False, N, N, N, False), None, False),
    ("Q2 only", (False, True, False, False, False, False), None, False),
    ("Q1 and Q2", (True, True, False, False, False, False), None, False),
    ("Q3 (method)", (True, True, True, False, False, False), None, False),
    ("Q4 (intent without plan)", (True, True, False, True, False, False), None, True),
    ("Q4 alone after Q2", (False, True, False, True, False, False), None, True),
    ("Q5 (intent with plan)", (True, True, True, False, True, False), None, True),
    ("Q6 within 3 months", (False, False, N, N, N, True), True, True),
    ("Q6 more than 3 months ago", (False, False, N, N, N, True), False, False),
    ("Q1 and Q6 more than 3 months ago", (True, False, N, N, N, True), False, False),
    ("Q3 and Q6 more than 3 months ago", (True, True, True, False, False, True), False, False),
    ("Q3 and Q6 within 3 months", (True, True, True, False, False, True), True, True),
]


def cssrs_signals() -> list[Signal]:
    signals = []
    for name, answers, recent, high in CSSRS_PATTERNS:
        options = {} if recent is None else {"recent_behavior": recent}
        expect = (CSSRS_HIGH, *SAFETY) if high else (CSSRS_OTHER, "same day", *SAFETY)
        signals.append(Signal(f"cssrs {name}", "cssrs", answers, options, expect,
                              ("CSSRS-COL-TRIAGE", "CSSRS-WORKFLOW", "CSSRS-NINDS"), flagged=True))
    return signals


def yes_no(points_at: set[int], reverse: frozenset[int] = frozenset({3})) -> tuple[bool, ...]:
    """DAST-10 answers scoring a point on exactly the given items (item 3 scores on "no")."""
    return tuple((n in points_at) != (n in reverse) for n in range(1, 11))


OTHER_SIGNALS = [
    Signal("audit zone IV at 20", "audit", (4, 4, 4, 4, 4, 0, 0, 0, 0, 0),
           expect=("refer for diagnostic evaluation and treatment", "medical assessment", "911"),
           sources=("ASAM-AWM-NEWS-2020",), flagged=True),
    Signal("audit zone IV at 40", "audit", (4,) * 10,
           expect=("refer for diagnostic evaluation and treatment", "medical assessment", "911"), flagged=True),
    Signal("audit next-higher: 2 on Q4 in zone I", "audit", (0, 0, 0, 2, 0, 0, 0, 0, 0, 0), expect=("simple advice",)),
    Signal("audit next-higher: 4 on Q9 in zone I", "audit", (0, 0, 0, 0, 0, 0, 0, 0, 4, 0), expect=("simple advice",)),
    Signal("audit next-higher: zone II with 2 on Q4", "audit", (4, 4, 4, 2, 0, 0, 0, 0, 0, 0),
           expect=("simple advice plus brief counseling and monitoring",)),
    Signal("audit next-higher: zone III with 4 on Q10", "audit", (4, 4, 4, 0, 0, 0, 0, 0, 0, 4),
           expect=("refer for diagnostic evaluation and treatment",)),
    Signal("dast10 moderate at 3", "dast10", yes_no({1, 2, 5}), expect=("further investigation",)),
    Signal("dast10 moderate at 5", "dast10", yes_no({1, 2, 3, 5, 6}), expect=("further investigation",)),
    Signal("dast10 substantial at 6", "dast10", yes_no({1, 2, 3, 5, 6, 7}), expect=("intensive assessment",)),
    Signal("dast10 substantial at 8", "dast10", yes_no({1, 2, 3, 4, 5, 6, 7, 8}), expect=("intensive assessment",)),
    Signal("dast10 severe at 9", "dast10", yes_no({1, 2, 3, 4, 5, 6, 7, 8, 9}), expect=("intensive assessment",)),
    Signal("dast10 severe at 10", "dast10", yes_no(set(range(1, 11))), expect=("intensive assessment",)),
    Signal("gad7 at 10", "gad7", (3, 3, 3, 1, 0, 0, 0), expect=("further evaluation",)),
    Signal("gad7 at 21", "gad7", (3,) * 7, expect=("further evaluation",)),
    Signal("pcl5 at the default cut-off 33", "pcl5", (2,) * 16 + (1,) + (0,) * 3, expect=("supervisor", "CAPS-5")),
    Signal("pcl5 at 31 with cut-off 31", "pcl5", (2,) * 15 + (1,) + (0,) * 4, {"cutoff": 31},
           expect=("supervisor", "CAPS-5")),
    Signal("cageaid 1 yes at threshold 1", "cageaid", (True, False, False, False), expect=("supervisor",)),
    Signal("cageaid 2 yes at threshold 2", "cageaid", (False, True, True, False), {"threshold": 2},
           expect=("supervisor",)),
    Signal("auditc male at 4", "auditc", (2, 1, 1), {"sex": "male"}, expect=("supervisor",)),
    Signal("auditc female at 3", "auditc", (1, 1, 1), {"sex": "female"}, expect=("supervisor",)),
]

SIGNALS = phq9_signals() + cssrs_signals() + OTHER_SIGNALS
IDS = [s.name for s in SIGNALS]


def rendered(signal: Signal):
    """The form with the signal's answers entered, as a learner would press them: (form, visible HTML)."""
    form = screening_form(signal.key)
    for control, value in zip(form.items, signal.answers, strict=True):
        control.value = value
    for name, value in signal.options.items():
        form.options[name].value = value
    return form, form.output.value


def shown_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_the_table_covers_every_risk_signal_the_tools_know():
    phq9 = INSTRUMENTS["phq9"]
    covered = {(s.answers[-1], phq9.band_for(sum(s.answers)).name) for s in phq9_signals()}
    assert covered == {(item9, band.name) for item9 in (1, 2, 3) for band in phq9.bands}
    assert {s.key for s in SIGNALS} == set(INSTRUMENTS)
    assert {s.answers for s in cssrs_signals()} >= {p[1] for p in CSSRS_PATTERNS}


@pytest.mark.parametrize("signal", SIGNALS, ids=IDS)
def test_every_risk_signal_states_its_next_step(signal):
    result = signal.result()
    assert result.positive or result.flags or result.next_higher_intervention, f"{signal.name} is not a signal"
    assert result.next_step and result.next_step.strip()
    for piece in signal.expect:
        assert piece in result.next_step, f"{signal.name}: next step lacks {piece!r}"
    for key in signal.sources:
        assert key in result.source, f"{signal.name}: source {key} missing"
    for key in result.source:
        lookup(key)  # every key is in the clinical reference's Sources table
    assert bool(result.flags) is signal.flagged
    if signal.flagged:
        assert result.next_step.startswith("Safety first") and result.text.startswith("Safety first")
        for flag in result.flags:
            assert flag.steps and all(step.strip() for step in flag.steps)


@pytest.mark.parametrize("signal", SIGNALS, ids=IDS)
def test_no_risk_signal_is_shown_with_no_action_or_none_stated(signal):
    result = signal.result()
    form, markup = rendered(signal)
    assert form.result == result, "the form shows what the model returns"
    shown = [result.text, result.next_step or "", *(f.text for f in result.flags), markup, shown_text(markup)]
    for words in shown:
        for forbidden in FORBIDDEN:
            assert forbidden not in words.lower(), f"{signal.name}: {forbidden!r} shown"
    assert result.next_step and html.escape(result.next_step) in markup
    assert "Next step tied to this result:" in markup


@pytest.mark.parametrize("signal", [s for s in SIGNALS if s.flagged], ids=[s.name for s in SIGNALS if s.flagged])
def test_the_form_shows_each_flag_first_in_an_alert_box_with_the_models_words(signal):
    result = signal.result()
    _, markup = rendered(signal)
    alert = re.search(r'<div role="alert"[^>]*>(.*?)</div>', markup, re.S)
    assert alert and markup.index('role="alert"') < markup.index('role="status"'), "the flag comes first"
    box = shown_text(alert.group(1))
    assert "Safety first:" in box  # said in words, not by colour alone
    assert result.text.startswith(" ".join(flag.text for flag in result.flags))
    assert html.escape(result.detail) in markup and result.detail and result.detail != result.text
    for flag in result.flags:
        assert flag.signal in box and flag.note in box
        for step in flag.steps:
            assert step[1:] in box  # each step of the model, in the box (first letter capitalised there)
    for piece in signal.expect:
        if piece != "refer for diagnostic evaluation and treatment":  # the band action, outside the flag
            assert piece in box, f"{signal.name}: the Safety box lacks {piece!r}"


@pytest.mark.parametrize("item9", [1, 2, 3])
@pytest.mark.parametrize("total", [3, 4, 9, 14, 19, 25])
def test_phq9_item9_comes_first_whatever_the_total(item9, total):
    result = score("phq9", list(phq9_answers(total, item9)))
    assert result.next_step.startswith("Safety first (item 9)")
    assert result.text.index("Safety first") < result.text.index(f"PHQ-9 total {total}")
    assert "item 9" in result.flags[0].signal
    # The "any answer of 1 or more" rule is the Pfizer scoring text [S], never Simon 2013.
    rule = next(s for s in result.text.split(". ") if "1 or more" in s)
    assert "Simon" not in rule and "reported by reproductions of the Pfizer PHQ-9 scoring text" in result.text
    assert ("additional assessment is clearly indicated" in result.text) is (item9 >= 2)
    if total <= 4:  # the lowest band's "None" never reads as the next step when item 9 is positive
        assert '"None"' not in result.text and '"None"' not in result.next_step


def test_phq9_band_actions_are_quoted_and_attributed_when_item9_is_zero():
    result = score("phq9", list(phq9_answers(12, 0)))
    assert not result.flags
    assert '"Treatment plan, considering counseling, follow-up and/or pharmacotherapy"' in result.next_step
    assert "reported by reproductions of the PHQ Instruction Manual's Table 4" in result.text
    assert "Psychiatr Ann 2002;32(9):509\u2013515" in result.text
    assert "the course's own wording" in result.text  # the counselor-scope adaptation is labelled
    assert "does not rule out risk" in result.text and "does not rule out risk" in result.next_step
    assert "ties no specific action" not in result.text
    lowest = score("phq9", [0] * 9)
    assert '"None"' in lowest.next_step and "probe further" in lowest.next_step


def test_cssrs_with_nothing_endorsed_raises_no_flag_but_still_names_988():
    result = score("cssrs", [False, False, None, None, None, False])
    assert result.risk == "none" and not result.flags and "988" in result.text


def test_dast10_no_drug_use_is_said_plainly_and_is_not_banded_low():
    result = score("dast10", [False] * 10)
    assert result.no_drug_use and (result.total, result.band) == (0, "none")
    assert "reports no drug use other than for medical reasons in the past 12 months" in result.text
    assert "reports no drug use" in result.headline
    for words in (result.text, result.next_step):
        assert "no action" not in words.lower()
    assert result.next_step == "no further drug-use action indicated by this screen; keep screening as your agency requires"


QUIET = [  # results with no risk signal: the forms still never print "none stated" or "no action"
    Signal("phq9 all 0", "phq9", (0,) * 9), Signal("gad7 at 9", "gad7", (3, 3, 3, 0, 0, 0, 0)),
    Signal("audit at 0", "audit", (0,) * 10), Signal("auditc female at 2", "auditc", (1, 1, 0), {"sex": "female"}),
    Signal("dast10 no drug use", "dast10", (False,) * 10), Signal("dast10 at 1", "dast10", yes_no({1})),
    Signal("pcl5 at 0", "pcl5", (0,) * 20), Signal("cageaid 0 yes", "cageaid", (False,) * 4),
    Signal("cssrs nothing endorsed", "cssrs", (False, False, N, N, N, False)),
]


@pytest.mark.parametrize("signal", QUIET, ids=[s.name for s in QUIET])
def test_no_form_prints_none_stated_or_no_action_even_without_a_signal(signal):
    result = signal.result()
    _, markup = rendered(signal)
    assert not result.flags and 'role="alert"' not in markup
    for words in (result.text, result.next_step or "", markup):
        for forbidden in FORBIDDEN:
            assert forbidden not in words.lower(), f"{signal.name}: {forbidden!r} shown"
