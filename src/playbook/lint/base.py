"""What every lint rule shares: the rule record, its context and positioning.

A rule module declares `ID`, `SEVERITY`, `SUMMARY`, `OPTIONS` and `DOC`,
and a `check` (one motion) or `check_portfolio` (all active motions)
function that yields findings. `Rule.from_module` turns such a module into
the record the engine, the docs and the reporters read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any

from playbook.errors import Finding, Severity
from playbook.loader import Mark, Path_
from playbook.model import Motion

DOC_HEADINGS = {
    "what": "What it checks",
    "why": "Why it matters",
    "example": "Failing example",
    "fix": "The fix",
}
"""The fixed headings of every rule page, in order (options come last)."""

MOTION, PORTFOLIO, SUPPRESSION = "motion", "portfolio", "suppression"


@dataclass(frozen=True)
class Option:
    """One setting of a rule: its default value and what it means."""

    default: Any
    help: str


@dataclass(frozen=True)
class LintContext:
    """What a rule may know besides the motion: the day, its options, scores.

    `today` is injected so tests and `--today` can fix the clock;
    `scores` holds the motion scores when portfolio rules run.
    """

    today: date
    options: Mapping[str, Any] = field(default_factory=dict)
    scores: Mapping[str, int] = field(default_factory=dict)


MotionCheck = Callable[[Motion, LintContext], Iterator[Finding]]
PortfolioCheck = Callable[[list[Motion], LintContext], Iterator[Finding]]
OptionCheck = Callable[[str, Any], str | None]


@dataclass(frozen=True)
class Rule:
    """A registered rule: id, default severity, options, docs and its check."""

    id: str
    severity: Severity
    summary: str
    options: Mapping[str, Option]
    doc: Mapping[str, str]
    scope: str
    check: Callable[..., Iterator[Finding]] | None = None
    check_option: OptionCheck | None = None

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        """Read a rule module's declarations into a record."""
        check = getattr(module, "check", None)
        portfolio = getattr(module, "check_portfolio", None)
        scope = MOTION if check else PORTFOLIO if portfolio else SUPPRESSION
        return cls(
            id=module.ID,
            severity=module.SEVERITY,
            summary=module.SUMMARY,
            options=getattr(module, "OPTIONS", {}),
            doc=module.DOC,
            scope=scope,
            check=check or portfolio,
            check_option=getattr(module, "check_option", None),
        )

    def defaults(self) -> dict[str, Any]:
        """The option values used when the configuration sets none."""
        return {name: option.default for name, option in self.options.items()}


def locate(motion: Motion, path: Path_) -> Mark:
    """Where to point for the field at `path`, written or missing.

    A written text or number is pointed at itself; a block (mapping or list)
    at its key, so the finding lands on the `trigger:` line rather than its
    first child. A missing field is pointed at its nearest written parent,
    and a missing top-level field at the motion's `id` line.
    """
    doc = motion.doc
    for end in range(len(path), 0, -1):
        sub = path[:end]
        if sub not in doc.marks:
            continue
        value = _value_at(doc.data, sub)
        if isinstance(value, (dict, list)) and sub in doc.key_marks:
            return doc.key_marks[sub]
        return doc.mark(sub)
    return doc.key_mark(("id",))


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def finding(
    rule: str,
    severity: Severity,
    motion: Motion,
    path: Path_,
    message: str,
    hint: str = "",
) -> Finding:
    """A lint finding positioned at the field `path` of `motion`."""
    mark = locate(motion, path)
    return Finding(
        motion.source,
        mark.line,
        mark.col,
        rule,
        severity=severity,
        message=message,
        hint=hint,
    )


def names(items: Iterable[str]) -> str:
    """Ids as a readable list: `a`, `a` and `b`, `a`, `b` and `c`."""
    quoted = [f"`{item}`" for item in items]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"


_ACRONYMS = {"se": "SE", "asp": "ASP", "mdf": "MDF", "roi": "ROI", "faq": "FAQ"}


def label(value: str) -> str:
    """Words for an enum id in a message: `se-assigned` -> `SE assigned`."""
    text = " ".join(_ACRONYMS.get(word, word) for word in value.split("-"))
    return text.replace("partner led", "partner-led")
