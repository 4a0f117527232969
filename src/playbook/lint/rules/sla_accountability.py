"""sla-accountability: the motion promises speed on the events that make it move."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding, label, names
from playbook.model import Motion, Sla, duration_hours
from playbook.validate import MOTION_SCHEMA, load_schema

ID = "sla-accountability"
SEVERITY = Severity.ERROR
SUMMARY = "Required SLA events are present, within their limits, and each has an owner."
OPTIONS = {
    "events": Option(
        {
            "deal-registration-accepted": "48h",
            "se-assigned": "72h",
            "proof-of-concept-delivered": "21d",
        },
        "SLA events every motion must promise, each with the longest time allowed "
        "(h, d or w). Setting it replaces the whole table.",
    ),
}
DOC = {
    "what": (
        "Every event in `events` appears under `slas` with a `within` no longer "
        "than its limit, and every SLA of the motion, including those pulled in "
        "from a shared profile, names an `owner`."
    ),
    "why": (
        "Without speed the motion dies in bureaucracy. A partner who waits a week "
        "for a deal registration or an SE does not run the play a second time, and "
        "an SLA nobody owns is a wish, not a promise."
    ),
    "example": (
        "slas:\n"
        "  - event: deal-registration-accepted\n"
        "    within: 5d\n"
        "  # no owner, and no se-assigned or proof-of-concept-delivered"
    ),
    "fix": (
        "Add the missing SLAs (or `use:` a shared SLA profile), shorten the ones "
        "over the limit, and give each an `owner` such as `channel-ops`."
    ),
}


@cache
def _sla_events() -> frozenset[str]:
    return frozenset(load_schema(MOTION_SCHEMA)["$defs"]["slaEvent"]["enum"])


def check_option(name: str, value: Any) -> str | None:
    """Refuse unknown SLA events and limits that are not durations."""
    if name != "events":
        return None
    unknown = sorted(set(value) - _sla_events())
    if unknown:
        return (
            f"unknown SLA events {names(unknown)}; "
            f"known events are {', '.join(sorted(_sla_events()))}"
        )
    for event, limit in value.items():
        try:
            duration_hours(limit)
        except ValueError:
            return f"the limit of `{event}` must be a duration like 48h, 3d or 2w"
    return None


def check(motion: Motion, ctx: LintContext) -> Iterator[Finding]:
    """Yield findings for missing, slow and ownerless SLAs."""
    limits: dict[str, str] = ctx.options["events"]
    events = {sla.event for sla in motion.slas}
    for event, limit in limits.items():
        if event not in events:
            yield finding(
                ID,
                SEVERITY,
                motion,
                ("slas",),
                f"no SLA for {label(event)}; the motion must promise it within {limit}",
                f"add `- event: {event}` with `within: {limit}` under `slas:`",
            )
    for sla in motion.slas:
        yield from _slow(motion, sla, limits.get(sla.event))
        if not sla.owner:
            yield finding(
                ID,
                SEVERITY,
                motion,
                (*sla.path, "owner"),
                f"the SLA for {label(sla.event)} has no owner",
                "add `owner:` with the role accountable for it, such as channel-ops",
            )


def _slow(motion: Motion, sla: Sla, limit: str | None) -> Iterator[Finding]:
    if limit is None or sla.hours <= duration_hours(limit):
        return
    yield finding(
        ID,
        SEVERITY,
        motion,
        (*sla.path, "within"),
        f"{label(sla.event)} is promised within {sla.within}; the limit is {limit}",
        f"commit to `within: {limit}` or less",
    )
