"""SARIF output validates against the official SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from playbook.errors import Finding, Severity
from playbook.lint.docs import sarif_rules
from playbook.lint.rules import RULES
from playbook.report.sarif import sarif
from tests.lint.helpers import CLEAN

SCHEMA_FILE = (
    Path(__file__).parents[2]
    / ".."
    / "shared"
    / "peer"
    / "sarif"
    / "sarif-schema-2.1.0.json"
)


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def _check(validator: Draft4Validator, text: str) -> dict:
    log = json.loads(text)
    found = validator.iter_errors(log)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in found]
    assert errors == []
    return log


FINDINGS = [
    Finding("motions/a b.yaml", 3, 5, "kit-complete", Severity.ERROR, "no deck", "add"),
    Finding("motions/a b.yaml", 9, 1, "portfolio-size", Severity.WARNING, "too many"),
    Finding("motions/c.yaml", 1, 1, "suppression-unused", Severity.INFO, "unused"),
    Finding("motions/c.yaml", 2, 4, "format/yaml", Severity.ERROR, "bad yaml"),
]


def test_sarif_validates_and_describes_every_rule(validator):
    log = _check(validator, sarif(FINDINGS, sarif_rules(), version="1.2.3"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [*RULES, "format/yaml"]
    assert all(r["help"]["text"] and r["help"]["markdown"] for r in rules[:-1])
    assert rules[0]["defaultConfiguration"]["level"] == "error"
    assert run["tool"]["driver"]["version"] == "1.2.3"


def test_sarif_results_point_at_files_and_rules(validator):
    log = _check(validator, sarif(FINDINGS, sarif_rules()))
    run = log["runs"][0]
    results = run["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note", "error"]
    first = results[0]
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "motions/a%20b.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 3, "startColumn": 5}
    assert first["message"]["text"] == "no deck Fix: add"
    for result in results:
        rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]


def test_sarif_with_an_absolute_path_uses_a_file_uri(validator):
    finding = Finding("/tmp/x/m.yaml", 1, 1, "kit-complete", Severity.ERROR, "m")
    log = _check(validator, sarif([finding], sarif_rules()))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///tmp/x/m.yaml"}


def test_sarif_without_findings_validates(validator):
    log = _check(validator, sarif([], sarif_rules()))
    assert log["runs"][0]["results"] == []


def test_lint_command_writes_valid_sarif(validator, project, cli):
    root = project(CLEAN.replace("  offer: 15% off new switches\n", ""))
    run = cli(["lint", "--format", "sarif", "--today", "2026-06-01"], cwd=root)
    assert run.exit_code == 1
    log = _check(validator, run.stdout)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {
        "one-sentence",
        "portfolio-lifecycle-gap",
    }


def test_invalid_motions_give_valid_sarif_of_format_errors(validator, project, cli):
    root = project("id: x\nname: y\n")
    run = cli(["lint", "--format", "sarif"], cwd=root)
    assert run.exit_code == 1
    log = _check(validator, run.stdout)
    assert all(r["ruleId"].startswith("format/") for r in log["runs"][0]["results"])


def test_the_schema_check_is_not_vacuous(validator):
    log = json.loads(sarif(FINDINGS, sarif_rules()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["version"]
    assert len(list(validator.iter_errors(log))) == 2
