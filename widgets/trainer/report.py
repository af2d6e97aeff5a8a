"""The cohort report: one HTML page with figures and text alternatives, and the same numbers as CSV.

reports/cohort-report.html   follow-up first, then scores, mastery per objective, item analysis
reports/module-scores.csv    one row per learner and module
reports/objective-mastery.csv one row per learner and objective
reports/item-analysis.csv    one row per question
reports/follow-up.csv        who needs what: not submitted, could not be graded, below mastery
reports/evaluation-summary.csv  the learners' evaluations: per module and question, how many gave each answer
reports/evaluation-comments.csv the evaluations' comments, and a note for each missing or unreadable evaluation

Numbers are formatted by the same functions for the page and the CSV files. The page is rendered from
templates/report/ with autoescaping: every name, title, question, objective and concern reaches it as text
and is escaped there; only the figures, which the course's own code builds as HTML, are marked safe.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import jinja2
import matplotlib.patches as mpatches
from markupsafe import Markup

from widgets import evaluation as learner_evaluation
from widgets.figures import HATCHES, PALETTE, SEQUENCE, AccessibleFigure, new_figure

from . import grading, stats
from .data import LATE, CohortData, load
from .nbgrader_course import Course

HEATMAP_PAGE = 50  # learners per heatmap figure: readable at normal zoom, paginated beyond that
TEMPLATE_DIR = Path(__file__).parent / "templates" / "report"  # holds the page's template
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def num(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def pts(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# ---------------------------------------------------------------- tables (shared by HTML and CSV)

# Columns for machines (logins, folder names, grade ids): in the CSV files, not on the page, which shows
# the readable column beside each (the learner's name, the module's title, the question's first words).
MACHINE_COLUMNS = ("learner", "module", "item")


def below(value: float, threshold: float) -> bool:
    return value < threshold - 1e-9


def module_score_rows(data: CohortData) -> list[dict]:
    rows = []
    for module in data.modules:
        subs = data.submissions.get(module, {})
        for learner in sorted(data.learners, key=lambda lr: (data.name_of(lr).lower(), lr)):
            who = {"learner": learner, "learner_name": data.name_of(learner),
                   "module": module, "module_name": data.module_label(module)}
            sub = subs.get(learner)
            if sub is not None:
                status = "waiting for manual grading" if sub.needs_manual_grade else "graded"
                if learner in data.problems.get(module, {}):
                    status += " (a newer submission could not be graded)"
                rows.append({**who, "score": pts(sub.score), "max_score": pts(sub.max_score),
                             "percent": pct(sub.proportion), "late": "yes" if sub.late else "no",
                             "status": status})
            else:
                status = ("could not be graded" if learner in data.problems.get(module, {})
                          else "not submitted")
                rows.append({**who, "score": "", "max_score": "", "percent": "", "late": "", "status": status})
    return rows


def module_summary_rows(data: CohortData) -> list[dict]:
    rows = []
    for module, mod in data.modules.items():
        subs = data.submissions.get(module, {})
        values = [s.proportion for s in subs.values()]
        summary = stats.summary(values) if values else {}
        rows.append({"module": module, "module_name": data.module_label(module), "title": mod.title,
                     "graded": len(values),
                     "not_submitted": len(data.not_submitted(module)),
                     "could_not_be_graded": len(data.problems.get(module, {})),
                     "late": sum(1 for s in subs.values() if s.late),
                     "waiting_for_manual_grading": sum(1 for s in subs.values() if s.needs_manual_grade),
                     "mean_percent": pct(summary.get("mean")), "median_percent": pct(summary.get("median")),
                     "min_percent": pct(summary.get("min")), "max_percent": pct(summary.get("max"))})
    return rows


def mastery_rows(data: CohortData, threshold: float) -> list[dict]:
    mastery = data.mastery()
    safety = data.safety_critical()
    rows = []
    for learner in sorted(data.learners, key=lambda lr: (data.name_of(lr).lower(), lr)):
        for module, key, text in data.objectives():
            value = mastery.get(learner, {}).get(key)
            rows.append({"learner": learner, "learner_name": data.name_of(learner), "module": module,
                         "objective": key, "objective_text": text,
                         "safety_critical": "yes" if key in safety else "no",
                         "mastery_percent": pct(value),
                         "below_threshold": "" if value is None else ("yes" if below(value, threshold) else "no")})
    return rows


def objective_rows(data: CohortData, threshold: float) -> list[dict]:
    """One row per objective: how many learners reached the threshold, and a flag for a safety-critical
    objective that too few reached (cohort mastery = the share of learners with a result who reached it)."""
    mastery = data.mastery()
    safety = data.safety_critical()
    rows = []
    for module, key, text in data.objectives():
        values = {lr: by[key] for lr, by in mastery.items() if key in by}
        reached = sum(not below(v, threshold) for v in values.values())
        share = reached / len(values) if values else None
        flagged = key in safety and share is not None and below(share, threshold)
        rows.append({"module": module, "module_name": data.module_label(module), "objective": key,
                     "objective_text": text, "safety_critical": "yes" if key in safety else "no",
                     "learners": len(values), "reached_threshold": reached, "cohort_mastery_percent": pct(share),
                     "flag": SAFETY_FLAG if flagged else "",
                     "learners_below": "; ".join(sorted(data.name_of(lr) for lr, v in values.items()
                                                        if below(v, threshold)))})
    return rows


SAFETY_FLAG = "WARNING: safety-critical and below the threshold"


def item_rows(data: CohortData) -> list[dict]:
    rows = []
    for module, mod in data.modules.items():
        by_id = {i.grade_id: i for i in mod.questions}
        computed = {s.item: s for s in data.item_stats(module)}
        for item, points in data.item_points(module).items():
            s = computed.get(item)
            question = by_id[item]
            rows.append({
                "module": module, "module_name": data.module_label(module), "item": item,
                "question_number": "" if question.number is None else question.number,
                "question": question.label, "objective": question.objective or "", "points": pts(points),
                "learners": s.n if s else 0,
                "difficulty": num(s.difficulty) if s else "",
                "point_biserial": num(s.point_biserial) if s else "",
                "upper_lower": num(s.upper_lower) if s else "",
                "flags": "; ".join(s.flags) if s else "waiting for grading",
            })
    return rows


SAFETY_BELOW = "below mastery on a safety-critical objective"
BELOW_MASTERY = "below mastery"


def cell_label(data: CohortData, module: str, grade_id: str) -> str:
    """A cell named by its question ("Q2 · Pick the two…"): test, answer and question cells alike."""
    for name in (grade_id, grade_id.removesuffix("_answer"), grade_id.removesuffix("_question")):
        label = data.question_label(module, name)
        if label != name:
            return label
    return grade_id


def concern_details(data: CohortData, module: str, concern) -> str:
    """The concern in plain words, its cells named by their questions rather than their grade ids."""
    labels = "; ".join(cell_label(data, module, cell) for cell in concern.cells)
    if concern.kind == grading.CHANGED:
        return (f"Changed the locked cell(s) of {labels}. nbgrader put the originals back before grading, "
                "so the change had no effect on the score; talk with the learner about it.")
    if concern.kind == grading.DELETED:
        return f"Deleted the graded cell(s) of {labels}. nbgrader added them back empty, so they scored 0."
    if concern.kind == grading.TIME_LIMIT:
        return f"{labels} ran past the time limit and was stopped; the rest of the notebook was graded."
    return concern.text[:1].upper() + concern.text[1:]


def not_submitted_details(data: CohortData, module: str, now: dt.datetime) -> str:
    due = data.due.get(module)
    if due is None:
        return "No due date is set."
    if due <= now:
        return f"Nothing submitted by the due date, {due:%Y-%m-%d %H:%M} UTC."
    return f"Not due yet: due {due:%Y-%m-%d %H:%M} UTC."


def follow_up_rows(data: CohortData, threshold: float, now: dt.datetime | None = None) -> list[dict]:
    """Everything to follow up: submissions (missing, damaged, tampered, not graded, late), then
    safety-critical objectives below mastery, then other objectives below mastery."""
    now = now or dt.datetime.now(dt.UTC)
    rows = []

    def add(learner, module, reason, details):
        rows.append({"learner": learner, "learner_name": data.name_of(learner), "module": module,
                     "module_name": data.module_label(module) if module else "", "reason": reason,
                     "details": details})

    order = {kind: i for i, kind in enumerate((*grading.CONCERNS, LATE))}
    for module in data.modules:
        for learner in data.not_submitted(module):
            if not data.concerns.get(module, {}).get(learner):
                add(learner, module, "not submitted", not_submitted_details(data, module, now))
        for learner, concerns in sorted(data.concerns.get(module, {}).items()):
            for concern in sorted(concerns, key=lambda c: order.get(c.kind, len(order))):
                add(learner, module, concern.kind, concern_details(data, module, concern))
    objective_text = {key: text for _, key, text in data.objectives()}
    module_of = {key: m for m, key, _ in data.objectives()}
    safety = data.safety_critical()
    mastery = data.mastery()
    low = stats.below_threshold(mastery, threshold)
    for critical in (True, False):
        for learner, keys in low.items():
            for key in keys:
                if (key in safety) == critical:
                    add(learner, module_of.get(key, ""), SAFETY_BELOW if critical else BELOW_MASTERY,
                        f"{key} {objective_text.get(key, '')}: {pct(mastery[learner][key])}%")
    return rows


def follow_up_by_learner(rows: list[dict]) -> list[dict]:
    """One line per learner (most to follow up first): a table that stays readable for a large cohort."""
    grouped: dict[str, dict] = {}
    for row in rows:
        line = grouped.setdefault(row["learner"], {"learner": row["learner"], "learner_name": row["learner_name"],
                                                   "submissions": [], "safety": [], "objectives": []})
        if row["reason"] in (SAFETY_BELOW, BELOW_MASTERY):
            key = row["details"].split(" ")[0]
            line["safety" if row["reason"] == SAFETY_BELOW else "objectives"].append(key)
        else:
            line["submissions"].append(f"{row['module_name'] or row['module']}: {row['reason']}")
    lines = [{"learner": g["learner"], "learner_name": g["learner_name"],
              "items": len(g["submissions"]) + len(g["safety"]) + len(g["objectives"]),
              "submissions": "; ".join(g["submissions"]),
              "safety_critical_below_mastery": ", ".join(g["safety"]),
              "below_mastery": ", ".join(g["objectives"])}
             for g in grouped.values()]
    return sorted(lines, key=lambda line: (not line["safety_critical_below_mastery"], -line["items"],
                                           line["learner_name"].lower()))


def evaluation_summary(data: CohortData) -> list[dict]:
    """Per module: how many evaluations were read, each question's answers with their counts (zeros too),
    the comments, and a plain note per learner whose evaluation is missing or could not be read."""
    modules = []
    for module, mod in data.modules.items():
        found = data.evaluations.get(module, {})
        read = {lr: e for lr, e in found.items() if isinstance(e, learner_evaluation.Evaluation)}
        questions = learner_evaluation.counts(list(read.values()), mod.objectives)
        comments = [{"learner": lr, "learner_name": data.name_of(lr), "comment": e.comment}
                    for lr, e in sorted(read.items()) if e.comment.strip()]
        notes = [{"learner": lr, "learner_name": data.name_of(lr), "note": note}
                 for lr, note in sorted(found.items()) if isinstance(note, str)]
        modules.append({"module": module, "module_name": data.module_label(module), "evaluations": len(read),
                        "submissions": len(found), "questions": questions, "comments": comments, "notes": notes})
    return modules


def evaluation_count_rows(summary: list[dict]) -> list[dict]:
    rows = []
    for entry in summary:
        for question in entry["questions"]:
            for answer, count in [*question["answers"], ("no answer", question["no_answer"])]:
                rows.append({"module": entry["module"], "module_name": entry["module_name"],
                             "question": question["question"], "answer": answer, "count": count})
    return rows


def evaluation_comment_rows(summary: list[dict]) -> list[dict]:
    rows = []
    for entry in summary:
        rows += [{"module": entry["module"], "module_name": entry["module_name"], "learner": c["learner"],
                  "learner_name": c["learner_name"], "comment": c["comment"], "note": ""} for c in entry["comments"]]
        rows += [{"module": entry["module"], "module_name": entry["module_name"], "learner": n["learner"],
                  "learner_name": n["learner_name"], "comment": "", "note": n["note"]} for n in entry["notes"]]
    return rows


# ---------------------------------------------------------------- figures

def score_figure(data: CohortData) -> AccessibleFigure | None:
    modules = [m for m in data.modules if data.submissions.get(m)]
    if not modules:
        return None
    counts = {m: stats.score_bands([s.proportion for s in data.submissions[m].values()]) for m in modules}
    labels = [label for _, _, label in stats.BANDS]
    fig, ax = new_figure(8, 1.2 + 0.6 * len(modules))
    colours = [PALETTE["vermillion"], PALETTE["orange"], PALETTE["sky blue"], PALETTE["blue"]]
    left = [0] * len(modules)
    for band, colour, hatch in zip(labels, colours, HATCHES[1:5], strict=True):
        widths = [counts[m][band] for m in modules]
        bars = ax.barh(modules, widths, left=left, color=colour, hatch=hatch, edgecolor="black", label=band)
        for bar, width in zip(bars, widths, strict=True):
            if width:
                ax.text(bar.get_x() + width / 2, bar.get_y() + bar.get_height() / 2, str(width),
                        ha="center", va="center", fontsize=9,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("Learners with a graded submission")
    ax.set_title("Score bands per module")
    ax.legend(title="Module score", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    alt = "Learners per score band, by module. " + " ".join(
        f"{m}: " + ", ".join(f"{counts[m][b]} {b}" for b in labels) + "." for m in modules)
    return AccessibleFigure.from_matplotlib(fig, "Score bands per module", alt)


def mastery_summary_figure(data: CohortData, threshold: float) -> AccessibleFigure | None:
    mastery = data.mastery()
    objectives = data.objectives()
    shares = []
    for module, key, _text in objectives:
        values = [by[key] for by in mastery.values() if key in by]
        if values:
            shares.append((module, key, sum(v >= threshold - 1e-9 for v in values) / len(values), len(values)))
    if not shares:
        return None
    fig, ax = new_figure(8, 1.0 + 0.35 * len(shares))
    module_index = {m: i for i, m in enumerate(data.modules)}
    for row, (module, _key, share, _n) in enumerate(shares):
        i = module_index[module]
        ax.barh(row, 100 * share, color=SEQUENCE[i % len(SEQUENCE)], hatch=HATCHES[i % len(HATCHES)],
                edgecolor="black")
        ax.text(100 * share + 1, row, f"{100 * share:.0f}%", va="center", fontsize=9)
    safety = data.safety_critical()
    ax.set_yticks(range(len(shares)), [f"{key} (safety-critical)" if key in safety else key
                                       for _, key, _, _ in shares])
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel(f"Learners at or above the mastery threshold ({threshold:.0%}), percent")
    ax.set_title("Mastery per learning objective")
    alt = (f"Share of learners with a graded submission who reached {threshold:.0%} on each objective. "
           + " ".join(f"Objective {key}{' (safety-critical)' if key in safety else ''}: {100 * share:.0f}% of {n}."
                      for _, key, share, n in shares))
    return AccessibleFigure.from_matplotlib(fig, "Mastery per learning objective", alt)


MASTERY_CLASSES = [("mastered", "\u2713", PALETTE["blue"]), ("partly", "~", PALETTE["orange"]),
                   ("not yet", "\u2717", PALETTE["vermillion"]), ("no result", "", "#FFFFFF")]


def mastery_class(value: float | None, threshold: float) -> int:
    if value is None:
        return 3
    if value >= threshold - 1e-9:
        return 0
    return 1 if value >= 0.5 else 2


def weakest_first(mastery: dict[str, dict[str, float]], learners) -> list[str]:
    """Learners without any result first, then by average mastery, lowest first (ties by id)."""

    def average(learner):
        values = list(mastery.get(learner, {}).values())
        return stats.mean(values) if values else -1.0

    return sorted(learners, key=lambda lr: (average(lr), lr))


def heatmap_figures(data: CohortData, threshold: float) -> list[AccessibleFigure]:
    """Learners x objectives, weakest learners first, HEATMAP_PAGE learners per figure."""
    from matplotlib.colors import ListedColormap

    mastery = data.mastery()
    keys = [key for _, key, _ in data.objectives()]
    if not keys or not data.learners:
        return []

    learners = weakest_first(mastery, data.learners)
    cmap = ListedColormap([c for _, _, c in MASTERY_CLASSES])
    figures = []
    for start in range(0, len(learners), HEATMAP_PAGE):
        page = learners[start:start + HEATMAP_PAGE]
        grid = [[mastery_class(mastery.get(lr, {}).get(k), threshold) for k in keys] for lr in page]
        fig, ax = new_figure(max(6, 0.45 * len(keys) + 3), max(3, 0.28 * len(page) + 1.8))
        ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto")
        for r, row in enumerate(grid):
            for c, cls in enumerate(row):
                symbol = MASTERY_CLASSES[cls][1]
                if symbol:
                    ax.text(c, r, symbol, ha="center", va="center", fontsize=8,
                            color="white" if cls in (0, 2) else "black")
        ax.set_xticks(range(len(keys)), keys, rotation=90)
        ax.set_yticks(range(len(page)), [data.name_of(lr) for lr in page], fontsize=8)
        ax.set_xticks([x - 0.5 for x in range(len(keys) + 1)], minor=True)
        ax.set_yticks([y - 0.5 for y in range(len(page) + 1)], minor=True)
        ax.grid(which="minor", color="#999999", linewidth=0.5)
        ax.tick_params(which="minor", length=0)
        ax.set_xlabel("Learning objective")
        end = start + len(page)
        ax.set_title(f"Mastery by learner, weakest first (learners {start + 1}-{end} of {len(learners)})")
        handles = [mpatches.Patch(facecolor=c, edgecolor="black", label=f"{s} {n}".strip())
                   for n, s, c in MASTERY_CLASSES]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        low = stats.below_threshold({lr: mastery.get(lr, {}) for lr in page}, threshold)
        alt = (f"Grid of learners {start + 1} to {end} (rows, weakest average first) by objective (columns). "
               f"Symbols: \u2713 at or above {threshold:.0%}, ~ 50% up to the threshold, \u2717 below 50%, "
               f"blank no result. {len(low)} of these {len(page)} learners are below the threshold on at "
               "least one objective: "
               + ("; ".join(f"{data.name_of(lr)} ({', '.join(objs)})" for lr, objs in low.items()) or "none")
               + "." + (f" No result yet for: {', '.join(none)}."
                        if (none := [data.name_of(lr) for lr in page if not mastery.get(lr)]) else ""))
        figures.append(AccessibleFigure.from_matplotlib(fig, f"Mastery grid, learners {start + 1}-{end}", alt))
    return figures


# ---------------------------------------------------------------- writing

def figure_html(figure: AccessibleFigure | None) -> Markup | None:
    """A figure for the page: the course's own markup, in which figures.py escapes the title and the text
    alternative (learner names among them)."""
    return None if figure is None else Markup(figure.to_html())


def write_csv(path: Path, rows: list[dict], fields: list[str]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_report(course: Course, threshold: float | None = None, data: CohortData | None = None) -> dict[str, Path]:
    """Write the HTML report and its CSV files under reports/; returns their paths. The threshold defaults to
    the pass mark of course-settings.yaml."""
    data = data or load(course)
    threshold = data.settings.pass_mark if threshold is None else threshold
    out = course.reports_dir
    out.mkdir(parents=True, exist_ok=True)
    scores, summary = module_score_rows(data), module_summary_rows(data)
    mastery, items, follow = mastery_rows(data, threshold), item_rows(data), follow_up_rows(data, threshold)
    objectives = objective_rows(data, threshold)
    paths = {
        "module scores": write_csv(out / "module-scores.csv", scores, list(scores[0]) if scores else ["learner"]),
        "module summary": write_csv(out / "module-summary.csv", summary, list(summary[0]) if summary else ["module"]),
        "objective summary": write_csv(out / "objective-summary.csv", objectives,
                                       list(objectives[0]) if objectives else ["objective"]),
        "objective mastery": write_csv(out / "objective-mastery.csv", mastery,
                                       list(mastery[0]) if mastery else ["learner"]),
        "item analysis": write_csv(out / "item-analysis.csv", items, list(items[0]) if items else ["module"]),
        "follow-up": write_csv(out / "follow-up.csv", follow,
                               ["learner", "learner_name", "module", "module_name", "reason", "details"]),
    }
    evaluations = evaluation_summary(data)
    paths["evaluation summary"] = write_csv(out / "evaluation-summary.csv", evaluation_count_rows(evaluations),
                                            ["module", "module_name", "question", "answer", "count"])
    paths["evaluation comments"] = write_csv(out / "evaluation-comments.csv", evaluation_comment_rows(evaluations),
                                             ["module", "module_name", "learner", "learner_name", "comment", "note"])
    few = [r["module_name"] for r in summary if 0 < r["graded"] < stats.FEW_LEARNERS]
    page = TEMPLATES.get_template("cohort-report.html.j2").render(
        course_id=data.course_id, written=f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}",
        learners=len(data.learners), modules=len(data.modules), threshold=f"{threshold:.0%}",
        safety_flagged=[r for r in objectives if r["flag"]],
        follow_up_by_learner=follow_up_by_learner(follow), follow_up=follow,
        score_figure=figure_html(score_figure(data)), module_summary=summary, module_scores=scores,
        objective_summary=objectives, mastery_figure=figure_html(mastery_summary_figure(data, threshold)),
        mastery_grids=[figure_html(f) for f in heatmap_figures(data, threshold)], objective_mastery=mastery,
        flag_text=stats.FLAG_TEXT, few_learners=stats.FEW_LEARNERS, few_learners_modules=few, item_analysis=items,
        evaluations=evaluations)
    report = out / "cohort-report.html"
    report.write_text(page, encoding="utf-8")
    return {"html": report, **paths}
