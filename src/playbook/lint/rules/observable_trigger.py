"""observable-trigger: the motion says when to act, in terms a partner can see."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding
from playbook.model import Motion

ID = "observable-trigger"
SEVERITY = Severity.ERROR
SUMMARY = "The trigger has an event, observable signals and a window to act in."
OPTIONS = {
    "min-signals": Option(1, "Fewest observable signals the trigger must list."),
}
DOC = {
    "what": (
        "The motion has a `trigger` with an `event` (what happens at the customer), "
        "at least `min-signals` `signals` (what a partner can observe) and a "
        "`window` (when to act, relative to the event)."
    ),
    "why": (
        "The trigger tells partners when to act. Without signals a partner cannot "
        "tell that the event has happened; without a window they act too late or "
        "too early, and the play does not repeat."
    ),
    "example": (
        "trigger:\n"
        "  event: a customer's network switches approach end of support\n"
        "  # no signals, no window"
    ),
    "fix": (
        "List the signals a partner can check without calling you (a report, a "
        "renewal quote, a public announcement) and the window, such as "
        '"6 to 12 months before end of support".'
    ),
}


def check_option(name: str, value: Any) -> str | None:
    """Refuse a negative number of signals."""
    if name == "min-signals" and value < 0:
        return "`min-signals` cannot be negative"
    return None


def check(motion: Motion, ctx: LintContext) -> Iterator[Finding]:
    """Yield a finding for each missing part of the trigger."""
    trigger = motion.trigger
    if not motion.has(("trigger",)):
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("trigger",),
            "the motion has no trigger, so partners cannot tell when to run it",
            "add `trigger:` with `event`, `signals` and `window`",
        )
        return
    if not trigger.event:
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("trigger", "event"),
            "the trigger has no event (what happens at the customer)",
            'add `event:` under `trigger:`, written to follow the word "when"',
        )
    wanted = ctx.options["min-signals"]
    if len(trigger.signals) < wanted:
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("trigger", "signals"),
            f"the trigger lists {len(trigger.signals)} observable signals; "
            f"at least {wanted} needed",
            "add `signals:` a partner can check, such as a report or a renewal date",
        )
    if not trigger.window:
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("trigger", "window"),
            "the trigger has no window to act in",
            'add `window:` under `trigger:`, such as "within 30 days of the event"',
        )
