"""no-channel-manager: the motion runs without the channel manager on every call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding, label, names
from playbook.model import ACTOR_NAMES, Motion

ID = "no-channel-manager"
SEVERITY = Severity.ERROR
SUMMARY = "Every step has an actor, and no step or SLA is owned by the channel manager."
OPTIONS = {
    "forbidden": Option(
        ["channel-manager"],
        "Actors that may not own a step or an SLA, because the motion must run "
        "without them.",
    ),
}
DOC = {
    "what": (
        "The motion has steps; every step names an `actor`; no step's actor and no "
        "SLA's `owner` is one of the `forbidden` actors."
    ),
    "why": (
        "A motion is a sequence of actions that runs without you once designed. "
        "If the channel manager owns a step, every deal waits for one person and "
        "the play cannot scale past that person's calendar."
    ),
    "example": (
        "steps:\n"
        "  - actor: channel-manager\n"
        "    action: Join the discovery call with the partner AE.\n"
        "  - action: Send the proposal."
    ),
    "fix": (
        "Give each step to the role that does it on every deal: a partner AE or SE, "
        "a vendor SE, channel operations or the deal desk. Move what only the "
        "channel manager knows into the kit."
    ),
}


def check_option(name: str, value: Any) -> str | None:
    """Refuse actors the motion format does not know."""
    unknown = sorted(set(value) - set(ACTOR_NAMES)) if name == "forbidden" else []
    if unknown:
        return f"unknown actors {names(unknown)}; known actors are {names(ACTOR_NAMES)}"
    return None


def check(motion: Motion, ctx: LintContext) -> Iterator[Finding]:
    """Yield findings for missing steps, missing actors and forbidden owners."""
    forbidden = set(ctx.options["forbidden"])
    if not motion.steps:
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("steps",),
            "the motion has no steps, so nobody knows who does what",
            "add `steps:`, each with an `actor` and an `action`",
        )
    for number, step in enumerate(motion.steps, start=1):
        if not step.actor:
            yield finding(
                ID,
                SEVERITY,
                motion,
                step.path,
                f"step {number} has no actor, so it falls back to the channel manager",
                "add `actor:` with the role that does this on every deal",
            )
        elif step.actor in forbidden:
            yield finding(
                ID,
                SEVERITY,
                motion,
                (*step.path, "actor"),
                f"step {number} is done by the {ACTOR_NAMES[step.actor].lower()}, "
                "so the motion cannot run without them",
                "hand the step to a partner or vendor role and put the know-how "
                "in the kit",
            )
    for sla in motion.slas:
        if sla.owner in forbidden:
            yield finding(
                ID,
                SEVERITY,
                motion,
                (*sla.path, "owner"),
                f"the SLA for {label(sla.event)} is owned by the "
                f"{ACTOR_NAMES[sla.owner].lower()}",
                "make channel-ops or the deal desk accountable for it",
            )
