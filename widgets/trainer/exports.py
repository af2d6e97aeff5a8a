"""Records an agency's learning system can import, written under reports/exports/ by
`python -m widgets.trainer export`:

relias-completions.csv   the Relias historical-upload layout: one row per learner and module passed, and one
                         for the whole course once every module is passed (External Course Code COD-IOP-101
                         for the course, COD-IOP-101-M01 ... for a module), Completed Date as MM/DD/YY
lms-gradebook.csv        a generic gradebook: one row per learner, a percent column per module, the course
                         status and completion date
xapi-statements.jsonl    xAPI 1.0.3 statements, one JSON line per learner and module: passed or failed (graded,
                         with result.score scaled/raw/min/max) or completed (handed in, waiting for the trainer's
                         marks, without a score)

Each statement is checked before it is written: against the JSON schema in templates/xapi/ and against the
rules a schema cannot say (statement_problems). A module counts as passed at the pass mark of
course-settings.yaml unless the trainer gives another threshold.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from functools import cache
from pathlib import Path

from .certificates import module_status
from .data import CohortData, load
from .nbgrader_course import Course

SCHEMA_PATH = Path(__file__).parent / "templates" / "xapi" / "statement.schema.json"
VERBS = {
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
PLATFORM = "JupyterLab with nbgrader"
RELIAS_FIELDS = ["Username", "Last Name", "First Name", "External Course Code", "External Course Title",
                 "Course Search Filter", "Start Date", "Completed Date"]
RELIAS_FILTER = "Continuing Education"
NAMESPACE = uuid.UUID("0b8c6c1e-6a55-4c1f-9d43-1f1f3bfe0a11")  # statement ids: the same record, the same id


def relias_date(day: dt.date) -> str:
    """The date convention of Relias's historical upload: MM/DD/YY."""
    return f"{day:%m/%d/%y}"


def module_code(data: CohortData, module: str) -> str:
    number = data.modules[module].number
    return f"{data.settings.code}-M{number:02d}" if isinstance(number, int) else f"{data.settings.code}-{module}"


def module_title(data: CohortData, module: str) -> str:
    return f"{data.settings.title}: {data.module_label(module)}"


def passed_every_module(data: CohortData, learner: str, threshold: float) -> bool:
    return bool(data.modules) and all(module_status(data, m, learner, threshold) == "completed" for m in data.modules)


def _day(data: CohortData, module: str, learner: str) -> dt.date | None:
    sub = data.submissions.get(module, {}).get(learner)
    return sub.submitted.date() if sub is not None and sub.submitted is not None else None


def relias_rows(data: CohortData, threshold: float) -> list[dict]:
    rows = []
    for learner in sorted(data.learners):
        person = data.learners[learner]
        base = {"Username": learner, "Last Name": person.last_name, "First Name": person.first_name,
                "Course Search Filter": RELIAS_FILTER}
        days = []
        for module in data.modules:
            day = _day(data, module, learner)
            if module_status(data, module, learner, threshold) != "completed" or day is None:
                continue
            days.append(day)
            rows.append({**base, "External Course Code": module_code(data, module),
                         "External Course Title": module_title(data, module), "Start Date": "",
                         "Completed Date": relias_date(day)})
        if passed_every_module(data, learner, threshold) and len(days) == len(data.modules):
            rows.append({**base, "External Course Code": data.settings.code,
                         "External Course Title": data.settings.title, "Start Date": relias_date(min(days)),
                         "Completed Date": relias_date(max(days))})
    return rows


def gradebook_fields(data: CohortData) -> list[str]:
    return (["user_id", "last_name", "first_name", "email", "credential"]
            + [f"{module_code(data, m)} percent" for m in data.modules]
            + ["modules_passed", "modules_total", "course_status", "completed_date", "contact_hours"])


def gradebook_rows(data: CohortData, threshold: float) -> list[dict]:
    rows = []
    for learner in sorted(data.learners):
        person = data.learners[learner]
        row = {"user_id": learner, "last_name": person.last_name, "first_name": person.first_name,
               "email": person.email, "credential": person.credential}
        passed, days, hours = 0, [], 0.0
        for module, mod in data.modules.items():
            sub = data.submissions.get(module, {}).get(learner)
            final = sub is not None and not sub.needs_manual_grade
            row[f"{module_code(data, module)} percent"] = f"{100 * sub.proportion:.1f}" if final else ""
            if module_status(data, module, learner, threshold) == "completed":
                passed += 1
                hours += data.settings.hours_for(module, mod.estimated_minutes)
                if (day := _day(data, module, learner)) is not None:
                    days.append(day)
        complete = passed == len(data.modules) and bool(data.modules)
        started = any(data.submissions.get(m, {}).get(learner) for m in data.modules)
        row |= {"modules_passed": passed, "modules_total": len(data.modules),
                "course_status": "completed" if complete else "in progress" if started else "not started",
                "completed_date": max(days).isoformat() if complete and days else "",
                "contact_hours": f"{hours:.2f}"}
        rows.append(row)
    return rows


def actor(data: CohortData, learner: str) -> dict:
    """mbox when the roster has the learner's email, otherwise an account: login at the learning system."""
    person = data.learners[learner]
    who: dict = {"objectType": "Agent", "name": person.name}
    if person.email and "@" in person.email:
        who["mbox"] = f"mailto:{person.email}"
    else:
        who["account"] = {"homePage": data.settings.xapi_home_page, "name": learner}
    return who


def statements(data: CohortData, threshold: float) -> list[dict]:
    """One statement per learner and module handed in: passed / failed once graded, completed while waiting."""
    base = data.settings.xapi_activity_base
    course_activity = {"objectType": "Activity", "id": base,
                       "definition": {"name": {"en-US": data.settings.title}, "type": COURSE_TYPE}}
    found = []
    for module in data.modules:
        for learner in sorted(data.submissions.get(module, {})):
            if learner not in data.learners:
                continue
            sub = data.submissions[module][learner]
            if sub.needs_manual_grade:
                verb = "completed"
                result: dict = {"completion": True}
            else:
                verb = "passed" if sub.proportion >= threshold - 1e-9 else "failed"
                result = {"score": {"scaled": round(sub.proportion, 4), "raw": sub.score, "min": 0,
                                    "max": sub.max_score},
                          "success": verb == "passed", "completion": True}
            when = (sub.submitted or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
            found.append({
                "id": str(uuid.uuid5(NAMESPACE, f"{base}|{learner}|{module}|{when.isoformat()}|{verb}")),
                "actor": actor(data, learner),
                "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
                "object": {"objectType": "Activity", "id": f"{base}/{module}",
                           "definition": {"name": {"en-US": data.module_label(module)}, "type": MODULE_TYPE}},
                "result": result,
                "context": {"platform": PLATFORM, "language": "en-US",
                            "contextActivities": {"parent": [course_activity]},
                            "extensions": {f"{base}/extensions/late": sub.late,
                                           f"{base}/extensions/pass-mark": threshold}},
                "timestamp": when.isoformat().replace("+00:00", "Z"),
                "version": "1.0.3",
            })
    return found


@cache
def statement_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def statement_problems(statement: dict) -> list[str]:
    """Every way a statement breaks the xAPI rules: the schema's, then those a schema cannot say."""
    import jsonschema

    problems = [f"{'/'.join(map(str, e.absolute_path)) or 'statement'}: {e.message}"
                for e in jsonschema.Draft202012Validator(statement_schema()).iter_errors(statement)]
    score = statement.get("result", {}).get("score")
    if isinstance(score, dict):
        low, high, raw, scaled = score.get("min"), score.get("max"), score.get("raw"), score.get("scaled")
        if low is not None and high is not None and not low < high:
            problems.append("result/score: min must be less than max")
        if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
            problems.append("result/score: raw must lie between min and max")
        if scaled is not None and not -1 <= scaled <= 1:
            problems.append("result/score/scaled: must lie between -1 and 1")
        if None not in (scaled, raw, low, high) and low == 0 and high and abs(scaled - raw / high) > 1e-3:
            problems.append("result/score/scaled: must equal raw / max")
    verb = statement.get("verb", {}).get("id")
    success = statement.get("result", {}).get("success")
    if verb == VERBS["passed"] and success is False or verb == VERBS["failed"] and success is True:
        problems.append("result/success: contradicts the verb")
    try:
        stamp = dt.datetime.fromisoformat(str(statement.get("timestamp", "")).replace("Z", "+00:00"))
        if stamp.tzinfo is None:
            problems.append("timestamp: must carry a time zone")
    except ValueError:
        problems.append("timestamp: not an ISO 8601 date and time")
    return problems


def _write_csv(path: Path, rows: list[dict], fields: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_exports(course: Course, threshold: float | None = None, data: CohortData | None = None) -> dict[str, Path]:
    """Write the three exports under reports/exports/; a statement that breaks the xAPI rules stops the run."""
    data = data or load(course)
    threshold = data.settings.pass_mark if threshold is None else threshold
    folder = course.reports_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    lines = statements(data, threshold)
    for statement in lines:
        problems = statement_problems(statement)
        if problems:
            raise ValueError(f"an xAPI statement for {statement['object']['id']} breaks the xAPI rules: "
                             + "; ".join(problems))
    xapi = folder / "xapi-statements.jsonl"
    xapi.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in lines), encoding="utf-8")
    return {
        "relias": _write_csv(folder / "relias-completions.csv", relias_rows(data, threshold), RELIAS_FIELDS),
        "gradebook": _write_csv(folder / "lms-gradebook.csv", gradebook_rows(data, threshold), gradebook_fields(data)),
        "xapi": xapi,
    }
