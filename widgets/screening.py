"""Scoring the screening instruments, exactly as section 5 of the clinical reference states them.

    >>> score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0]).band
    'mild'

`score` returns a ScreeningResult: the total, the band, whether the screen is positive, what the source
ties to the result (`next_step`), the source keys and a plain-language `text` that says "reported by ..."
wherever the reference marks a rule [S]. Bad input raises ValueError naming the instrument and the item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from numbers import Integral

from widgets.instruments import (
    AUDIT_NEXT_HIGHER,
    AUDITC_POSITIVE_AT,
    CAGEAID_THRESHOLDS,
    INSTRUMENTS,
    PCL5_CLUSTER_MINIMUM,
    PCL5_CLUSTERS,
    PCL5_CUTOFF_RANGE,
    Instrument,
    instrument,
)

__all__ = ["INSTRUMENTS", "ScreeningResult", "points", "score"]

AUDIT_ZONES = ("I", "II", "III", "IV")
CRISIS_LINE = ("988 Suicide & Crisis Lifeline: free, confidential and available 24/7 by call, text or chat.")
CSSRS_HIGH_STEP = "immediate referral to mental health services and safety precautions"
CSSRS_TRIAGE_RULE = ('reported by the Columbia triage guidelines (as reproduced in a copy of them): a "yes" to '
                     "Q4 or Q5 in the past month, or any suicidal behavior in the past 3 months, signals severe risk")
CSSRS_REVIEW_NOTE = ("reported by a C-SSRS scoring guide: endorsing ideation items 1-3 may also call for evaluation, "
                     "depending on context")


@dataclass(frozen=True)
class ScreeningResult:
    instrument: str
    total: int
    band: str
    positive: bool
    next_step: str | None  # what the source ties to this result; None when it ties nothing
    source: tuple[str, ...]  # keys of the clinical reference's Sources table
    text: str  # the plain-language explanation a learner reads
    risk: str | None = None  # C-SSRS only: "high", "review" or "none"
    provisional_diagnosis: bool | None = None  # PCL-5 only: the DSM-5 cluster rule
    next_higher_intervention: bool | None = None  # AUDIT only: 2+ on Q4-6 or 4 on Q9-10


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _check_answers(spec: Instrument, responses: Sequence, skipped: frozenset[int] = frozenset()) -> list:
    if isinstance(responses, (str, bytes)) or not isinstance(responses, Sequence):
        raise ValueError(f"{spec.key}: give the answers as a list of {spec.item_count} items")
    answers = list(responses)
    if len(answers) != spec.item_count:
        raise ValueError(f"{spec.key}: expected {spec.item_count} items (items 1-{spec.item_count}), "
                         f"got {len(answers)}")
    for number, (answer, allowed) in enumerate(zip(answers, spec.item_values, strict=True), start=1):
        if number in skipped:
            if answer is not None:
                raise ValueError(f"{spec.key}: item {number} is skipped by the screener's flow here; leave it None")
            continue
        if answer is None:
            raise ValueError(f"{spec.key}: item {number} has no answer")
        if spec.yes_no:
            wrong_type = not isinstance(answer, bool)
        else:
            wrong_type = isinstance(answer, bool) or not isinstance(answer, Integral)
        if wrong_type or answer not in allowed:
            shown = "True (yes) or False (no)" if spec.yes_no else ", ".join(map(str, allowed))
            raise ValueError(f"{spec.key}: item {number} must be {shown}; got {answer!r}")
    return [a if a is None or spec.yes_no else int(a) for a in answers]


def points(spec: Instrument, answers: Sequence) -> int:
    """The points of the answers given so far (None = not answered); yes/no items score 1 for "yes",
    or for "no" on a reverse-scored item."""
    if spec.yes_no:
        return sum(int(a != (n in spec.reverse_items)) for n, a in enumerate(answers, start=1) if a is not None)
    return sum(a for a in answers if a is not None)


def _no_options(spec: Instrument, options: dict) -> None:
    if options:
        raise ValueError(f"{spec.key}: unknown option(s) {', '.join(options)}")


def _attributions(parts: dict[str, str | None]) -> str:
    """One sentence per distinct attribution: "The band and next step here are reported by ..."."""
    grouped: dict[str, list[str]] = {}
    for what, reported_by in parts.items():
        if reported_by:
            grouped.setdefault(reported_by, []).append(what)
    sentences = []
    for reported_by, whats in grouped.items():
        listed = whats[0] if len(whats) == 1 else ", ".join(whats[:-1]) + " and " + whats[-1]
        sentences.append(f"The {listed} here {'is' if len(whats) == 1 else 'are'} {reported_by}.")
    return " ".join(sentences)


def _banded(spec: Instrument, total: int, *, next_step_band=None, extra: str = "") -> ScreeningResult:
    """A result for an instrument with a band table; next_step_band overrides whose action applies."""
    band = spec.band_for(total)
    positive = total >= spec.positive_at
    acting = next_step_band or band
    parts = [f"{spec.name} total {total} of {spec.max_total}: {band.name} ({band.low}-{band.high}).",
             spec.positive_wording.format(yes="Positive" if positive else "Not a positive",
                                          above="above" if positive else "not above", at=spec.positive_at)]
    if extra:
        parts.append(extra)
    if acting.action:
        parts.append(f"Next step the source ties to this result: {acting.action}.")
    parts.append(_attributions({"band": band.reported_by, "positive threshold": spec.positive_reported_by,
                                "next step": acting.reported_by if acting.action else None}))
    return ScreeningResult(spec.key, total, band.name, positive, acting.action, spec.sources,
                           " ".join(p for p in parts if p))


def _score_phq9(spec, answers, options):
    _no_options(spec, options)
    note = ("In the validation study (Kroenke, Spitzer & Williams 2001) a score of 10 or more had 88% sensitivity "
            "and 88% specificity for major depression. The source ties no specific action to a PHQ-9 band.")
    return _banded(spec, sum(answers), extra=note)


def _score_gad7(spec, answers, options):
    _no_options(spec, options)
    total = sum(answers)
    note = "A score of 10 or more is the recommended threshold for further evaluation."
    result = _banded(spec, total, extra=note)
    return replace(result, next_step="further evaluation" if result.positive else None)


def _score_audit(spec, answers, options):
    _no_options(spec, options)
    total = sum(answers)
    triggers = [name for name, (items, at_least) in AUDIT_NEXT_HIGHER.items()
                if any(answers[i - 1] >= at_least for i in items)]
    zone = spec.band_index(spec.band_for(total).name)
    extra = (f"That is zone {AUDIT_ZONES[zone]} of I-IV (0-7, 8-15, 16-19, 20-40). "
             "Cut-offs may vary by country (Australian Comorbidity Guidelines, citing WHO 2001).")
    acting = None
    if triggers:
        extra += (f" The answers score 2 or more on Q4-6 or 4 on Q9-10 (here: {' and '.join(triggers)}), and the "
                  "guideline then gives the next-higher intervention")
        if zone + 1 < len(spec.bands):
            acting = spec.bands[zone + 1]
            extra += f" (zone {AUDIT_ZONES[zone + 1]})."
        else:
            extra += "; zone IV is already the highest."
    result = _banded(spec, total, next_step_band=acting, extra=extra)
    return replace(result, next_higher_intervention=bool(triggers))


def _score_auditc(spec, answers, options):
    sex = options.pop("sex", None)
    _no_options(spec, options)
    if sex not in AUDITC_POSITIVE_AT:
        raise ValueError(f'{spec.key}: option sex must be "female" or "male" (the cut-off differs); got {sex!r}')
    total, at = sum(answers), AUDITC_POSITIVE_AT[sex]
    positive = total >= at
    text = (f"AUDIT-C total {total} of 12: {'positive' if positive else 'negative'} screen. The positive screen is "
            f"4 or more for men and 3 or more for women, based on US validation studies; for {sex} clients it is "
            f"{at} or more. The source ties no specific action to the result.")
    band = "positive screen" if positive else "negative screen"
    return ScreeningResult(spec.key, total, band, positive, None, spec.sources, text)


def _score_dast10(spec, answers, options):
    _no_options(spec, options)
    note = "Item 3 is reverse-scored: a \"no\" scores 1 point (Australian Comorbidity Guidelines)."
    return _banded(spec, points(spec, answers), extra=note)


def _score_pcl5(spec, answers, options):
    cutoff = options.pop("cutoff", spec.positive_at)
    _no_options(spec, options)
    low, high = PCL5_CUTOFF_RANGE
    if isinstance(cutoff, bool) or cutoff not in range(low, high + 1):
        raise ValueError(f"{spec.key}: option cutoff must be {low}, {low + 1} or {high} (the source's range); "
                         f"got {cutoff!r}")
    total = sum(answers)
    counts = {c: sum(answers[i - 1] >= 2 for i in items) for c, items in PCL5_CLUSTERS.items()}
    provisional = all(counts[c] >= n for c, n in PCL5_CLUSTER_MINIMUM.items())
    positive = total >= cutoff
    text = (f"PCL-5 total {total} of 80: {'at or above' if positive else 'below'} the cut-off of {cutoff}. "
            f"The source gives a cut-off between {low} and {high} for probable PTSD; this tool uses {cutoff}. "
            f"Items rated 2 or higher: B {counts['B']}, C {counts['C']}, D {counts['D']}, E {counts['E']}; the "
            "provisional diagnosis needs at least 1 B, 1 C, 2 D and 2 E, so it is "
            f"{'met' if provisional else 'not met'}. The diagnostic gold standard is the CAPS-5 interview. When the "
            "Australian guidelines were written, the PCL-5 had not been validated in people with alcohol or other "
            "drug use disorders.")
    band = "probable PTSD" if positive else "below cut-off"
    return ScreeningResult(spec.key, total, band, positive, None, spec.sources, text,
                           provisional_diagnosis=provisional)


def _score_cageaid(spec, answers, options):
    threshold = options.pop("threshold", spec.positive_at)
    _no_options(spec, options)
    if isinstance(threshold, bool) or threshold not in CAGEAID_THRESHOLDS:
        raise ValueError(f"{spec.key}: option threshold must be 1 (the form's rule) or 2; got {threshold!r}")
    total = points(spec, answers)
    positive = total >= threshold
    text = (f"CAGE-AID: {total} of 4 answered yes, so {'a positive' if positive else 'not a positive'} screen at "
            f"{threshold} or more. The form says to treat one or more \"yes\" answers as positive (sensitivity 0.79, "
            "specificity 0.77); two or more gives sensitivity 0.70, specificity 0.85. Sources disagree on the "
            "cut-off: reported by secondary sites, some use 2 or more, as the original alcohol-only CAGE does. "
            "Neither cut-off is settled.")
    band = "positive screen" if positive else "negative screen"
    return ScreeningResult(spec.key, total, band, positive, None, spec.sources + ("CAGEAID-HIBOOP", "CASA-CAGE"), text)


def _score_cssrs(spec, responses, options):
    recent = options.pop("recent_behavior", None)
    _no_options(spec, options)
    if isinstance(responses, Sequence) and len(responses) == 6 and responses[1] is False:
        skipped = frozenset({3, 4, 5})
    else:
        skipped = frozenset()
    answers = _check_answers(spec, responses, skipped)
    if answers[5] and recent not in (True, False):
        raise ValueError(f"{spec.key}: item 6 is yes, so give recent_behavior=True or False "
                         "(was the behavior within the past 3 months?)")
    if not answers[5] and recent:
        raise ValueError(f"{spec.key}: item 6 is no, so recent_behavior cannot be True")
    total = sum(a is True for a in answers)
    if answers[3] or answers[4] or (answers[5] and recent):
        risk, step = "high", CSSRS_HIGH_STEP
        text = (f"Severe risk by the triage rule (this tool's risk level: high). {_sentence(CSSRS_TRIAGE_RULE)} "
                f"That calls for {CSSRS_HIGH_STEP}. "
                f"Where to get help: {CRISIS_LINE}")
    elif total:
        risk, step = "review", None
        text = ("Something was endorsed, but not what the triage rule treats as severe risk. "
                f"{_sentence(CSSRS_REVIEW_NOTE)} "
                f"Where to get help: {CRISIS_LINE}")
    else:
        risk, step = "none", None
        text = "No question was answered yes."
    flow = ("The flow (reported by a copy of the screener text): always ask Q1 and Q2; if Q2 is yes, ask Q3, Q4, "
            "Q5 and Q6; if Q2 is no, go straight to Q6.")
    return ScreeningResult(spec.key, total, risk, risk != "none", step,
                           spec.sources + (("CSSRS-SCORING",) if risk == "review" else ()),
                           f"{text} {flow}", risk=risk)


_SCORERS = {"phq9": _score_phq9, "gad7": _score_gad7, "audit": _score_audit, "auditc": _score_auditc,
            "dast10": _score_dast10, "pcl5": _score_pcl5, "cageaid": _score_cageaid, "cssrs": _score_cssrs}


def score(instrument_key: str, responses: Sequence, **options) -> ScreeningResult:
    """Score one completed screener. Options: sex (auditc), cutoff (pcl5), threshold (cageaid),
    recent_behavior (cssrs)."""
    spec = instrument(instrument_key)
    if spec.key == "cssrs":
        return _score_cssrs(spec, responses, dict(options))
    return _SCORERS[spec.key](spec, _check_answers(spec, responses), dict(options))
