"""An IOP week: sessions (kind, day, hours) added up and checked against the IOP minimum hours.

`check_week` is the model; `draw_week` draws a WeekCheck it is given, so a view checks a week once and shows
that result (`week_chart` checks and draws in one call).

The minimum is 9 hours a week for adults and 6 for adolescents (SAMHSA Advisory citing ASAM 3rd ed.) [A2].
The Virginia Medicaid regulation puts IOP (Level 2.1) at 9-19 hours a week for adults and 6-19 for children
and adolescents [VA-DMAS-2.1], and partial hospitalization (Level 2.5) at 20 or more [VA-DMAS-2.5].
"Fewer than 9/6 hours is Level 1 outpatient" is secondary [S] and always attributed.

Every check also says that the state's rules and payers decide which services count toward the weekly
hours. That sentence is the course's summary of the state regulations the reference gives: Virginia's
Medicaid regulation lists the services an IOP (Level 2.1) must provide [VA-DMAS-2.1], and its licensing rule
sets at least 3 service hours a day and 9-19 a week [VA-DBHDS-2.1].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from widgets.figures import FONT_SIZE, HATCHES, PALETTE, SEQUENCE, AccessibleFigure, new_figure

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Core services the SAMHSA Advisory names as examples [A2]; any other kind may be added too.
SESSION_KINDS = ("group therapy", "individual counseling", "family psychoeducation", "case management")
MINIMUM_HOURS = {"adult": 9, "adolescent": 6}
PARTIAL_HOSPITALIZATION_HOURS = 20
POPULATION_WORDS = {"adult": "adults", "adolescent": "adolescents"}
WHAT_COUNTS = ("Which services count toward the weekly hours is set by your state's rules and payers (the course's "
               "summary). For example, Virginia's Medicaid regulation (12VAC30-130-5090) lists the services an IOP "
               "at ASAM Level 2.1 must provide, and Virginia's licensing rule for IOP Level 2.1 (12VAC35-105) requires "
               "at least 3 service hours a day. Ask your supervisor which of your program's sessions count.")
WHAT_COUNTS_SOURCES = ("VA-DMAS-2.1", "VA-DBHDS-2.1")


@dataclass(frozen=True)
class ScheduledSession:
    """One session of the week: its kind, its day and its length in hours."""

    kind: str
    day: str
    hours: float

    def __post_init__(self):
        if not isinstance(self.kind, str) or not self.kind.strip():
            raise ValueError(f"iop week: a session needs a kind, such as {SESSION_KINDS[0]!r}; got {self.kind!r}")
        object.__setattr__(self, "kind", self.kind.strip())
        object.__setattr__(self, "day", _day(self.day))
        if isinstance(self.hours, bool) or not isinstance(self.hours, (int, float)) or not 0 < self.hours <= 24:
            raise ValueError(f"iop week: session hours must be a number above 0 and at most 24; got {self.hours!r}")


def _day(value) -> str:
    if isinstance(value, str):
        for day in DAYS:
            if value.strip().lower() in (day.lower(), day[:3].lower()):
                return day
    raise ValueError(f"iop week: day must be one of {', '.join(DAYS)}; got {value!r}")


@dataclass(frozen=True)
class WeekCheck:
    population: str
    total: float
    minimum_hours: int
    meets_minimum: bool
    partial_hospitalization_hours: bool  # 20 or more hours: the Level 2.5 boundary in the Virginia regulation
    hours_by_day: dict[str, float]
    message: str
    sources: tuple[str, ...]
    sessions: tuple[ScheduledSession, ...] = ()  # the week that was checked, in the order given


def _sessions(sessions: Iterable) -> list[ScheduledSession]:
    made = []
    for item in sessions:
        made.append(item if isinstance(item, ScheduledSession) else ScheduledSession(*item))
    for day in DAYS:
        if sum(s.hours for s in made if s.day == day) > 24:
            raise ValueError(f"iop week: {day} has more than 24 hours of sessions")
    return made


def check_week(sessions: Iterable, population: str = "adult") -> WeekCheck:
    """Add up a week of sessions ((kind, day, hours) tuples or ScheduledSession objects) and check the IOP
    minimum."""
    if population not in MINIMUM_HOURS:
        raise ValueError(f'iop week: population must be "adult" or "adolescent"; got {population!r}')
    made = _sessions(sessions)
    by_day = {day: sum(s.hours for s in made if s.day == day) for day in DAYS}
    total = sum(by_day.values())
    minimum = MINIMUM_HOURS[population]
    people = POPULATION_WORDS[population]
    rule = ("The IOP minimum is 9 hours a week for adults and 6 for adolescents (SAMHSA, citing the ASAM "
            "Criteria, 3rd ed.).")
    if total < minimum:
        sources = ("A2", "MIDSHORE-GLOSS", "OEP-ASAM-LOC")
        message = (f"{total:g} hours this week: below the IOP minimum of {minimum} hours for {people}. {rule} "
                   "Reported by secondary summaries of the ASAM Criteria: fewer than 9 hours a week for adults "
                   "(fewer than 6 for adolescents) is Level 1 outpatient.")
    elif total < PARTIAL_HOSPITALIZATION_HOURS:
        sources = ("A2", "VA-DMAS-2.1")
        message = (f"{total:g} hours this week: meets the IOP minimum of {minimum} hours for {people}. {rule} "
                   "The Virginia Medicaid regulation (12VAC30-130-5090) sets IOP at 9-19 hours a week for adults and "
                   "6-19 for children and adolescents.")
    else:
        sources = ("A2", "VA-DMAS-2.5")
        message = (f"{total:g} hours this week: meets the IOP minimum of {minimum} hours for {people}, and reaches "
                   f"{PARTIAL_HOSPITALIZATION_HOURS} hours, the Virginia Medicaid regulation's (12VAC30-130-5100) "
                   f"boundary for Level 2.5 partial hospitalization (at least {PARTIAL_HOSPITALIZATION_HOURS} hours a "
                   f"week). {rule}")
    sources = tuple(dict.fromkeys(sources + WHAT_COUNTS_SOURCES))
    return WeekCheck(population, total, minimum, total >= minimum, total >= PARTIAL_HOSPITALIZATION_HOURS,
                     by_day, f"{message} {WHAT_COUNTS}", sources, tuple(made))


def _kinds(made: Sequence[ScheduledSession]) -> list[str]:
    ordered = [k for k in SESSION_KINDS if any(s.kind == k for s in made)]
    return ordered + sorted({s.kind for s in made} - set(ordered))


def week_chart(sessions: Iterable, population: str = "adult", title: str = "IOP week") -> AccessibleFigure:
    """Check a week of sessions and draw it (see draw_week)."""
    return draw_week(check_week(sessions, population), title)


def draw_week(result: WeekCheck, title: str = "IOP week") -> AccessibleFigure:
    """A checked week as hours by day stacked by session kind, beside the week's total against the minimum."""
    made = result.sessions
    kinds = _kinds(made)
    with plt.rc_context({"font.size": FONT_SIZE, "hatch.linewidth": 1.2}):
        fig = new_figure(10.5, 5.0, axes=False)
        # Fixed spacing instead of a layout pass: saving with a tight box (figures.py) takes in whatever
        # sticks out (the legend below, the labels right of the week bar), so only the inner gaps are set.
        days_ax, week_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [5, 1.3], "wspace": 0.18,
                                                           "top": 0.86, "bottom": 0.3, "left": 0.07,
                                                           "right": 0.86})
        short_days = [d[:3] for d in DAYS]
        bottoms, week_bottom = [0.0] * len(DAYS), 0.0
        for index, kind in enumerate(kinds):
            hours = [sum(s.hours for s in made if s.kind == kind and s.day == d) for d in DAYS]
            style = {"color": SEQUENCE[index % len(SEQUENCE)], "hatch": HATCHES[index % len(HATCHES)],
                     "edgecolor": PALETTE["black"], "linewidth": 0.8}
            days_ax.bar(short_days, hours, bottom=bottoms, label=kind, **style)
            week_ax.bar(["Week"], [sum(hours)], bottom=[week_bottom], **style)
            bottoms = [b + h for b, h in zip(bottoms, hours, strict=True)]
            week_bottom += sum(hours)
        days_ax.set_ylabel("Hours")
        days_ax.set_title("Hours by day")
        days_ax.set_ylim(0, max([*bottoms, 4]) + 1)
        if kinds:
            days_ax.legend(title="Session kind", loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2,
                           fontsize=FONT_SIZE - 1)
        top = max(result.total, PARTIAL_HOSPITALIZATION_HOURS) + 2
        week_ax.axhline(result.minimum_hours, color=PALETTE["black"], linestyle="--", linewidth=2, zorder=3)
        week_ax.text(1.04, result.minimum_hours, f"IOP minimum\n{result.minimum_hours} h (dashed)", va="center",
                     transform=week_ax.get_yaxis_transform())
        week_ax.axhline(PARTIAL_HOSPITALIZATION_HOURS, color=PALETTE["vermillion"], linestyle=":", linewidth=2.5, zorder=3)
        week_ax.text(1.04, PARTIAL_HOSPITALIZATION_HOURS, "20 h: Level 2.5,\nVirginia (dotted)", va="center",
                     transform=week_ax.get_yaxis_transform())
        week_ax.set_ylim(0, top)
        for axis in (days_ax, week_ax):
            axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        week_ax.set_title(f"Total {result.total:g} h")
        fig.suptitle(f"{title} ({result.population})")
    day_parts = []
    for day in DAYS:
        if result.hours_by_day[day]:
            detail = ", ".join(f"{s.kind} {s.hours:g} h" for s in made if s.day == day)
            day_parts.append(f"{day} {result.hours_by_day[day]:g} h ({detail})")
    alt = (f"Bar chart of an IOP week for {POPULATION_WORDS[result.population]}. "
           + ("; ".join(day_parts) + ". " if day_parts else "No sessions yet. ")
           + f"Week total {result.total:g} hours; dashed line at the IOP minimum of {result.minimum_hours} "
           f"hours ({'met' if result.meets_minimum else 'not met'}); dotted line at 20 hours, the Level 2.5 "
           "boundary in the Virginia regulation.")
    return AccessibleFigure.from_matplotlib(fig, f"{title} ({result.population})", alt)
