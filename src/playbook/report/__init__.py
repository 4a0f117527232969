"""Reporters: each formats a list of findings, nothing else.

Findings are values (see `playbook.errors.Finding`); a reporter turns a
sorted list of them into text for a person, JSON for a program, or workflow
annotations for GitHub. Reporters never decide exit codes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

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
    with_findings = len({f.file for f in findings})
    where = _plural(files, noun.rstrip("s"))
    if 0 < with_findings < files:
        where = f"{with_findings} of {where}"
    return f"{', '.join(parts)} in {where}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def text(findings: list[Finding], colour: bool = False) -> str:
    """One `file:line:col: severity: message` line per finding, in order."""
    import click

    lines = []
    for finding in sorted(findings):
        line = finding.as_text().replace("\r", "\\r").replace("\n", "\\n")
        if colour:
            head, _, rest = line.partition(f" {finding.severity.value}:")
            label = click.style(
                f"{finding.severity.value}:", fg=_COLOURS[finding.severity], bold=True
            )
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


_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands that annotate the changed lines."""
    lines = []
    for f in sorted(findings):
        props = (
            f"file={_escape(f.file, True)},line={f.line},col={f.col},"
            f"title={_escape(f.rule, True)}"
        )
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_escape(f.message)}")
    return "\n".join(lines)


def grouped(findings: list[Finding], colour: bool = False) -> str:
    """Findings grouped under their file, each with its fix on the next line."""
    import click

    def style(text: str, **how: object) -> str:
        return click.style(text, **how) if colour else text  # type: ignore[arg-type]

    blocks: dict[str, list[Finding]] = {}
    for finding in sorted(findings):
        blocks.setdefault(finding.file, []).append(finding)
    out = []
    for file, items in blocks.items():
        width = max(len(f"{f.line}:{f.col}") for f in items)
        out.append(style(file, bold=True, underline=True))
        for f in items:
            level = style(f"{f.severity.value:<7}", fg=_COLOURS[f.severity], bold=True)
            where = f"{f.line}:{f.col}".ljust(width)
            rule = style(f"[{f.rule}]", dim=True)
            out.append(f"  {where}  {level}  {f.message}  {rule}")
            if f.hint:
                out.append(f"  {' ' * width}           fix: {f.hint}")
        out.append("")
    return "\n".join(out).rstrip("\n")


def score_table(rows: list[tuple[int, str, str, str]]) -> str:
    """The repeatability score table from (score, name, status, remark) rows."""
    if not rows:
        return ""
    width = max(len(name) for _, name, _, _ in rows)
    lines = ["Repeatability score (0-100)"]
    for score, name, status, remark in rows:
        lines.append(f"  {score:>3}  {name:<{width}}  {status:<7}  {remark}".rstrip())
    return "\n".join(lines)


Reporter = Callable[[list[Finding]], str]
