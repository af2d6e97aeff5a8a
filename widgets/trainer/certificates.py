"""Completion records: a certificate PDF for each learner who completed every released module at or above
the threshold, and a CSV transcript for everyone.

A module counts as completed when it is graded (written answers included) and its score is at least
the threshold; a submission still waiting for manual grading does not count yet.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import matplotlib
from fpdf import FPDF

from .data import CohortData, load
from .nbgrader_course import Course
from .report import pct, pts

COURSE_TITLE = "Integrated Care for Co-occurring Disorders in Intensive Outpatient Programs"
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
FONT_BOLD = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"


def module_status(data: CohortData, module: str, learner: str, threshold: float) -> str:
    sub = data.submissions.get(module, {}).get(learner)
    if sub is None:
        return "could not be graded" if learner in data.problems.get(module, {}) else "not submitted"
    if sub.needs_manual_grade:
        return "waiting for manual grading"
    return "completed" if sub.proportion >= threshold - 1e-9 else "below threshold"


def eligible(data: CohortData, threshold: float) -> list[str]:
    """Learners who completed every released module at or above the threshold."""
    if not 0 < threshold <= 1:
        raise ValueError(f"the threshold must be between 0 and 1 (0.8 means 80%), got {threshold}")
    if not data.modules:
        return []
    return sorted(lr for lr in data.learners
                  if all(module_status(data, m, lr, threshold) == "completed" for m in data.modules))


def transcript_rows(data: CohortData, threshold: float) -> list[dict]:
    rows = []
    for learner_id in sorted(data.learners):
        learner = data.learners[learner_id]
        for module, mod in data.modules.items():
            sub = data.submissions.get(module, {}).get(learner_id)
            rows.append({
                "learner": learner_id, "name": learner.name, "module": module, "title": mod.title,
                "estimated_hours": f"{mod.estimated_minutes / 60:.2f}",
                "score": pts(sub.score) if sub else "", "max_score": pts(sub.max_score) if sub else "",
                "percent": pct(sub.proportion) if sub else "",
                "status": module_status(data, module, learner_id, threshold),
            })
    return rows


def certificate_pdf(path: Path, name: str, data: CohortData, issued: dt.date, threshold: float) -> None:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"Certificate of completion: {name}")
    pdf.set_author(data.course_id)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.add_page()
    pdf.set_draw_color(0, 114, 178)  # Okabe-Ito blue
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(24)
    pdf.set_font("DejaVu", "B", 26)
    pdf.cell(0, 14, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.cell(0, 9, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 22)
    pdf.cell(0, 13, name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.multi_cell(0, 8, f"completed every module of {COURSE_TITLE} with a score of at least "
                         f"{threshold:.0%} in each.", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 11)
    width = pdf.w - 2 * 30
    pdf.set_x(30)
    pdf.cell(width * 0.75, 8, "Module", border="B")
    pdf.cell(width * 0.25, 8, "Estimated hours", border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    total = 0
    for mod in data.modules.values():
        total += mod.estimated_minutes
        label = f"{mod.number}. {mod.title}" if mod.number is not None else mod.title
        pdf.set_x(30)
        pdf.cell(width * 0.75, 7, label)
        pdf.cell(width * 0.25, 7, f"{mod.estimated_minutes / 60:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(30)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(width * 0.75, 8, "Total", border="T")
    pdf.cell(width * 0.25, 8, f"{total / 60:.2f}", border="T", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 7, f"Issued {issued:%d %B %Y}  ·  course {data.course_id}", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.cell(0, 7, "Trainer: ______________________________", align="C")
    pdf.output(str(path))


def write_certificates(course: Course, threshold: float = 0.8, data: CohortData | None = None,
                       issued: dt.date | None = None) -> dict:
    """Certificates for eligible learners (reports/certificates/), a transcript for everyone."""
    data = data or load(course)
    issued = issued or dt.date.today()
    folder = course.reports_dir / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pdf"):  # a learner no longer eligible keeps no stale certificate
        old.unlink()
    people = eligible(data, threshold)
    files = []
    for learner_id in people:
        path = folder / f"{learner_id}.pdf"
        certificate_pdf(path, data.learners[learner_id].name, data, issued, threshold)
        files.append(path)
    transcript = course.reports_dir / "transcript.csv"
    rows = transcript_rows(data, threshold)
    fields = ["learner", "name", "module", "title", "estimated_hours", "score", "max_score", "percent", "status"]
    with transcript.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return {"folder": folder, "transcript": transcript, "certificates": files, "eligible": people}
