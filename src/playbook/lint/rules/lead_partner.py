"""lead-partner: at least one partner type can run the motion on its own."""

from __future__ import annotations

from collections.abc import Iterator

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, finding
from playbook.model import Motion

ID = "lead-partner"
SEVERITY = Severity.ERROR
SUMMARY = "At least one partner type is named as able to lead the motion."
OPTIONS: dict = {}
DOC = {
    "what": "`partners.lead` names at least one partner type.",
    "why": (
        "Not every partner can run every play. A motion without a lead partner "
        "type gets pushed to everyone, fits no one, and ends up run by the "
        "channel manager."
    ),
    "example": ("partners:\n  support:\n    - distributor\n  # no lead"),
    "fix": (
        "Name the partner types that can credibly run the play end to end under "
        "`partners.lead`, such as `var` or `mssp`; keep helpers under `support`."
    ),
}


def check(motion: Motion, ctx: LintContext) -> Iterator[Finding]:
    """Yield a finding when no partner type is named to lead."""
    if motion.partners.lead:
        return
    yield finding(
        ID,
        SEVERITY,
        motion,
        ("partners", "lead"),
        "no partner type is named to lead the motion",
        "add `lead:` under `partners:` with at least one partner type, such as var",
    )
