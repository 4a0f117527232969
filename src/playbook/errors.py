"""The finding value and the one exception tree of playbook.

A finding is one problem at one place: file, line, column, rule, severity and
message. Deep code returns findings or raises a `PlaybookError`; only the CLI
prints them and picks the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import click


class Severity(StrEnum):
    """How much a finding matters; ordered from most to least severe."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for notes: smaller is worse."""
        return ("error", "warning", "info").index(self.value)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place in one file.

    Findings sort by file, then line, then column, so every report lists
    them in reading order.
    """

    file: str
    line: int
    col: int
    rule: str = field(compare=True)
    severity: Severity = field(default=Severity.ERROR, compare=False)
    message: str = field(default="", compare=True)
    hint: str = field(default="", compare=False)

    def as_text(self) -> str:
        """Render as `file:line:col: severity: message [rule]`."""
        text = (
            f"{self.file}:{self.line}:{self.col}: {self.severity.value}: {self.message}"
        )
        return text if self.rule.startswith("format/") else f"{text} [{self.rule}]"

    def as_dict(self) -> dict:
        """Render as a plain dict for JSON reports."""
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


class PlaybookError(click.ClickException):
    """Base of every error the CLI turns into a message and an exit code."""

    exit_code = 2


class UsageError(PlaybookError):
    """The command was called wrongly or the environment is not usable."""

    exit_code = 2


class ConfigError(PlaybookError):
    """The project configuration is invalid; the message names file and line."""

    exit_code = 2


class InvalidInput(PlaybookError):
    """Input files have errors; carries every finding so all are reported."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = sorted(findings)
        super().__init__(f"{len(self.findings)} problems in the motion files")


class BuildError(PlaybookError):
    """A build step failed; the message names the motion and field."""

    exit_code = 1
