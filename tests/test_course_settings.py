"""The course settings file: it is valid, its contact hours agree with every module's estimated time (the one
source of truth, in the module's notebook), and a mistake is refused naming the file and the field."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from tests.conftest import ROOT
from widgets.course_settings import (
    NOT_CONFIGURED,
    SETTINGS_FILE,
    CourseSettingsError,
    load_settings,
)
from widgets.questions import read_module


def modules():
    return {folder.name: read_module(folder) for folder in sorted((ROOT / "source").iterdir())
            if folder.is_dir() and any(folder.glob("*.ipynb"))}


def test_the_projects_settings_file_is_valid_and_says_80_percent_and_the_retake_policy():
    settings = load_settings(ROOT)
    assert settings.path == ROOT / SETTINGS_FILE
    assert settings.pass_mark == 0.8
    assert "latest submission counts" in settings.retake_policy
    assert settings.format == "self-paced online, interactive"
    assert settings.record_keeping_years >= 1


@pytest.mark.parametrize("module", sorted(modules()))
def test_each_modules_contact_hours_are_its_estimated_time_at_one_hour_per_contact_hour(module):
    settings, mod = load_settings(ROOT), modules()[module]
    assert module in settings.contact_hours, f"{SETTINGS_FILE} has no contact hours for {module}"
    assert abs(settings.contact_hours[module] * 60 - mod.estimated_minutes) <= 0.5, (
        f"{module}: {settings.contact_hours[module]} contact hours, but its notebook says "
        f"{mod.estimated_minutes} minutes")


def test_the_settings_name_no_module_the_course_does_not_have():
    assert set(load_settings(ROOT).contact_hours) == set(modules())


@pytest.mark.parametrize("module", sorted(modules()))
def test_the_time_a_learner_reads_agrees_with_the_notebooks_estimate(module):
    mod = modules()[module]
    first = nbformat.read(mod.notebooks[0], as_version=4).cells[0].source
    assert re.search(rf"about {mod.estimated_minutes} minutes", first), "the module's heading states another time"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| {mod.number} · [^|]+\|[^|]+\| (\d+) min \|", readme, re.M)
    assert row and int(row[1]) == mod.estimated_minutes, "the README's course table states another time"


def test_placeholders_mean_the_provider_is_not_configured_and_no_approval_number_is_made_up():
    settings = load_settings(ROOT)
    assert not settings.provider_configured  # the project ships placeholders an agency replaces
    assert settings.provider_line == NOT_CONFIGURED
    assert all("approval number" not in line or NOT_CONFIGURED in line for line in settings.approval_lines())


def write_settings(tmp_path, change) -> object:
    data = yaml.safe_load((ROOT / SETTINGS_FILE).read_text(encoding="utf-8"))
    change(data)
    (tmp_path / SETTINGS_FILE).write_text(yaml.safe_dump(data), encoding="utf-8")
    return data


def test_a_filled_in_provider_is_printed_with_its_approval(tmp_path):
    def fill(data):
        data["provider"] = {"name": "Riverbend Behavioral Health", "contact": "training@riverbend.example",
                            "approvals": [{"body": "NBCC", "number": "7123"}]}
    write_settings(tmp_path, fill)
    settings = load_settings(tmp_path)
    assert settings.provider_configured
    assert settings.approval_lines() == ["Approved by NBCC, approval number 7123"]


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(pass_mark=80), "course-settings.yaml: pass_mark: 80 is greater than the maximum of 1"),
    (lambda d: d["course"].pop("code"), "course-settings.yaml: course: 'code' is a required property"),
    (lambda d: d["contact_hours"].update({"01-co-occurring-disorders": "one"}),
     "course-settings.yaml: contact_hours/01-co-occurring-disorders: 'one' is not of type 'number'"),
    (lambda d: d.update(diagnosis="F32.1"), "course-settings.yaml: Additional properties are not allowed"),
    (lambda d: d.update(time_zone="Mars/Olympus"), "course-settings.yaml: time_zone: 'Mars/Olympus' is not a time"),
    (lambda d: d["provider"]["approvals"].clear(), "course-settings.yaml: provider/approvals: [] should be non-empty"),
])
def test_a_mistake_is_refused_naming_the_file_and_the_field(tmp_path, change, message):
    write_settings(tmp_path, change)
    with pytest.raises(CourseSettingsError) as error:
        load_settings(tmp_path)
    assert str(error.value).startswith(message), str(error.value)


def test_a_file_that_is_not_yaml_is_refused_naming_it(tmp_path):
    (tmp_path / SETTINGS_FILE).write_text("course: [unclosed\n", encoding="utf-8")
    with pytest.raises(CourseSettingsError, match=r"^course-settings.yaml: not valid YAML"):
        load_settings(tmp_path)


def test_a_course_folder_without_the_file_gets_placeholders_80_percent_and_hours_from_the_estimate(tmp_path):
    settings = load_settings(tmp_path)
    assert settings.path is None and settings.pass_mark == 0.8 and not settings.provider_configured
    assert settings.hours_for("01-anything", 45) == 0.75
