"""Completion records: a certificate PDF for each learner who completed every released module at or above
the pass mark, a verification list of every certificate issued, and a CSV transcript for everyone.

A module counts as completed when it is graded (written answers included) and its score is at least
the threshold (the pass mark in course-settings.yaml unless the trainer gives another); a submission
still waiting for manual grading does not count yet.

A certificate carries what a licensing board or a continuing-education approver looks for: the learner's
name and credential or license number (the roster's `credential` column), the course title and code, the
provider and approval number (or, while course-settings.yaml still holds placeholders, the plain words
"Provider not configured"), each module with the date it was completed, its score and its contact hours, the
total contact hours, the format, the date issued and a unique certificate number. Every number issued is
listed in reports/certificate-verification.csv, which the trainer keeps for the record-keeping period; a
certificate written again for the same completion keeps its number.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fpdf import FPDF

from .data import CohortData, load
from .nbgrader_course import Course
from .report import pct, pts

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
FONT_BOLD = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
VERIFICATION_FILE = "certificate-verification.csv"
VERIFICATION_FIELDS = ["certificate_number", "learner", "learner_name", "credential", "course_code", "course_title",
                       "completed", "issued", "contact_hours", "modules", "provider", "approvals"]


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


def contact_hours(data: CohortData, module: str) -> float:
    mod = data.modules[module]
    return data.settings.hours_for(module, mod.estimated_minutes)


def hours(value: float) -> str:
    return f"{value:.2f}"


def completed_on(data: CohortData, module: str, learner: str) -> dt.date | None:
    sub = data.submissions.get(module, {}).get(learner)
    return sub.submitted.date() if sub is not None and sub.submitted is not None else None


def transcript_rows(data: CohortData, threshold: float) -> list[dict]:
    rows = []
    for learner_id in sorted(data.learners):
        learner = data.learners[learner_id]
        for module, mod in data.modules.items():
            sub = data.submissions.get(module, {}).get(learner_id)
            done = completed_on(data, module, learner_id)
            rows.append({
                "learner": learner_id, "name": learner.name, "credential": learner.credential,
                "module": module, "title": mod.title,
                "estimated_hours": f"{mod.estimated_minutes / 60:.2f}",
                "contact_hours": hours(contact_hours(data, module)),
                "submitted": done.isoformat() if done else "",
                "late": ("yes" if sub.late else "no") if sub else "",
                "score": pts(sub.score) if sub else "", "max_score": pts(sub.max_score) if sub else "",
                "percent": pct(sub.proportion) if sub else "",
                "status": module_status(data, module, learner_id, threshold),
            })
    return rows


@dataclass
class CertificateRecord:
    """What one certificate says, and the line of the verification list that records it."""

    number: str
    learner: str
    name: str
    credential: str
    issued: dt.date
    completed: dt.date | None
    modules: list[tuple[str, dt.date | None, str, float]]  # (label, completed, percent, contact hours)

    @property
    def total_hours(self) -> float:
        return round(sum(h for *_, h in self.modules), 2)

    def modules_text(self) -> str:
        return "; ".join(f"{label} ({day.isoformat() if day else 'no date'}, {score}%, {hours(h)} h)"
                         for label, day, score, h in self.modules)


def record_for(data: CohortData, learner: str, issued: dt.date, number: str = "") -> CertificateRecord:
    person = data.learners[learner]
    modules = []
    for module in data.modules:
        sub = data.submissions[module][learner]
        modules.append((data.module_label(module), completed_on(data, module, learner), pct(sub.proportion),
                        contact_hours(data, module)))
    days = [day for _, day, _, _ in modules if day]
    return CertificateRecord(number=number, learner=learner, name=person.name, credential=person.credential,
                             issued=issued, completed=max(days) if days else None, modules=modules)


def certificate_pdf(path: Path, record: CertificateRecord, data: CohortData, threshold: float) -> None:
    """One landscape A4 page: who, what course, which provider and approval, each module, hours, number."""
    settings = data.settings
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"Certificate of completion: {record.name}")
    pdf.set_author(settings.provider_line)
    pdf.set_subject(f"{settings.title} ({settings.code}), certificate {record.number}")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(0, 114, 178)  # Okabe-Ito blue
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    centre = {"align": "C", "new_x": "LMARGIN", "new_y": "NEXT"}
    pdf.set_y(16)
    pdf.set_font("DejaVu", "B", 22)
    pdf.cell(0, 11, "Certificate of completion", **centre)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 6, "This certifies that", **centre)
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 10, record.name, **centre)
    pdf.set_font("DejaVu", "", 10.5)
    credential = record.credential or "not given in the roster"
    pdf.cell(0, 6, f"Credential or license number: {credential}", **centre)
    pdf.cell(0, 6, "completed the continuing-education course", **centre)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 6.5, f"{settings.title} (course code {settings.code})", **centre)
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 5.5, f"Format: {settings.format}. Every module passed with at least {threshold:.0%}.", **centre)
    if settings.provider_configured:
        pdf.cell(0, 5.5, f"Provider: {settings.provider_line}", **centre)
    else:
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_text_color(160, 48, 0)
        pdf.cell(0, 5.5, "Provider not configured: this certificate carries no approval number and does not "
                         "count for credit yet.", **centre)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("DejaVu", "", 10)
    if settings.provider_configured:
        for line in settings.approval_lines():
            pdf.cell(0, 5.5, line, **centre)
    pdf.ln(2)
    left, width = 25, pdf.w - 50
    columns = [("Module", 0.58, "L"), ("Completed", 0.15, "C"), ("Score", 0.12, "R"), ("Contact hours", 0.15, "R")]
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.set_x(left)
    for label, share, align in columns:
        pdf.cell(width * share, 6, label, border="B", align=align)
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 9.5)
    for label, day, score, module_hours in record.modules:
        pdf.set_x(left)
        values = [label, day.isoformat() if day else "", f"{score}%", hours(module_hours)]
        for value, (_, share, align) in zip(values, columns, strict=True):
            text = value
            while pdf.get_string_width(text) > width * share - 2 and len(text) > 4:
                text = text[:-2].rstrip() + "\u2026"
            pdf.cell(width * share, 5.6, text, align=align)
        pdf.ln(5.6)
    pdf.set_x(left)
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.cell(width * 0.85, 6.5, "Total contact hours (1 hour of instruction = 1 contact hour)", border="T")
    pdf.cell(width * 0.15, 6.5, hours(record.total_hours), border="T", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 9.5)
    completed = record.completed.isoformat() if record.completed else "not recorded"
    pdf.cell(0, 5.5, f"Certificate number {record.number}  \u00b7  completed {completed}  \u00b7  "
                     f"issued {record.issued.isoformat()}", **centre)
    contact = f" Contact: {settings.provider_contact}." if settings.provider_configured and \
        settings.provider_contact else ""
    pdf.cell(0, 5.5, f"The provider keeps a list of the certificates it issued for {settings.record_keeping_years} "
                     f"years; quote the certificate number to verify this one.{contact}", **centre)
    pdf.set_y(pdf.h - 24)
    pdf.cell(0, 6, "Signed for the provider: ______________________________", align="C")
    pdf.output(str(path))


def read_verification(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def verification_row(record: CertificateRecord, data: CohortData) -> dict:
    settings = data.settings
    return {"certificate_number": record.number, "learner": record.learner, "learner_name": record.name,
            "credential": record.credential, "course_code": settings.code, "course_title": settings.title,
            "completed": record.completed.isoformat() if record.completed else "",
            "issued": record.issued.isoformat(), "contact_hours": hours(record.total_hours),
            "modules": record.modules_text(), "provider": settings.provider_line,
            "approvals": "; ".join(settings.approval_lines())}


def next_number(rows: list[dict], code: str, issued: dt.date) -> str:
    """COD-IOP-101-2026-00001: the course code, the year issued and a running number, never reused."""
    used = [int(r["certificate_number"].rsplit("-", 1)[-1]) for r in rows
            if r.get("certificate_number", "").rsplit("-", 1)[-1].isdigit()]
    return f"{code}-{issued:%Y}-{max(used, default=0) + 1:05d}"


def write_certificates(course: Course, threshold: float | None = None, data: CohortData | None = None,
                       issued: dt.date | None = None) -> dict:
    """Certificates for eligible learners (reports/certificates/), the verification list, a transcript for
    everyone. The threshold defaults to the pass mark of course-settings.yaml."""
    data = data or load(course)
    threshold = data.settings.pass_mark if threshold is None else threshold
    issued = issued or dt.date.today()
    folder = course.reports_dir / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pdf"):  # a learner no longer eligible keeps no stale certificate
        old.unlink()
    people = eligible(data, threshold)
    verification = course.reports_dir / VERIFICATION_FILE
    rows = read_verification(verification)
    files, records = [], []
    for learner_id in people:
        record = record_for(data, learner_id, issued)
        same = next((r for r in rows if r["learner"] == learner_id and r["modules"] == record.modules_text()
                     and r["course_code"] == data.settings.code), None)
        if same:  # the same completion written again: the same certificate, number and date
            record.number, record.issued = same["certificate_number"], dt.date.fromisoformat(same["issued"])
        else:
            record.number = next_number(rows, data.settings.code, issued)
            rows.append(verification_row(record, data))
        path = folder / f"{learner_id}.pdf"
        certificate_pdf(path, record, data, threshold)
        files.append(path)
        records.append(record)
    with verification.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=VERIFICATION_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    transcript = course.reports_dir / "transcript.csv"
    lines = transcript_rows(data, threshold)
    fields = ["learner", "name", "credential", "module", "title", "estimated_hours", "contact_hours", "submitted",
              "late", "score", "max_score", "percent", "status"]
    with transcript.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(lines)
    return {"folder": folder, "transcript": transcript, "verification": verification, "certificates": files,
            "eligible": people, "records": records, "provider_configured": data.settings.provider_configured}
