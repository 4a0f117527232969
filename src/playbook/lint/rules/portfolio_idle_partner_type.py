"""portfolio-idle-partner-type: every partner type in the program leads some motion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding, names
from playbook.loader import Path_
from playbook.model import PARTNER_TYPE_NAMES, Motion

ID = "portfolio-idle-partner-type"
SEVERITY = Severity.WARNING
SUMMARY = "Every partner type named in the portfolio leads at least one active motion."
OPTIONS = {
    "partner-types": Option(
        [],
        "The partner types of your program. Empty means every type that active "
        "motions name, as lead or support.",
    ),
}
DOC = {
    "what": (
        "Each partner type of the program leads at least one active motion. The "
        "program's types are `partner-types`, or, when that is empty, every type "
        "active motions name under `partners.lead` or `partners.support`. An idle "
        "type is reported where it is first named as support, or else at the "
        "`partners` block of the first active motion file."
    ),
    "why": (
        "A partner type that only ever supports has no play of its own: those "
        "partners wait for others to bring them in, and their capacity is never "
        "multiplied."
    ),
    "example": (
        "# the only active motion names msp, and only as support\n"
        "partners:\n"
        "  lead:\n"
        "    - var\n"
        "  support:\n"
        "    - msp"
    ),
    "fix": (
        "Give the idle partner type a motion it can lead, or drop it from the "
        "program if no play suits it."
    ),
}


def check_option(name: str, value: Any) -> str | None:
    """Refuse partner types the motion format does not know."""
    known = set(PARTNER_TYPE_NAMES)
    unknown = sorted(set(value) - known) if name == "partner-types" else []
    if unknown:
        return f"unknown partner types {names(unknown)}; known types are {names(known)}"
    return None


def check_portfolio(motions: list[Motion], ctx: LintContext) -> Iterator[Finding]:
    """Yield a finding for each partner type that leads no active motion."""
    if not motions:
        return
    ordered = sorted(motions, key=lambda m: m.source)
    leading = {kind for m in ordered for kind in m.partners.lead}
    supporting = _support_places(ordered)
    program = ctx.options["partner-types"] or sorted(leading | set(supporting))
    for kind in program:
        if kind in leading:
            continue
        motion, path = supporting.get(kind, (ordered[0], ("partners",)))
        yield finding(
            ID,
            SEVERITY,
            motion,
            path,
            f"no active motion is led by {PARTNER_TYPE_NAMES[kind][1]} (`{kind}`)",
            f"write a motion that {PARTNER_TYPE_NAMES[kind][1]} can lead",
        )


def _support_places(motions: list[Motion]) -> dict[str, tuple[Motion, Path_]]:
    """Where each supporting partner type is first named."""
    places: dict[str, tuple[Motion, Path_]] = {}
    for motion in motions:
        for i, kind in enumerate(motion.partners.support):
            places.setdefault(kind, (motion, ("partners", "support", i)))
    return places
