"""portfolio-lifecycle-gap: each stage of the partner lifecycle has an active motion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding, names
from playbook.model import Motion

ID = "portfolio-lifecycle-gap"
SEVERITY = Severity.WARNING
SUMMARY = "Each lifecycle stage (recruit, activate, expand) has an active motion."
_STAGES = ["recruit", "activate", "expand"]
OPTIONS = {
    "stages": Option(list(_STAGES), "Lifecycle stages that need an active motion."),
}
DOC = {
    "what": (
        "For each stage in `stages`, at least one active motion has that "
        "`lifecycle`. A gap belongs to no single file, so it is reported at the "
        "`lifecycle` line of the first active motion file, in path order."
    ),
    "why": (
        "Managers balance the portfolio across stages: recruit brings partners in, "
        "activate turns intent into the first deals, expand replicates what works. "
        "A missing stage stalls partners at that point of the lifecycle."
    ),
    "example": (
        "# every active motion has\nlifecycle: expand\n# none has recruit or activate"
    ),
    "fix": (
        "Write or activate a motion for the missing stage, or rebalance an "
        "existing one whose play fits that stage better."
    ),
}


def check_option(name: str, value: Any) -> str | None:
    """Refuse stages the motion format does not know."""
    unknown = sorted(set(value) - set(_STAGES)) if name == "stages" else []
    if unknown:
        return f"unknown stages {names(unknown)}; known stages are {names(_STAGES)}"
    return None


def check_portfolio(motions: list[Motion], ctx: LintContext) -> Iterator[Finding]:
    """Yield a finding for each lifecycle stage no active motion serves."""
    if not motions:
        return
    served = {motion.lifecycle for motion in motions}
    anchor = min(motions, key=lambda m: m.source)
    for stage in ctx.options["stages"]:
        if stage not in served:
            yield finding(
                ID,
                SEVERITY,
                anchor,
                ("lifecycle",),
                f"no active motion serves the {stage} stage of the partner lifecycle",
                f"write or activate a motion with `lifecycle: {stage}`",
            )
