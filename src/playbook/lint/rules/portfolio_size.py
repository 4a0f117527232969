"""portfolio-size: the portfolio is pruned to the few plays that scale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding
from playbook.model import Motion

ID = "portfolio-size"
SEVERITY = Severity.WARNING
SUMMARY = "No more than four motions are active at once."
OPTIONS = {
    "max-active": Option(4, "Most motions that may be active at the same time."),
}
DOC = {
    "what": (
        "At most `max-active` motions have `status: active`. When there are more, "
        "the active motions are ranked by repeatability score (then by id) and "
        "each one below the cut is reported at its `status` line."
    ),
    "why": (
        "The job is not enabling everyone but pruning until three or four plays "
        "scale. Every extra active motion splits partner attention, enablement "
        "time and SE hours across plays that each get too little."
    ),
    "example": ("# a fifth motion file with\nstatus: active"),
    "fix": (
        "Retire the motions that create noise rather than pipeline "
        "(`status: retired`), or move new ones to `status: draft` until a slot "
        "frees up."
    ),
}


def check_option(name: str, value: Any) -> str | None:
    """Refuse a limit below one."""
    if name == "max-active" and value < 1:
        return "`max-active` must be at least 1"
    return None


def check_portfolio(motions: list[Motion], ctx: LintContext) -> Iterator[Finding]:
    """Yield a finding for each active motion ranked below the limit."""
    limit = ctx.options["max-active"]
    if len(motions) <= limit:
        return
    ranked = sorted(motions, key=lambda m: (-ctx.scores.get(m.id, 100), m.id))
    for rank, motion in enumerate(ranked[limit:], start=limit + 1):
        score = ctx.scores.get(motion.id, 100)
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("status",),
            f"{len(motions)} motions are active, more than {limit}; this one ranks "
            f"{rank} of {len(motions)} by repeatability score ({score})",
            "retire it or set it to draft, keeping the plays that scale",
        )
