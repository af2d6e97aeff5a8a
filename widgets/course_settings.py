"""The course settings (course-settings.yaml in the course folder): provider and approval, course title and
code, contact hours per module, pass mark, retake policy, record keeping and the due dates' time zone.

One documented file, checked against a JSON schema when it is read, so a mistake names the file and the
field. Certificates, exports, the cohort report and the assessment packet read the settings here.
Nothing clinical lives in it.

A value that starts with "REPLACE" is a placeholder an agency replaces. While the provider's name or an
approval is a placeholder, `provider_configured` is False and certificates say so plainly rather than
print a made-up approval number.

A course folder without the file (a test's throwaway course, say) gets the defaults below: placeholders
for the provider, 80 % to pass, and each module's contact hours from its estimated time.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from widgets.yaml_loading import read_content_file, schema_problem

SETTINGS_FILE = "course-settings.yaml"
SCHEMA_VERSION = 1
PLACEHOLDER = "REPLACE"
NOT_CONFIGURED = "Provider not configured"
DEFAULT_TITLE = "Integrated Care for Co-occurring Disorders in Intensive Outpatient Programs"
DEFAULT_CODE = "COD-IOP-101"
DEFAULT_FORMAT = "self-paced online, interactive"
DEFAULT_RETAKE = ("Learners may submit a module again as often as they like until its due date; the latest "
                  "submission counts. A submission after the due date is still graded and is marked late.")

_TEXT = {"type": "string", "minLength": 1, "maxLength": 300, "pattern": r"\S"}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "course", "provider", "contact_hours", "pass_mark", "retake_policy",
                 "record_keeping_years"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "course": {
            "type": "object", "additionalProperties": False, "required": ["title", "code"],
            "properties": {"title": _TEXT, "code": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"},
                           "format": _TEXT},
        },
        "provider": {
            "type": "object", "additionalProperties": False, "required": ["name", "approvals"],
            "properties": {
                "name": _TEXT, "contact": _TEXT,
                "approvals": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False, "required": ["body", "number"],
                    "properties": {"body": _TEXT, "number": {"type": ["string", "integer"], "minLength": 1}}}},
            },
        },
        "contact_hours": {"type": "object", "minProperties": 1,
                          "additionalProperties": {"type": "number", "exclusiveMinimum": 0, "maximum": 40}},
        "pass_mark": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "retake_policy": _TEXT | {"maxLength": 1000},
        "record_keeping_years": {"type": "integer", "minimum": 1, "maximum": 100},
        "time_zone": {"type": "string"},
        "xapi": {
            "type": "object", "additionalProperties": False,
            "properties": {"activity_base": {"type": "string", "pattern": r"^https?://[^\s/]+(/\S*)?$"},
                           "home_page": {"type": "string", "pattern": r"^https?://[^\s/]+(/\S*)?$"}},
        },
    },
}


class CourseSettingsError(ValueError):
    """The settings file cannot be used; the message names the file and the field."""


@dataclass
class Approval:
    body: str
    number: str

    @property
    def configured(self) -> bool:
        return not (is_placeholder(self.body) or is_placeholder(self.number))


@dataclass
class CourseSettings:
    title: str = DEFAULT_TITLE
    code: str = DEFAULT_CODE
    format: str = DEFAULT_FORMAT
    provider_name: str = f"{PLACEHOLDER}: provider name"
    provider_contact: str = ""
    approvals: list[Approval] = field(default_factory=lambda: [Approval(f"{PLACEHOLDER}: body", f"{PLACEHOLDER}: number")])
    contact_hours: dict[str, float] = field(default_factory=dict)  # module folder -> contact hours
    pass_mark: float = 0.8
    retake_policy: str = DEFAULT_RETAKE
    record_keeping_years: int = 7
    time_zone: str = "UTC"
    xapi_activity_base: str = "https://courses.example.org/cod-iop-101"
    xapi_home_page: str = "https://lms.example.org"
    path: Path | None = None  # the file read, None for the defaults

    @property
    def provider_configured(self) -> bool:
        """True when the provider's name and every approval are filled in (no placeholder left)."""
        return not is_placeholder(self.provider_name) and all(a.configured for a in self.approvals)

    @property
    def provider_line(self) -> str:
        """The provider as a certificate prints it, or "Provider not configured"."""
        return self.provider_name if self.provider_configured else NOT_CONFIGURED

    def approval_lines(self) -> list[str]:
        """"Approved by NBCC, approval number 1234" per approval; one plain warning while not configured."""
        if not self.provider_configured:
            return [f"{NOT_CONFIGURED}: no approval number. Fill in the provider and approvals in "
                    f"{SETTINGS_FILE} before issuing certificates for credit."]
        return [f"Approved by {a.body}, approval number {a.number}" for a in self.approvals]

    def hours_for(self, module: str, estimated_minutes: int) -> float:
        """The module's contact hours: the settings' value, or its estimated time (1 hour = 1 contact hour)."""
        if module in self.contact_hours:
            return float(self.contact_hours[module])
        return round(estimated_minutes / 60, 2)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


def is_placeholder(value) -> bool:
    return str(value).strip().upper().startswith(PLACEHOLDER)


def parse(data, path: Path) -> CourseSettings:
    """Settings from the data of a settings file, or a CourseSettingsError naming the file and the field."""
    if not isinstance(data, dict):
        raise CourseSettingsError(f"{path.name}: expected the settings as a mapping (course:, provider:, "
                                  "contact_hours:, pass_mark:, ...), found none.")
    problem = schema_problem(data, SCHEMA, path, items="", label="", noun="")
    if problem:
        raise CourseSettingsError(problem)
    zone = str(data.get("time_zone", "UTC"))
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise CourseSettingsError(f"{path.name}: time_zone: {zone!r} is not a time zone name "
                                  "(for example UTC or America/New_York)") from None
    course, provider = data["course"], data["provider"]
    return CourseSettings(
        title=course["title"].strip(), code=course["code"], format=course.get("format", DEFAULT_FORMAT).strip(),
        provider_name=provider["name"].strip(), provider_contact=str(provider.get("contact", "")).strip(),
        approvals=[Approval(str(a["body"]).strip(), str(a["number"]).strip()) for a in provider["approvals"]],
        contact_hours={k: float(v) for k, v in data["contact_hours"].items()},
        pass_mark=float(data["pass_mark"]), retake_policy=" ".join(data["retake_policy"].split()),
        record_keeping_years=int(data["record_keeping_years"]), time_zone=zone,
        xapi_activity_base=data.get("xapi", {}).get("activity_base", CourseSettings.xapi_activity_base).rstrip("/"),
        xapi_home_page=data.get("xapi", {}).get("home_page", CourseSettings.xapi_home_page), path=path)


def load_settings(course_root: str | Path) -> CourseSettings:
    """The settings of the course in `course_root` (its course-settings.yaml), or the defaults without one."""
    path = Path(course_root) / SETTINGS_FILE
    if not path.exists():
        return CourseSettings()
    return parse(read_content_file(path, CourseSettingsError), path)
