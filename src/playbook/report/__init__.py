"""Reporters: each formats a list of findings, nothing else.

Findings are values (see `playbook.errors.Finding`); a reporter turns a
sorted list of them into text for a person, JSON for a program, or workflow
annotations for GitHub. Reporters never decide exit codes.
"""

from __future__ import annotations

import json
from typing import Callable

from playbook.errors import Finding, Severity

FORMATS = ("text", "json", "github")


def count_line(findings: list[Finding], files: int, noun: str = "motion files") -> str:
    """One line that sums up a run: `3 errors, 1 warning in 6 motion files`."""
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    notes = len(findings) - errors - warnings
    parts = [
        _plural(errors, "error"),
        *([_plural(warnings, "warning")] if warnings else []),
        *([_plural(notes, "note")] if notes else []),
    ]
    return f"{', '.join(parts)} in {_plural(files, noun.rstrip('s'))}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def text(findings: list[Finding], colour: bool = False) -> str:
    """One `file:line:col: severity: message` line per finding, in order."""
    import click

    lines = []
    for finding in sorted(findings):
        line = finding.as_text()
        if colour:
            head, _, rest = line.partition(f" {finding.severity.value}:")
            label = click.style(f"{finding.severity.value}:", fg=_COLOURS[finding.severity], bold=True)
            line = f"{click.style(head, bold=True)} {label}{rest}"
        lines.append(line)
    return "\n".join(lines)


def as_json(findings: list[Finding], **extra: object) -> str:
    """A JSON document with every finding and any extra summary fields."""
    payload = {"findings": [f.as_dict() for f in sorted(findings)], **extra}
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


def _escape(value: str, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands that annotate the changed lines."""
    lines = []
    for f in sorted(findings):
        props = f"file={_escape(f.file, True)},line={f.line},col={f.col},title={_escape(f.rule, True)}"
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_escape(f.message)}")
    return "\n".join(lines)


Reporter = Callable[[list[Finding]], str]
