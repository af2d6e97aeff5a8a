"""A client's IOP timeline: PHQ-9, GAD-7, attendance and drug-test results on one time axis.

`timeline(client, weeks)` checks a list of weekly records once and reads them: the PHQ-9 and GAD-7
trajectories on their severity bands (widgets.progress, the same band tables as scoring), each change from
the first score that reaches the minimal clinically important difference the clinical reference gives
(section 11: 5 points on the PHQ-9, Löwe et al. 2004; 4 points on the GAD-7, Toussaint et al. 2020), PHQ-9
response and remission under the one definition this course uses, every PHQ-9 item 9 answer above 0 (a
safety flag with its steps, section 14.1), missed sessions and positive tests. `draw_timeline(result)` draws
the same result; its text alternative says what the picture shows.

The model sets no attendance threshold and no drug-test rule of its own: the reference has no primary source
for either (section 11, "Not found"). It lists what happened so that the counselor brings it to the
treatment-plan review.

    >>> result = timeline("Example", [
    ...     {"week": 1, "phq9": 11, "item9": 0, "gad7": 9, "attended": 3, "missed": 0, "test": "negative"},
    ...     {"week": 2, "phq9": 16, "item9": 0, "gad7": 9, "attended": 1, "missed": 2, "test": "not done"}])
    >>> [(f.week, f.kind) for f in result.flags]
    [(2, 'phq9 worse'), (2, 'missed')]
    >>> result.weeks[1].test
    'not done'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt

from widgets.figures import FONT_SIZE, HATCHES, PALETTE, AccessibleFigure, new_figure
from widgets.progress import BAND_SHADES, ITEM9_REMINDER, Trajectory, trajectory

# Section 11 of the clinical reference: minimal clinically important differences for individual change.
MCID = {"phq9": 5, "gad7": 4}
MCID_SOURCE = {"phq9": "LOWE-2004", "gad7": "TOUSSAINT-2020"}
MCID_SAID = {
    "phq9": "A change of 5 points or more on the PHQ-9 is clinically meaningful: the minimal clinically important "
            "difference for individual change estimated by Löwe et al. (2004).",
    "gad7": "A change of 4 points or more on the GAD-7 is clinically meaningful: the minimal clinically important "
            "difference estimated by Toussaint et al. (2020), who ask for it to be confirmed in anxiety-focused "
            "trials.",
}
# CONFLICT in section 11: several definitions of PHQ-9 "response" exist. The course uses one and says whose.
RESPONSE_DEFINITION = ("This course uses one definition of PHQ-9 response: a drop of 50% or more from the first "
                       "score, starting from 10 or more (the Kaiser Permanente study in Psychiatric Services and "
                       "quality measure CBE 1885); remission is a score under 5 (the same study). Other sources "
                       "define response differently, for example as a score under 10.")
TEST_SAID = ("A test result can verify, contradict or add to what the client reports (as reported by a laboratory "
             "company's summary of SAMHSA's TAP 32); it is not a diagnosis. Talk it over with the client and your "
             "supervisor and bring it to the plan review.")
MISSED_SAID = "Ask about the missed sessions and bring them to the plan review: keeping the client in treatment is a priority (TIP 47)."
PLAN_SAID = ("Bring these flags to a treatment-plan review with the client: a plan \"must be assessed continually "
             "and modified as necessary\" (NIDA, Principles of Drug Addiction Treatment, 1999).")
ATTENDANCE_LIMIT = 21  # sessions in a week: more than three a day is a typing slip, not a week of IOP
_POSITIVE = re.compile(r"^positive for ([a-z][a-z -]*[a-z])$")


@dataclass(frozen=True)
class WeekRecord:
    """One week of the timeline. Scores and item 9 are None when not given that week."""

    week: int
    phq9: int | None = None
    item9: int | None = None
    gad7: int | None = None
    attended: int = 0
    missed: int = 0
    test: str = "not done"  # "negative", "not done" or "positive for <substance>"

    @property
    def positive_for(self) -> str | None:
        found = _POSITIVE.match(self.test)
        return found[1] if found else None

    def said(self) -> str:
        parts = [f"Week {self.week}:"]
        if self.phq9 is not None:
            parts.append(f"PHQ-9 {self.phq9}" + (f" (item 9: {self.item9})" if self.item9 is not None else ""))
        if self.gad7 is not None:
            parts.append(f"GAD-7 {self.gad7}")
        parts.append(f"attended {self.attended} of {self.attended + self.missed} sessions")
        parts.append(f"drug test {self.test}")
        return " ".join(parts[:1]) + " " + ", ".join(parts[1:])


@dataclass(frozen=True)
class Flag:
    week: int
    kind: str  # "phq9 worse", "phq9 better", "gad7 worse", "gad7 better", "response", "remission",
    #            "item 9", "missed", "positive test"
    text: str
    sources: tuple[str, ...] = ()

    @property
    def safety(self) -> bool:
        return self.kind == "item 9"


@dataclass(frozen=True)
class Timeline:
    """Checked weekly records of one client and what they show."""

    client: str
    weeks: tuple[WeekRecord, ...]
    phq9: Trajectory
    gad7: Trajectory
    flags: tuple[Flag, ...] = field(default=())

    def flags_of(self, kind: str) -> list[Flag]:
        return [f for f in self.flags if f.kind == kind]

    @property
    def plan_review_reasons(self) -> list[str]:
        """What the counselor brings to the treatment-plan review: every flag except an improvement."""
        return [f"week {f.week}: {f.text}" for f in self.flags if not f.kind.endswith("better")
                and f.kind not in ("response", "remission")]

    @property
    def next_steps(self) -> list[str]:
        """What to do about the flags, said once per kind: safety first."""
        kinds = {f.kind for f in self.flags}
        steps = [ITEM9_REMINDER] if "item 9" in kinds else []
        steps += [MCID_SAID[key] for key in ("phq9", "gad7") if kinds & {f"{key} worse", f"{key} better"}]
        if kinds & {"response", "remission"}:
            steps.append(RESPONSE_DEFINITION)
        if "missed" in kinds:
            steps.append(MISSED_SAID)
        if "positive test" in kinds:
            steps.append(TEST_SAID)
        if self.plan_review_reasons:
            steps.append(PLAN_SAID)
        return steps

    @property
    def summary(self) -> str:
        """One or two sentences for the view's message: safety first, then what changed."""
        safety = [f for f in self.flags if f.safety]
        others = [f for f in self.flags if not f.safety]
        said = []
        if safety:
            said.append("Safety first: " + "; ".join(f"week {f.week}: {f.text}" for f in safety) + ".")
        if others:
            said.append("Flags: " + "; ".join(f"week {f.week}: {f.text}" for f in others) + ".")
        else:
            said.append("No flags: no clinically meaningful change, missed session or positive test.")
        return " ".join(said + self.next_steps)

    @property
    def description(self) -> str:
        """Everything the chart shows, in words: its text alternative."""
        if not self.weeks:
            return f"{self.client}'s timeline has no weeks yet."
        first, last = self.weeks[0].week, self.weeks[-1].week
        listed = "; ".join(w.said() for w in self.weeks)
        bands = " ".join(part for part in (self.phq9.description, self.gad7.description) if part)
        flags = ("Flags: " + "; ".join(f"week {f.week}: {f.text}" for f in self.flags) + ". "
                 + " ".join(self.next_steps)) if self.flags else "No flags."
        return (f"{self.client}'s timeline, weeks {first} to {last}, on one time axis: PHQ-9 and GAD-7 totals "
                f"on their severity bands, sessions attended and missed, and drug-test results. {listed}. "
                f"{bands} {flags}")


def _whole(value, name: str, week_label: str, low: int, high: int, optional: bool):
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{week_label}: {name} must be a whole number from {low} to {high}"
                         + (" (or left out)" if optional else "") + f"; got {value!r}")
    return value


def _test_result(value, week_label: str) -> str:
    text = " ".join(str(value).lower().split()) if isinstance(value, str) else value
    if text in ("negative", "not done") or (isinstance(text, str) and _POSITIVE.match(text)):
        return text
    raise ValueError(f"{week_label}: the drug test must be \"negative\", \"not done\" or \"positive for\" and "
                     f"the substance (for example \"positive for cocaine\"); got {value!r}")


def week_record(entry) -> WeekRecord:
    """Check one week given as a mapping (or a WeekRecord) and return it as a WeekRecord."""
    if isinstance(entry, WeekRecord):
        entry = entry.__dict__
    if not isinstance(entry, Mapping):
        raise ValueError(f"each week must be a set of named values such as {{\"week\": 1, \"phq9\": 11}}; "
                         f"got {entry!r}")
    unknown = sorted(set(entry) - set(WeekRecord.__dataclass_fields__))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}: a week has week, phq9, item9, gad7, attended, missed "
                         "and test")
    week = entry.get("week")
    if isinstance(week, bool) or not isinstance(week, int) or week < 1:
        raise ValueError(f"each week needs a week number, a whole number from 1; got {week!r}")
    label = f"week {week}"
    phq9 = _whole(entry.get("phq9"), "the PHQ-9 total", label, 0, 27, optional=True)
    item9 = _whole(entry.get("item9"), "PHQ-9 item 9", label, 0, 3, optional=True)
    if item9 is not None and phq9 is None:
        raise ValueError(f"{label}: PHQ-9 item 9 is given without a PHQ-9 total")
    if item9 is not None and item9 > phq9:
        raise ValueError(f"{label}: PHQ-9 item 9 ({item9}) cannot be more than the PHQ-9 total ({phq9})")
    gad7 = _whole(entry.get("gad7"), "the GAD-7 total", label, 0, 21, optional=True)
    attended = _whole(entry.get("attended", 0), "sessions attended", label, 0, ATTENDANCE_LIMIT, optional=False)
    missed = _whole(entry.get("missed", 0), "sessions missed", label, 0, ATTENDANCE_LIMIT, optional=False)
    test = _test_result(entry.get("test", "not done"), label)
    return WeekRecord(week, phq9, item9, gad7, attended, missed, test)


def _meaningful_changes(key: str, weeks: Sequence[WeekRecord]) -> list[Flag]:
    scored = [(w.week, getattr(w, key)) for w in weeks if getattr(w, key) is not None]
    if len(scored) < 2:
        return []
    name = "PHQ-9" if key == "phq9" else "GAD-7"
    (first_week, first), flags, last_direction = scored[0], [], None
    for week, score in scored[1:]:
        change = score - first
        direction = "worse" if change >= MCID[key] else "better" if -change >= MCID[key] else None
        if direction and direction != last_direction:  # flag the week a meaningful change is first reached
            verb = "up" if change > 0 else "down"
            flags.append(Flag(week, f"{key} {direction}",
                              f"{name} {verb} {abs(change)} points from week {first_week} ({first} to {score}): "
                              f"clinically meaningful {'worsening' if direction == 'worse' else 'improvement'} "
                              f"({MCID[key]} points or more)", (MCID_SOURCE[key],)))
        last_direction = direction
    return flags


def _response(weeks: Sequence[WeekRecord]) -> list[Flag]:
    scored = [(w.week, w.phq9) for w in weeks if w.phq9 is not None]
    if len(scored) < 2 or scored[0][1] < 10:
        return []
    (first_week, first), flags, kinds = scored[0], [], set()
    for week, score in scored[1:]:
        if "response" not in kinds and 2 * score <= first:
            kinds.add("response")
            flags.append(Flag(week, "response", f"PHQ-9 response: {first} to {score}, a drop of 50% or more from "
                              f"week {first_week} (the definition this course uses)", ("PS-2020-MBC", "CBE-1885")))
        if "remission" not in kinds and score < 5:
            kinds.add("remission")
            flags.append(Flag(week, "remission", f"PHQ-9 remission: {score}, under 5", ("PS-2020-MBC",)))
    return flags


def timeline(client: str, weeks: Sequence) -> Timeline:
    """Check the weekly records (weeks in increasing order) and read them: trajectories, flags."""
    if not isinstance(client, str) or not client.strip():
        raise ValueError("give the client's name (a fictional name)")
    if isinstance(weeks, (str, bytes, Mapping)) or not isinstance(weeks, Sequence):
        raise ValueError("give the weeks as a list, one set of values per week")
    records = [week_record(entry) for entry in weeks]
    numbers = [r.week for r in records]
    if any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)):
        raise ValueError(f"the weeks must be in increasing order, each once; got weeks {numbers}")
    phq9 = trajectory("phq9", [r.phq9 for r in records if r.phq9 is not None],
                      [r.week for r in records if r.phq9 is not None])
    gad7 = trajectory("gad7", [r.gad7 for r in records if r.gad7 is not None],
                      [r.week for r in records if r.gad7 is not None])
    flags = _meaningful_changes("phq9", records) + _meaningful_changes("gad7", records) + _response(records)
    for record in records:
        if record.item9:
            flags.append(Flag(record.week, "item 9", f"PHQ-9 item 9 answered {record.item9}: the safety step today",
                              ("PHQ9-Q9-PFIZER-S", "SIMON-2013", "WY-988")))
        if record.missed:
            flags.append(Flag(record.week, "missed",
                              f"missed {record.missed} of {record.attended + record.missed} sessions",
                              ("T47-CH2",)))
        if record.positive_for:
            flags.append(Flag(record.week, "positive test", f"drug test {record.test}",
                              ("ACLS-TAP32", "ASAM-DT-2017")))
    flags.sort(key=lambda f: (f.week, not f.safety))
    return Timeline(client.strip(), tuple(records), phq9, gad7, tuple(flags))


def _draw_scores(ax, result: Trajectory, flags: list[Flag], right: float) -> None:
    spec = result.spec
    for index, band in enumerate(spec.bands):
        ax.axhspan(band.low - 0.5, band.high + 0.5, color=BAND_SHADES[index % len(BAND_SHADES)], zorder=0)
        ax.text(1.01, (band.low + band.high) / 2, f"{band.name} ({band.low}-{band.high})", va="center",
                transform=ax.get_yaxis_transform(), fontsize=FONT_SIZE - 2)
    if result.scores:
        ax.plot(result.weeks, result.scores, marker="o", markersize=7, color=PALETTE["blue"], linewidth=2,
                zorder=3, label=f"{spec.name} total")
        for week, value in zip(result.weeks, result.scores, strict=True):
            ax.annotate(str(value), (week, value), xytext=(0, 8), textcoords="offset points", ha="center")
    worse = [(f.week, dict(zip(result.weeks, result.scores, strict=True))[f.week]) for f in flags]
    if worse:
        ax.plot([w for w, _ in worse], [s for _, s in worse], linestyle="none", marker="^", markersize=15,
                markerfacecolor="none", markeredgecolor=PALETTE["vermillion"], markeredgewidth=2.5, zorder=4,
                label=f"worse by {MCID[spec.key]}+ points since the first score")
    ax.set_ylim(-0.5, spec.max_total + 0.5)
    ax.set_yticks([band.low for band in spec.bands] + [spec.max_total])
    ax.set_ylabel(f"{spec.name} total")
    if result.scores:
        ax.legend(loc="upper left", fontsize=FONT_SIZE - 2)


def draw_timeline(result: Timeline, title: str | None = None) -> AccessibleFigure:
    """PHQ-9 and GAD-7 on their shaded bands above the sessions attended and missed (hatched bars), with
    each week's drug test written under its bar; item 9 above 0 and positive tests are marked in words."""
    title = title or f"{result.client}'s timeline"
    numbers = [w.week for w in result.weeks] or [1]
    with plt.rc_context({"font.size": FONT_SIZE}):
        fig = new_figure(9, 8.5, axes=False)
        axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [3, 3, 2]})
        right = numbers[-1] + 0.6
        _draw_scores(axes[0], result.phq9, result.flags_of("phq9 worse"), right)
        _draw_scores(axes[1], result.gad7, result.flags_of("gad7 worse"), right)
        for flag in result.flags_of("item 9"):
            record = next(w for w in result.weeks if w.week == flag.week)
            axes[0].annotate(f"item 9: {record.item9}", (flag.week, record.phq9), xytext=(0, -24),
                             textcoords="offset points", ha="center", fontweight="bold",
                             color=PALETTE["black"],
                             bbox={"facecolor": "white", "edgecolor": PALETTE["vermillion"], "pad": 2})
        bars = axes[2]
        weeks = [w.week for w in result.weeks]
        attended = [w.attended for w in result.weeks]
        missed = [w.missed for w in result.weeks]
        bars.bar(weeks, attended, width=0.6, color=PALETTE["bluish green"], hatch=HATCHES[1], edgecolor="black",
                 label="sessions attended")
        bars.bar(weeks, missed, width=0.6, bottom=attended, color="white", hatch=HATCHES[3], edgecolor="black",
                 label="sessions missed")
        top = max([a + m for a, m in zip(attended, missed, strict=True)] + [1])
        for record in result.weeks:
            label = record.test if not record.positive_for else f"POSITIVE\n{record.positive_for}"
            bars.text(record.week, -0.18 * top, label, ha="center", va="top", fontsize=FONT_SIZE - 2,
                      fontweight="bold" if record.positive_for else "normal")
        bars.set_ylim(-0.55 * top, top + 0.5)
        bars.set_yticks(range(0, top + 1))
        bars.set_ylabel("Sessions")
        bars.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=FONT_SIZE - 2)
        bars.set_xlim(numbers[0] - 0.6, right)
        bars.set_xticks(numbers)
        bars.set_xlabel("Week (drug test result under each week)")
        axes[0].set_title(title)
    return AccessibleFigure.from_matplotlib(fig, title, result.description)


def timeline_chart(client: str, weeks: Sequence, title: str | None = None) -> AccessibleFigure:
    """Check the weeks and draw them (see draw_timeline)."""
    return draw_timeline(timeline(client, weeks), title)
