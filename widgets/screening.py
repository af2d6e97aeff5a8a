"""Scoring the screening instruments, exactly as sections 5 and 14 of the clinical reference state them.

    >>> score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0]).band
    'mild'

`score` returns a ScreeningResult: the total, the band, whether the screen is positive, the next step
(`next_step`), the source keys and a plain-language `text` that says "reported by ..." wherever the
reference marks a rule [S]. Bad input raises ValueError naming the instrument and the item.

Safety first, at the moment of decision: a risk signal (PHQ-9 item 9 above 0, any "yes" on the C-SSRS
screener, AUDIT zone IV) raises a SafetyFlag in `flags`. The flag names the signal and the safe next step
(supervisor and the agency's safety procedure, 988, 911), and it comes first in `next_step` and in `text`,
whatever the total or band says. A result for a risk signal never says "no action" or "none stated".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from numbers import Integral

from widgets.instruments import (
    AUDIT_NEXT_HIGHER,
    AUDITC_POSITIVE_AT,
    CRISIS_LINE,
    CSSRS_BEHAVIOR_ITEM,
    CSSRS_QUESTIONS,
    DAST_NO_USE,
    EMERGENCY_LINE,
    INSTRUMENTS,
    PCL5_CLUSTER_MINIMUM,
    PCL5_CLUSTERS,
    PCL5_CUTOFF_RANGE,
    PHQ9_ACTIONS_REPORTED_BY,
    PHQ9_ITEM9,
    PHQ_GAD_ANSWERS,
    Band,
    Instrument,
    instrument,
)

__all__ = ["CRISIS_LINE", "EMERGENCY_LINE", "INSTRUMENTS", "SafetyFlag", "ScreeningResult", "points", "score"]

AUDIT_ZONES = ("I", "II", "III", "IV")

# The crisis lines (CRISIS_LINE, EMERGENCY_LINE) are in widgets.instruments, where the C-SSRS form note uses them.
STEP_SUPERVISOR_NOW = "tell your supervisor now and follow your agency's safety procedure"
STEP_988 = "make sure the client has the " + CRISIS_LINE.removesuffix(".")
STEP_911 = "call 911 if the client is in immediate danger"
CRISIS_SOURCES = ("CDCR-988", "WY-988")

# PHQ-9 item 9 (section 14.1).
PFIZER_ITEM9 = ('"Question 9 is a single screening question on suicide risk. A patient who answers yes to question 9 '
                'needs further assessment for suicide risk by an individual who is competent to assess this risk."')
ITEM9_STEPS = ("ask the C-SSRS screener questions now, before the client leaves", STEP_SUPERVISOR_NOW, STEP_988,
               STEP_911)
ITEM9_RULE = ("Item 9 is judged on its own, whatever the total. Acting on any answer of 1 or more the same day is "
              "this course's agency procedure, following the PHQ-9 scoring instructions, as reported by "
              f"reproductions of the Pfizer PHQ-9 scoring text: {PFIZER_ITEM9} Simon et al. (2013): \"Response to "
              "item 9 of the PHQ-9 for depression identified outpatients at increased risk of suicide attempt or "
              "death.\"")
ITEM9_HIGH_LEVELS = (' For answers of "more than half the days" or "nearly every day", Simon et al. (2013) found "a '
                     "markedly increased risk of subsequent suicide attempt and suicide death. For this high-risk "
                     'group, additional assessment is clearly indicated" (Psychiatric Services).')
ITEM9_NEGATIVE = ('Item 9 was answered "Not at all". That does not rule out risk: in 4 health systems, "39% of '
                  "suicide attempts and 36% of suicide deaths within 30 days of completing a PHQ occurred among "
                  "those responding 'not at all' to item 9\" (Simon et al., 2016), and \"denial of suicidality on "
                  'the PHQ-9 should be probed further if there are other risk factors for suicide present" '
                  "(Uebelacker et al., 2011).")
ITEM9_NEGATIVE_STEP = ('item 9 was "Not at all", which does not rule out risk: probe further if other risk factors '
                       "for suicide are present")
PHQ9_COUNSELOR_SCOPE = ("In a counselor's role (the course's own wording, not Kroenke & Spitzer's): these actions are "
                        "written for prescribing clinicians, so share the result with your supervisor and the "
                        "treatment team, and make sure a prescriber evaluates when the action names pharmacotherapy.")
PHQ9_VALIDATION = ("In the validation study (Kroenke, Spitzer & Williams 2001) a score of 10 or more had 88% "
                   "sensitivity and 88% specificity for major depression.")

# C-SSRS screener triage (section 14.3), [P] from Columbia: the high-risk answers and the workflow's minimum.
CSSRS_HIGH_RULE = ('a "yes" to Q4 or Q5 in the past month, or any suicidal behavior in the past 3 months')
CSSRS_HIGH_STEP = ("patient safety precautions until a mental health professional can evaluate the individual for "
                   "possible hospitalization")
CSSRS_WORKFLOW_HIGH = ('Columbia\'s "Clinical Triage and Workflow Guidelines for the C-SSRS": "These high-risk answers '
                       f'require {CSSRS_HIGH_STEP}."')
CSSRS_OTHER_STEP = "referral to outpatient providers and crisis hotlines"
CSSRS_WORKFLOW_OTHER = ('Columbia\'s "Clinical Triage and Workflow Guidelines for the C-SSRS": "Other answers on the '
                        f'Columbia only require {CSSRS_OTHER_STEP}."')
CSSRS_ANCHORS = ("Columbia suggests these as anchors; the next step comes from your agency's protocol and your "
                 "supervisor.")
CSSRS_HIGH_STEPS = (f"start {CSSRS_HIGH_STEP} (Columbia's workflow guidelines)", STEP_SUPERVISOR_NOW, STEP_911,
                    STEP_988)
CSSRS_OTHER_STEPS = (f"at the least, {CSSRS_OTHER_STEP} (the minimum in Columbia's workflow guidelines)",
                     "review the result with your supervisor the same day and follow your agency's safety "
                     "procedure, which decides the next step", STEP_988, STEP_911)
CSSRS_LEVELS = ("The screener's results sort respondents into low, moderate or high risk (NINDS Common Data "
                "Elements). Columbia names the high-risk answers, the same in every setting; how the other answers map "
                "to low or moderate risk was read only in secondary sources, and their actions differ between versions "
                "of the form, so this tool does not name a lower level.")
CSSRS_FLOW = ("The flow (reported by a copy of the screener text): always ask Q1 and Q2; if Q2 is yes, ask Q3, Q4, "
              "Q5 and Q6; if Q2 is no, go straight to Q6.")
CSSRS_SOURCES = ("CSSRS-NINDS", "CSSRS-COL-TRIAGE", "CSSRS-WORKFLOW", "CSSRS-FORM")
RISK_HEADLINES = {"high": "Risk: high (a past-month \"yes\" to Q4 or Q5, or suicidal behavior in the past 3 months)",
                  "review": "Risk: review (a \"yes\" outside Columbia's high-risk answers: act on it today)",
                  "none": "Risk: nothing endorsed"}

# Alcohol withdrawal before a change (the reference's safety rule; ASAM 2020 in section 14.6).
WITHDRAWAL_STEPS = ("before the client stops or cuts down drinking, or moves to another level of care, make sure a "
                    "medical assessment of withdrawal risk comes first",
                    "tell your supervisor and follow your agency's procedure", "call 911 for a medical emergency")
WITHDRAWAL_NOTE = ("These steps are the course's safety rule. ASAM (2020): \"At its most severe alcohol withdrawal can "
                   "cause seizures, delirium, and even death.\"")

# Steps for a positive screen where the source ties none: the course's own wording, and said to be.
COURSE_WORDING = "the next step here is the course's own wording"
AUDITC_POSITIVE_STEP = "bring the result to your supervisor for a fuller assessment of alcohol use"
PCL5_POSITIVE_STEP = ("bring the result to your supervisor so the full assessment can explore it; a diagnosis needs "
                      "a clinician (the diagnostic gold standard is the CAPS-5 interview)")
CAGEAID_POSITIVE_STEP = "bring the result to your supervisor for a full assessment of drinking and drug use"


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


@dataclass(frozen=True)
class SafetyFlag:
    """A risk signal and the safe next step. It comes before anything else the result says."""

    signal: str  # what raised the flag, in words
    steps: tuple[str, ...]  # what to do now, in order
    note: str  # where the steps come from, with attribution
    sources: tuple[str, ...]

    @property
    def next_step(self) -> str:
        return _sentence("; ".join(self.steps))

    @property
    def text(self) -> str:
        return f"Safety first: {self.signal}. Do this now: {self.next_step} {self.note}"


@dataclass(frozen=True)
class ScreeningResult:
    instrument: str
    total: int
    band: str
    positive: bool
    next_step: str | None  # what to do with this result; None only when nothing in it calls for a step
    source: tuple[str, ...]  # keys of the clinical reference's Sources table
    text: str  # the plain-language explanation a learner reads
    risk: str | None = None  # C-SSRS only: "high", "review" or "none"
    provisional_diagnosis: bool | None = None  # PCL-5 only: the DSM-5 cluster rule
    next_higher_intervention: bool | None = None  # AUDIT only: 2+ on Q4-6 or 4 on Q9-10
    flags: tuple[SafetyFlag, ...] = ()  # risk signals, each with its safe next step; shown first
    no_drug_use: bool | None = None  # DAST-10 only: item 1 "no" and nothing else scored

    @property
    def detail(self) -> str:
        """The text after its safety flags: what a form shows under the "Safety first" box, which holds the rest."""
        text = self.text
        for flag in self.flags:
            text = text.removeprefix(flag.text).lstrip()
        return text

    @property
    def headline(self) -> str:
        """The one line a form shows above the result."""
        if self.risk:
            return RISK_HEADLINES[self.risk]
        if self.no_drug_use:
            return f"Total {self.total}: {self.band} (the client {DAST_NO_USE})"
        return f"Total {self.total}: {self.band} · {'positive screen' if self.positive else 'not a positive screen'}"


def _skipped(spec: Instrument, responses) -> frozenset[int]:
    """The items the screener's flow does not ask, given the answers (none until there is one answer per item)."""
    if isinstance(responses, (str, bytes)) or not isinstance(responses, Sequence) or len(responses) != spec.item_count:
        return frozenset()
    return frozenset(n for n, asked in enumerate(spec.asked(responses), start=1) if not asked)


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


def _flagged_sources(sources: tuple[str, ...], flags: tuple[SafetyFlag, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sources + tuple(key for flag in flags for key in flag.sources)))


def _banded(spec: Instrument, total: int, *, next_step_band: Band | None = None, extra: str = "",
            flags: tuple[SafetyFlag, ...] = ()) -> ScreeningResult:
    """A result for an instrument with a band table; next_step_band overrides whose action applies.
    A safety flag comes first in the text and in the next step."""
    band = spec.band_for(total)
    positive = total >= spec.positive_at
    acting = next_step_band or band
    parts = [flag.text for flag in flags]
    parts += [f"{spec.name} total {total} of {spec.max_total}: {band.name} ({band.low}-{band.high}).",
              spec.positive_wording.format(yes="Positive" if positive else "Not a positive",
                                           above="above" if positive else "not above", at=spec.positive_at)]
    if extra:
        parts.append(extra)
    if acting.action:
        parts.append(f"Next step the source ties to this result: {acting.action}.")
    parts.append(_attributions({"band": band.reported_by, "positive threshold": spec.positive_reported_by,
                                "next step": acting.action_attribution if acting.action else None}))
    next_step = acting.action
    if flags:
        next_step = " ".join(f"Safety first: {flag.next_step}" for flag in flags)
        if acting.action:
            next_step += f" Then, for the {spec.name} result: {acting.action}."
    return ScreeningResult(spec.key, total, band.name, positive, next_step, _flagged_sources(spec.sources, flags),
                           " ".join(p for p in parts if p), flags=flags)


def _item9_flag(answer: int) -> SafetyFlag:
    note = ITEM9_RULE + (ITEM9_HIGH_LEVELS if answer >= 2 else "")
    return SafetyFlag(f"PHQ-9 item 9 (thoughts of death or self-harm) was answered \"{PHQ_GAD_ANSWERS[answer]}\" "
                      f"({answer})", ITEM9_STEPS, note, ("PHQ9-Q9-PFIZER-S", "SIMON-2013", *CRISIS_SOURCES))


def _score_phq9(spec, answers, options):
    _no_options(spec, options)
    total = sum(answers)
    band = spec.band_for(total)
    positive = total >= spec.positive_at
    item9 = answers[PHQ9_ITEM9 - 1]
    flags = (_item9_flag(item9),) if item9 else ()
    lowest = band is spec.bands[0]
    band_step = f'the proposed treatment action for {band.name} ({band.low}-{band.high}) is "{band.action}"'
    parts = [flag.text for flag in flags]
    parts += [f"PHQ-9 total {total} of 27: {band.name} ({band.low}-{band.high}).",
              spec.positive_wording.format(yes="Positive" if positive else "Not a positive", at=spec.positive_at),
              PHQ9_VALIDATION]
    if flags and lowest:
        # The lowest band's action is about depression severity; it must never read as a reason to do nothing.
        parts.append("A low total does not lower the item-9 step above: the proposed treatment actions for the "
                     f"total are about depression severity, and the item-9 step comes first. The actions are "
                     f"{PHQ9_ACTIONS_REPORTED_BY}.")
    else:
        parts.append(f"For the total, {band_step}; the actions are {PHQ9_ACTIONS_REPORTED_BY}.")
        if "pharmacotherapy" in band.action:
            parts.append(PHQ9_COUNSELOR_SCOPE)
    if flags:
        next_step = f"Safety first (item 9): {flags[0].next_step}"
        if not lowest:
            next_step += f" Then, for the total: {band_step}."
        sources = _flagged_sources(spec.sources, flags)
    else:
        parts.append(ITEM9_NEGATIVE)
        next_step = _sentence(f"For the total, {band_step}; {ITEM9_NEGATIVE_STEP}")
        sources = spec.sources + ("SIMON-2016", "UEBELACKER-2011")
    return ScreeningResult(spec.key, total, band.name, positive, next_step, sources, " ".join(parts), flags=flags)


def _score_gad7(spec, answers, options):
    _no_options(spec, options)
    total = sum(answers)
    note = "A score of 10 or more is the recommended threshold for further evaluation."
    result = _banded(spec, total, extra=note)
    return replace(result, next_step="further evaluation" if result.positive else None)


def _withdrawal_flag() -> SafetyFlag:
    return SafetyFlag("AUDIT zone IV (20-40, possible dependence): stopping drinking suddenly can bring dangerous "
                      "withdrawal", WITHDRAWAL_STEPS, WITHDRAWAL_NOTE, ("ASAM-AWM-NEWS-2020", "CO-988-911"))


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
    flags = (_withdrawal_flag(),) if zone == len(spec.bands) - 1 else ()
    result = _banded(spec, total, next_step_band=acting, extra=extra, flags=flags)
    return replace(result, next_higher_intervention=bool(triggers))


def _score_auditc(spec, answers, options):
    sex = options.pop("sex", None)
    _no_options(spec, options)
    if not spec.setting("sex").allows(sex):
        raise ValueError(f'{spec.key}: option sex must be "female" or "male" (the cut-off differs); got {sex!r}')
    total, at = sum(answers), AUDITC_POSITIVE_AT[sex]
    positive = total >= at
    text = (f"AUDIT-C total {total} of 12: {'positive' if positive else 'negative'} screen. The positive screen is "
            f"4 or more for men and 3 or more for women, based on US validation studies; for {sex} clients it is "
            f"{at} or more. The source ties no specific step to the result")
    text += f"; {COURSE_WORDING}: {AUDITC_POSITIVE_STEP}." if positive else "."
    band = "positive screen" if positive else "negative screen"
    return ScreeningResult(spec.key, total, band, positive, AUDITC_POSITIVE_STEP if positive else None,
                           spec.sources, text)


def _score_dast10(spec, answers, options):
    _no_options(spec, options)
    total = points(spec, answers)
    note = "Item 3 is reverse-scored: a \"no\" scores 1 point (Australian Comorbidity Guidelines)."
    other_yes = [n for n, a in enumerate(answers, start=1) if a and n not in (1, 3)]
    no_use = answers[0] is False and not other_yes
    if no_use:
        # Item 3 asks whether the client can always stop using; for someone who does not use drugs a "no"
        # there is not a problem, so it is not counted. Said plainly in the text, as the course's reading.
        note = (f"Item 1 is \"no\": the client {DAST_NO_USE}. This tool reports that as a total of 0 (band none). "
                "Item 3 (\"always able to stop using when wanted\") is reverse-scored, but for someone who reports no "
                "drug use a \"no\" there shows no problem, so its point is not counted (the course's reading")
        note += ("; counted item by item, the total would be 1)." if total else ").")
        total = 0
    elif answers[0] is False:
        listed = ", ".join(map(str, other_yes))
        note += (f" Item 1 is \"no\" (no drug use in the past 12 months), but item{'s' if len(other_yes) > 1 else ''} "
                 f"{listed} {'are' if len(other_yes) > 1 else 'is'} \"yes\": check the answers with the client.")
    if spec.band_for(total).name == "none":
        note += (" For a total of 0 the guidelines give no further drug-use step; \"keep screening as your agency "
                 "requires\" is the course's own wording.")
    return replace(_banded(spec, total, extra=note), no_drug_use=no_use)


def _score_pcl5(spec, answers, options):
    setting = spec.setting("cutoff")
    cutoff = options.pop("cutoff", setting.default)
    _no_options(spec, options)
    low, high = PCL5_CUTOFF_RANGE
    if not setting.allows(cutoff):
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
    if positive:
        text += f" The source ties no specific step to a PCL-5 result; {COURSE_WORDING}: {PCL5_POSITIVE_STEP}."
    band = "probable PTSD" if positive else "below cut-off"
    return ScreeningResult(spec.key, total, band, positive, PCL5_POSITIVE_STEP if positive else None, spec.sources,
                           text, provisional_diagnosis=provisional)


def _score_cageaid(spec, answers, options):
    setting = spec.setting("threshold")
    threshold = options.pop("threshold", setting.default)
    _no_options(spec, options)
    if not setting.allows(threshold):
        raise ValueError(f"{spec.key}: option threshold must be 1 (the form's rule) or 2; got {threshold!r}")
    total = points(spec, answers)
    positive = total >= threshold
    text = (f"CAGE-AID: {total} of 4 answered yes, so {'a positive' if positive else 'not a positive'} screen at "
            f"{threshold} or more. The form says to treat one or more \"yes\" answers as positive (sensitivity 0.79, "
            "specificity 0.77); two or more gives sensitivity 0.70, specificity 0.85. Sources disagree on the "
            "cut-off: reported by secondary sites, some use 2 or more, as the original alcohol-only CAGE does. "
            "Neither cut-off is settled.")
    if positive:
        text += f" The form ties no specific step to a positive screen; {COURSE_WORDING}: {CAGEAID_POSITIVE_STEP}."
    band = "positive screen" if positive else "negative screen"
    return ScreeningResult(spec.key, total, band, positive, CAGEAID_POSITIVE_STEP if positive else None,
                           spec.sources + ("CAGEAID-HIBOOP", "CASA-CAGE"), text)


def _endorsed(answers: list, recent) -> str:
    said = [f"Q{n} ({CSSRS_QUESTIONS[n - 1].lower()})" for n, a in enumerate(answers, start=1) if a and n < 6]
    if answers[5]:
        said.append(f"Q6 ({CSSRS_QUESTIONS[5].lower()}, "
                    f"{'within the past 3 months' if recent else 'more than 3 months ago'})")
    return ", ".join(said)


def _score_cssrs(spec, answers, options):
    follow_up = spec.setting("recent_behavior")
    recent = options.pop(follow_up.name, None)
    _no_options(spec, options)
    behavior = CSSRS_BEHAVIOR_ITEM
    if follow_up.asked(answers) and recent not in follow_up.values:
        raise ValueError(f"{spec.key}: item {behavior} is yes, so give recent_behavior=True or False "
                         "(was the behavior within the past 3 months?)")
    if not follow_up.asked(answers) and recent:
        raise ValueError(f"{spec.key}: item {behavior} is no, so recent_behavior cannot be True")
    total = sum(a is True for a in answers)
    if answers[3] or answers[4] or (answers[5] and recent):
        risk = "high"
        flag = SafetyFlag(f"C-SSRS high risk: {CSSRS_HIGH_RULE} (answered yes: {_endorsed(answers, recent)})",
                          CSSRS_HIGH_STEPS, f"{CSSRS_WORKFLOW_HIGH} {CSSRS_LEVELS}",
                          (*CSSRS_SOURCES, *CRISIS_SOURCES))
    elif total:
        risk = "review"
        flag = SafetyFlag(f"C-SSRS \"yes\" answer (answered yes: {_endorsed(answers, recent)}); not one of Columbia's "
                          f"high-risk answers ({CSSRS_HIGH_RULE}), but it still needs a step today",
                          CSSRS_OTHER_STEPS, f"{CSSRS_WORKFLOW_OTHER} {CSSRS_ANCHORS} {CSSRS_LEVELS}",
                          (*CSSRS_SOURCES, *CRISIS_SOURCES))
    else:
        risk, flag = "none", None
    if flag:
        text, next_step, flags = f"{flag.text} {CSSRS_FLOW}", f"Safety first: {flag.next_step}", (flag,)
        sources = flag.sources
    else:
        text = f"No question was answered yes. {CSSRS_FLOW} Where to get help: {CRISIS_LINE}"
        next_step, flags, sources = None, (), ("CSSRS-NINDS", "CSSRS-FORM")
    return ScreeningResult(spec.key, total, risk, risk != "none", next_step, sources, text, risk=risk, flags=flags)


_SCORERS = {"phq9": _score_phq9, "gad7": _score_gad7, "audit": _score_audit, "auditc": _score_auditc,
            "dast10": _score_dast10, "pcl5": _score_pcl5, "cageaid": _score_cageaid, "cssrs": _score_cssrs}


def score(instrument_key: str, responses: Sequence, **options) -> ScreeningResult:
    """Score one completed screener. Options: sex (auditc), cutoff (pcl5), threshold (cageaid),
    recent_behavior (cssrs)."""
    spec = instrument(instrument_key)
    return _SCORERS[spec.key](spec, _check_answers(spec, responses, _skipped(spec, responses)), dict(options))
