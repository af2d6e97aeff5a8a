"""The assessment packet a continuing-education approver reviews, as one HTML page a reviewer can read and print:

reports/assessment-packet/assessment-packet.html
reports/assessment-packet/sample-certificate.pdf     a certificate for a fictional learner ("Sample Learner")

For the whole course: the course and provider (course-settings.yaml), the pass mark and retake policy, the
contact-hour calculation (each module's estimated time, 1 hour = 1 contact hour), and per module its learning
objectives, every knowledge-check question with its answer key, explanation and the sources it rests on,
and every written question's rubric; then the reference list (every source the questions cite) and the
learner evaluation form's questions. Everything is read from source/ (the instructor notebooks) and the
course's sources, so the packet always matches the course. The page is rendered from templates/packet/
with autoescaping; questions and rubrics are markdown, converted by the markdown library nbconvert uses (mistune).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
from markupsafe import Markup

from widgets import evaluation, sources

from .certificates import CertificateRecord, certificate_pdf, hours
from .data import CohortData, Learner
from .nbgrader_course import Course

TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "packet"),
                               autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True)
SAMPLE_NAME = "Sample Learner"


def markdown_html(text: str) -> Markup:
    """Markdown from the course's own notebooks as HTML (raw HTML in it is escaped, not passed through), with
    mistune, the markdown library nbconvert already brings."""
    import mistune

    return Markup(mistune.create_markdown(escape=True, plugins=["table"])(text or ""))


def key_text(question) -> str:
    if question.key is None:
        return "(no key found)"
    if isinstance(question.key, (list, tuple)):
        return ", ".join(map(str, question.key))
    return str(question.key)


def source_keys(question) -> list[str]:
    return [k for k in str(question.source or "").split() if k]


def cited(source: sources.Source) -> str:
    """A source as the reviewer reads it; one the clinical reference marks not citable says so."""
    if source.citable:
        return f"{source.key}: {source.citation()}"
    return f"{source.key}: {source.title} ({sources.SECONDARY})"


def packet_data(course: Course, data: CohortData) -> dict:
    settings = data.settings
    modules = course.modules()
    used: dict[str, sources.Source] = {}
    entries = []
    for module_id, mod in modules.items():
        items = []
        for q in mod.questions:
            keys = source_keys(q)
            found = []
            for key in keys:
                try:
                    found.append(sources.lookup(key))
                except KeyError:
                    found.append(sources.Source(key, f"unknown source key {key}", ""))
            used.update({s.key: s for s in found})
            items.append({"label": q.label, "points": f"{q.points:g}", "objective": q.objective or "",
                          "written": q.written, "text": markdown_html(q.text), "key": key_text(q),
                          "why": q.why or "", "sources": [cited(s) for s in found],
                          "rubric": markdown_html(q.mark_scheme or "")})
        contact = settings.hours_for(module_id, mod.estimated_minutes)
        entries.append({"id": module_id, "label": f"Module {mod.number} \u00b7 {mod.title}", "minutes":
                        mod.estimated_minutes, "hours": hours(contact), "objectives": mod.objectives,
                        "safety": mod.safety_critical, "items": items, "points": f"{mod.max_points:g}"})
    total_minutes = sum(e["minutes"] for e in entries)
    total_hours = sum(float(e["hours"]) for e in entries)
    return {"settings": settings, "modules": entries, "total_minutes": total_minutes,
            "total_hours": hours(total_hours),
            "references": [cited(s) for s in sorted(used.values(), key=lambda s: s.key)],
            "evaluation_scales": evaluation.SCALES, "objective_answers": evaluation.OBJECTIVE_MET,
            "written": f"{dt.datetime.now(dt.UTC):%Y-%m-%d}"}


def sample_certificate(path: Path, course: Course, data: CohortData, threshold: float) -> Path:
    """A certificate for a fictional learner with every module passed: what a learner receives."""
    modules = course.modules()
    today = dt.date.today()
    rows = [(f"Module {m.number} \u00b7 {m.title}", today, "93.3", data.settings.hours_for(mid, m.estimated_minutes))
            for mid, m in modules.items()]
    record = CertificateRecord(number=f"{data.settings.code}-{today:%Y}-SAMPLE", learner="sample",
                               name=SAMPLE_NAME, credential="LPC 000000 (sample)", issued=today, completed=today,
                               modules=rows)
    certificate_pdf(path, record, data, threshold)
    return path


def write_packet(course: Course, data: CohortData | None = None) -> dict[str, Path]:
    """Write the packet and its sample certificate under reports/assessment-packet/."""
    from widgets.course_settings import load_settings

    if data is None:
        data = CohortData(course_id=course.course_id, modules={}, learners={"sample": Learner("sample")},
                          settings=load_settings(course.root))
    folder = course.reports_dir / "assessment-packet"
    folder.mkdir(parents=True, exist_ok=True)
    sample = sample_certificate(folder / "sample-certificate.pdf", course, data, data.settings.pass_mark)
    page = TEMPLATES.get_template("assessment-packet.html.j2").render(
        **packet_data(course, data), pass_mark=f"{data.settings.pass_mark:.0%}", sample=sample.name)
    html = folder / "assessment-packet.html"
    html.write_text(page, encoding="utf-8")
    return {"html": html, "sample certificate": sample}
