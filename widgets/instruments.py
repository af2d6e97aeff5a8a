"""Screening instruments as data: items, allowed answers, band tables and the sources behind them.

One source of truth for scoring (widgets.screening), the forms (widgets.screening_view), the progress
chart (widgets.progress) and the tests. An instrument declares its items and their answers (`choices`), the
screener's flow (`asked`: which items are asked given the earlier answers) and the settings or follow-up
questions scoring takes besides the items (`settings`); the scorer and the form both read these. Every
number here is in section 5 of the clinical reference (the PHQ-9 proposed treatment actions in section
14.2); a rule the reference marks [S] carries `reported_by` (or `action_reported_by` when only the action
is [S]), the attribution the learner reads with it.

Item labels are short and neutral; they are not the official wording. Give the official form for the
questions themselves (`Instrument.official_form`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RATING_0_3 = (0, 1, 2, 3)
RATING_0_4 = (0, 1, 2, 3, 4)
YES_NO = (False, True)

# The response wording printed on the PHQ-9 and GAD-7 (0 "not at all" ... 3 "nearly every day") and the PCL-5.
PHQ_GAD_ANSWERS = {0: "Not at all", 1: "Several days", 2: "More than half the days", 3: "Nearly every day"}
PCL5_ANSWERS = {0: "Not at all", 1: "A little bit", 2: "Moderately", 3: "Quite a bit", 4: "Extremely"}
YES_NO_ANSWERS = (("No", False), ("Yes", True))

# Crisis lines, word for word (sections 7, 13 and 14.4): 988 [CDCR-988]; 911 for immediate danger [WY-988].
CRISIS_LINE = "988 Suicide & Crisis Lifeline: free, confidential and available 24/7 by call, text or chat."
EMERGENCY_LINE = "If the client is in immediate danger, call 911."


@dataclass(frozen=True)
class Band:
    """A score range and what the source ties to it."""

    name: str
    low: int
    high: int
    action: str | None = None  # the source's own words for what to do; None when it ties no action
    reported_by: str | None = None  # attribution when the reference marks the band (and its action) [S]
    action_reported_by: str | None = None  # attribution for the action alone, when only the action is [S]

    @property
    def action_attribution(self) -> str | None:
        return self.action_reported_by or self.reported_by

    def contains(self, total: int) -> bool:
        return self.low <= total <= self.high


@dataclass(frozen=True)
class Setting:
    """Something scoring takes besides the items: a cut-off to use, or a follow-up question of the screener."""

    name: str  # the keyword `score` takes it as
    label: str  # the question the form asks
    choices: tuple[tuple[str, object], ...]  # (wording, value), in the order shown
    short_name: str  # how "Still to answer" names it
    default: object = None
    follows_yes_to: int | None = None  # a follow-up: asked after the items, only when this item is "yes"

    @property
    def values(self) -> tuple:
        return tuple(value for _, value in self.choices)

    def allows(self, value) -> bool:
        """Whether value is one of the choices (True and 1 are not the same answer here)."""
        return any(value == v and isinstance(value, bool) == isinstance(v, bool) for v in self.values)

    def asked(self, answers: Sequence) -> bool:
        """Whether the question is asked, given the answers to the items (None = not answered)."""
        return self.follows_yes_to is None or answers[self.follows_yes_to - 1] is True


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str
    measures: str
    official_form: str
    item_labels: tuple[str, ...]
    item_values: tuple[tuple, ...]  # allowed answers, item by item
    sources: tuple[str, ...]
    bands: tuple[Band, ...] = ()
    positive_at: int | None = None  # the default positive threshold (total >= positive_at)
    positive_reported_by: str | None = None  # attribution when that threshold is an [S] rule
    answer_labels: dict | None = None  # response wording shown beside each numeric answer
    reverse_items: frozenset[int] = frozenset()  # 1-based items where "no" scores the point
    # How a result states `positive`; the AUDIT has zones, not a positive screen, so it says what this tool means.
    positive_wording: str = "{yes} screen ({at} or more is positive)."
    settings: tuple[Setting, ...] = ()
    asked_if_yes: dict[int, int] | None = None  # item -> the earlier item that must be "yes" for it to be asked
    running_total: bool = True  # False where the result is a risk level, not a total of points
    form_note: str = ""  # said at the top of the form; **words** are shown in bold

    @property
    def item_count(self) -> int:
        return len(self.item_labels)

    @property
    def yes_no(self) -> bool:
        return self.item_values[0] == YES_NO

    @property
    def max_total(self) -> int:
        return sum(max(values) for values in self.item_values)

    def choices(self, number: int) -> tuple[tuple[str, object], ...]:
        """Item `number`'s answers as (wording, value), in the order the form offers them."""
        values = self.item_values[number - 1]
        if values == YES_NO:
            return YES_NO_ANSWERS
        labels = self.answer_labels or {}
        return tuple((f"{v} {labels[v]}" if v in labels else str(v), v) for v in values)

    def asked(self, answers: Sequence) -> tuple[bool, ...]:
        """Which items are asked, given the answers so far (None = not answered): an item that follows a
        "yes" is asked only once that earlier item is answered "yes".

        >>> INSTRUMENTS["cssrs"].asked([True, False, None, None, None, None])
        (True, True, False, False, False, True)
        """
        gates = self.asked_if_yes or {}
        return tuple(number not in gates or answers[gates[number] - 1] is True
                     for number in range(1, self.item_count + 1))

    def setting(self, name: str) -> Setting:
        for setting in self.settings:
            if setting.name == name:
                return setting
        raise KeyError(f"{self.key}: no setting {name!r}")

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.contains(total):
                return band
        raise ValueError(f"{self.key}: total {total} is outside 0-{self.max_total}")

    def band_index(self, name: str) -> int:
        return [b.name for b in self.bands].index(name)


# Section 14.2 [S]: the table "PHQ-9 Scores and Proposed Treatment Actions", quoted word for word. The
# actions are written for prescribing clinicians; the course's counselor-scope wording is in
# widgets.screening and is labelled as the course's own.
PHQ9_ACTIONS_REPORTED_BY = ("reported by reproductions of the PHQ Instruction Manual's Table 4 (\"PHQ-9 Scores and "
                            "Proposed Treatment Actions\"), citing Kroenke & Spitzer, Psychiatr Ann "
                            "2002;32(9):509\u2013515")
PHQ9_ITEM9 = 9
GAD7_REPORTED_BY = ("reported by the GAD-7 instrument scoring text, which cites Spitzer et al., "
                    "Arch Intern Med 2006;166:1092-1097")
AUDIT_ZONE4_REPORTED_BY = ("reported by an AUDIT risk-levels table and a copy of the WHO AUDIT guidelines "
                           "(2001); not read in the WHO text itself")
DAST_POSITIVE_REPORTED_BY = ("reported by a secondary DAST-10 page: the bands are a widely used convention, "
                             "not in Skinner's 1982 paper, and 3 or more is the most often cited positive screen")

# The guidelines' band 0 is "none", with no further step (DAST-ACG). The course words it as what this screen
# does and does not ask for, so a result never reads as "do nothing"; the part after ";" is the course's own.
DAST_NONE_STEP = "no further drug-use action indicated by this screen; keep screening as your agency requires"
DAST_NO_USE = "reports no drug use other than for medical reasons in the past 12 months"

_PCL5_LABELS = (
    "Repeated disturbing memories", "Disturbing dreams", "Feeling or acting as if it were happening again",
    "Upset when reminded", "Strong physical reactions to reminders", "Avoiding memories, thoughts or feelings",
    "Avoiding external reminders", "Trouble remembering important parts", "Strong negative beliefs",
    "Blaming self or others", "Strong negative feelings", "Loss of interest in activities",
    "Feeling distant or cut off", "Trouble feeling positive feelings", "Irritable behavior or angry outbursts",
    "Taking too many risks", "Being superalert or on guard", "Feeling jumpy or easily startled",
    "Difficulty concentrating", "Trouble falling or staying asleep",
)
PCL5_CLUSTERS = {"B": range(1, 6), "C": range(6, 8), "D": range(8, 15), "E": range(15, 21)}
PCL5_CLUSTER_MINIMUM = {"B": 1, "C": 1, "D": 2, "E": 2}
PCL5_CUTOFF_RANGE = (31, 33)
CSSRS_QUESTIONS = ("Wish to be dead", "Suicidal thoughts", "Thoughts of a method", "Intent without plan",
                   "Intent with plan", "Suicidal behavior")
# The screener's flow (reported by a copy of the screener text): Q3-Q5 only after a "yes" to Q2; Q6 always.
CSSRS_FLOW_ITEMS = {3: 2, 4: 2, 5: 2}
CSSRS_BEHAVIOR_ITEM = 6

AUDITC_POSITIVE_AT = {"male": 4, "female": 3}
AUDIT_NEXT_HIGHER = {"2+ on Q4-6": (range(4, 7), 2), "4 on Q9-10": (range(9, 11), 4)}
CAGEAID_THRESHOLDS = (1, 2)

INSTRUMENTS: dict[str, Instrument] = {
    "phq9": Instrument(
        "phq9", "PHQ-9", "depression", "PHQ-9 (Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613)",
        ("Interest or pleasure in doing things", "Feeling down, depressed or hopeless", "Sleep",
         "Tiredness or little energy", "Appetite", "Feeling bad about yourself", "Concentration",
         "Moving or speaking slowly, or restlessness", "Thoughts of death or of self-harm"),
        (RATING_0_3,) * 9, ("PHQ9-KROENKE", "PHQ9-ACTIONS-S"),
        bands=tuple(Band(name, low, high, action, action_reported_by=PHQ9_ACTIONS_REPORTED_BY)
                    for name, low, high, action in (
                        ("minimal", 0, 4, "None"),
                        ("mild", 5, 9, "Watchful waiting; repeat PHQ-9 at follow-up"),
                        ("moderate", 10, 14, "Treatment plan, considering counseling, follow-up and/or pharmacotherapy"),
                        ("moderately severe", 15, 19, "Active treatment with pharmacotherapy and/or psychotherapy"),
                        ("severe", 20, 27, "Immediate initiation of pharmacotherapy and, if severe impairment or poor "
                                           "response to therapy, expedited referral to a mental health specialist for "
                                           "psychotherapy and/or collaborative management"))),
        positive_at=10, answer_labels=PHQ_GAD_ANSWERS,
        positive_wording="{yes} screen for depression ({at} or more is positive).",
        form_note=("Item 9 (thoughts of death or self-harm) is read on its own, whatever the total: any answer above 0 "
                   "shows a **Safety first** box with what to do now.")),
    "gad7": Instrument(
        "gad7", "GAD-7", "anxiety", "GAD-7 (Spitzer et al., Arch Intern Med 2006;166:1092-1097)",
        ("Feeling nervous, anxious or on edge", "Not able to stop or control worrying", "Worrying too much",
         "Trouble relaxing", "Restlessness", "Easily annoyed or irritable", "Feeling afraid something awful might happen"),
        (RATING_0_3,) * 7, ("GAD7-SCORING", "GAD7-SPITZER"),
        bands=tuple(Band(name, low, high, reported_by=GAD7_REPORTED_BY)
                    for name, low, high in (("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21))),
        positive_at=10, positive_reported_by=GAD7_REPORTED_BY, answer_labels=PHQ_GAD_ANSWERS),
    "audit": Instrument(
        "audit", "AUDIT", "alcohol use",
        ("AUDIT, in WHO, AUDIT: Guidelines for Use in Primary Care, 2nd ed. (Babor, Higgins-Biddle, Saunders, "
         "Monteiro; 2001)"),
        ("How often you drink", "Drinks on a typical day", "How often 6 or more drinks", "Could not stop once started",
         "Failed to do what was expected", "Needed a morning drink", "Guilt or remorse after drinking",
         "Could not remember the night before", "Injury because of drinking", "Someone concerned about your drinking"),
        (RATING_0_4,) * 8 + ((0, 2, 4),) * 2, ("AUDIT-ACG", "AUDIT-WHO"),
        bands=(Band("low risk", 0, 7, "alcohol education"), Band("hazardous", 8, 15, "simple advice"),
               Band("harmful", 16, 19, "simple advice plus brief counseling and monitoring"),
               Band("possible dependence", 20, 40, "refer for diagnostic evaluation and treatment",
                    reported_by=AUDIT_ZONE4_REPORTED_BY)),
        positive_at=8,
        positive_wording=("The total is {above} zone I (low risk). The guideline names zones, not a positive screen; "
                          "this tool's 'positive' means above zone I.")),
    "auditc": Instrument(
        "auditc", "AUDIT-C", "alcohol use", "AUDIT-C: the first three (consumption) questions of the WHO AUDIT",
        ("How often you drink", "Drinks on a typical day", "How often 6 or more drinks"),
        (RATING_0_4,) * 3, ("AUDITC-DELANEY", "AUDITC-EMH"),
        settings=(Setting("sex", "Sex (the cut-off differs)", (("Female", "female"), ("Male", "male")), "sex"),)),
    "dast10": Instrument(
        "dast10", "DAST-10", "drug use (not alcohol), past 12 months",
        "DAST-10 (Skinner HA, Addictive Behaviors 1982;7(4):363-371)",
        ("Used drugs other than for medical reasons", "Used more than one drug at a time",
         "Always able to stop using when wanted (reverse-scored)", "Blackouts or flashbacks",
         "Felt bad or guilty about drug use", "Family complained about drug use", "Neglected family because of drug use",
         "Illegal activities to obtain drugs", "Withdrawal symptoms when stopping", "Medical problems from drug use"),
        (YES_NO,) * 10, ("DAST-ACG",),
        bands=(Band("none", 0, 0, DAST_NONE_STEP), Band("low", 1, 2, "monitor and reassess"),
               Band("moderate", 3, 5, "further investigation"), Band("substantial", 6, 8, "intensive assessment"),
               Band("severe", 9, 10, "intensive assessment")),
        positive_at=3, positive_reported_by=DAST_POSITIVE_REPORTED_BY, reverse_items=frozenset({3})),
    "pcl5": Instrument(
        "pcl5", "PCL-5", "PTSD symptoms, past month", "PTSD Checklist for DSM-5 (PCL-5), Weathers et al. 2013, National Center for PTSD",
        _PCL5_LABELS, (RATING_0_4,) * 20, ("PCL5-ACG", "PCL5-ISTSS", "PCL5-REVIEW"),
        positive_at=PCL5_CUTOFF_RANGE[1], answer_labels=PCL5_ANSWERS,
        settings=(Setting("cutoff", f"Cut-off (the source gives {PCL5_CUTOFF_RANGE[0]}-{PCL5_CUTOFF_RANGE[1]})",
                          tuple((str(c), c) for c in range(PCL5_CUTOFF_RANGE[0], PCL5_CUTOFF_RANGE[1] + 1)),
                          "cut-off", default=PCL5_CUTOFF_RANGE[1]),)),
    "cageaid": Instrument(
        "cageaid", "CAGE-AID", "alcohol and drug use", "CAGE-AID (Brown RL, Rounds LA, Wisconsin Medical Journal 1995;94(3):135-140)",
        ("Cut down", "Annoyed", "Guilty", "Eye-opener"), (YES_NO,) * 4, ("CAGEAID-FORM", "CAGEAID-OPR"),
        positive_at=CAGEAID_THRESHOLDS[0],
        settings=(Setting("threshold", "Positive at", tuple((f"{t} or more yes", t) for t in CAGEAID_THRESHOLDS),
                          "positive at", default=CAGEAID_THRESHOLDS[0]),)),
    "cssrs": Instrument(
        "cssrs", "C-SSRS Screener", "suicide risk", "Columbia-Suicide Severity Rating Scale (C-SSRS), Screener version",
        CSSRS_QUESTIONS, (YES_NO,) * 6, ("CSSRS-NINDS", "CSSRS-COL-TRIAGE", "CSSRS-WORKFLOW", "CSSRS-FORM"),
        settings=(Setting("recent_behavior", "6b. Was that behavior within the past 3 months?", YES_NO_ANSWERS, "6b",
                          follows_yes_to=CSSRS_BEHAVIOR_ITEM),),
        asked_if_yes=CSSRS_FLOW_ITEMS, running_total=False,
        form_note=(f"Q3 to Q5 appear only when Q2 is yes. Any \"yes\" shows a **Safety first** box with what to do "
                   f"now. Where to get help: **{CRISIS_LINE}** {EMERGENCY_LINE}")),
}


def instrument(key: str) -> Instrument:
    """The instrument's definition, or a ValueError that lists the known ones."""
    try:
        return INSTRUMENTS[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown instrument {key!r}: choose one of {', '.join(INSTRUMENTS)}") from None
