"""SARIF 2.1.0: findings as a static analysis log for code scanning.

GitHub code scanning and other tools read SARIF: one run of one tool, with
the metadata and help of every rule, and one result per finding, located
by a file path relative to the repository root. Like every reporter this
only formats; rule metadata is passed in by the caller.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import quote

from playbook.errors import Finding, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


@dataclass(frozen=True)
class RuleInfo:
    """What SARIF shows about a rule: names, descriptions, help, default level."""

    id: str
    summary: str
    description: str = ""
    help_text: str = ""
    help_markdown: str = ""
    severity: Severity = Severity.ERROR

    def as_dict(self) -> dict:
        """The SARIF `reportingDescriptor` of the rule."""
        descriptor: dict = {
            "id": self.id,
            "name": _pascal(self.id),
            "shortDescription": {"text": self.summary},
            "fullDescription": {"text": self.description or self.summary},
            "defaultConfiguration": {"level": _LEVEL[self.severity]},
        }
        if self.help_text:
            descriptor["help"] = {"text": self.help_text}
            if self.help_markdown:
                descriptor["help"]["markdown"] = self.help_markdown
        return descriptor


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule_id))


def sarif(
    findings: list[Finding],
    rules: Iterable[RuleInfo],
    tool: str = "playbook",
    version: str = "",
) -> str:
    """A SARIF 2.1.0 log with one run: the rules, then one result per finding.

    A finding whose rule is not among `rules` (a format error from
    validation) gets a plain descriptor of its own.
    """
    known = {rule.id: rule for rule in rules}
    for finding in findings:
        known.setdefault(finding.rule, RuleInfo(finding.rule, _fallback(finding.rule)))
    index = {rule_id: i for i, rule_id in enumerate(known)}
    driver: dict = {"name": tool, "rules": [rule.as_dict() for rule in known.values()]}
    if version:
        driver["version"] = version
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule]) for f in sorted(findings)],
    }
    log = {"$schema": SCHEMA_URI, "version": VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False)


def _fallback(rule_id: str) -> str:
    kind = rule_id.partition("/")[2].replace("-", " ") or rule_id
    return f"The motion file breaks the format ({kind})."


def _result(finding: Finding, rule_index: int) -> dict:
    message = finding.message + (f" Fix: {finding.hint}" if finding.hint else "")
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(finding.file),
                    "region": {
                        "startLine": max(1, finding.line),
                        "startColumn": max(1, finding.col),
                    },
                },
            }
        ],
    }


def _artifact(file: str) -> dict:
    """A file relative to the repository root, or an absolute file URI."""
    if PurePath(file).is_absolute():
        return {"uri": PurePath(file).as_uri()}
    return {"uri": quote(file), "uriBaseId": "%SRCROOT%"}
