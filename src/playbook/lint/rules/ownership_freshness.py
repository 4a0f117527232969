"""ownership-freshness: someone owns the motion, and it is neither stale nor expired."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding
from playbook.loader import Path_
from playbook.model import Motion

ID = "ownership-freshness"
SEVERITY = Severity.WARNING
SUMMARY = "The motion has an owner and a review date not yet past; the offer is valid."
OPTIONS = {
    "require-review-by": Option(True, "Whether a motion must set `review_by`."),
    "notice-days": Option(
        0,
        "Also flag a review date or offer expiry this many days ahead; 0 flags "
        "only dates already past.",
    ),
}
DOC = {
    "what": (
        "The motion names an `owner` and a `review_by` date that is today or later, "
        "and its `offer.expires` date, when set, is not past. Retired motions are "
        "not checked for dates. The dates are compared with today's date (tests and "
        "CI can fix it with the hidden `--today` option)."
    ),
    "why": (
        "Partners stop trusting a kit that quotes last year's offer. A motion with "
        "no owner has nobody to keep it current, and a missed review means nobody "
        "checked that the play still works."
    ),
    "example": (
        "review_by: 2024-01-31\n"
        "offer:\n"
        "  incentive: discount\n"
        "  description: 10% off this quarter\n"
        "  expires: 2024-03-31"
    ),
    "fix": (
        "Name the owner, review the motion and move `review_by` forward, and "
        "renew or remove the expired offer (raise the motion's version when you "
        "do)."
    ),
}


def check_option(name: str, value: Any) -> str | None:
    """Refuse a negative notice period."""
    if name == "notice-days" and value < 0:
        return "`notice-days` cannot be negative"
    return None


def check(motion: Motion, ctx: LintContext) -> Iterator[Finding]:
    """Yield findings for a missing owner, a stale review and an expired offer."""
    if motion.owner is None:
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("owner",),
            "the motion has no owner to keep it current",
            "add `owner:` with `name` and `email`",
        )
    if motion.status == "retired":
        return
    horizon = ctx.today + timedelta(days=ctx.options["notice-days"])
    if motion.review_by is None:
        if ctx.options["require-review-by"]:
            yield finding(
                ID,
                SEVERITY,
                motion,
                ("review_by",),
                "the motion has no review date, so nobody will notice when it is stale",
                "add `review_by:` with a date (YYYY-MM-DD) within the next year",
            )
    else:
        yield from _dated(
            motion,
            ("review_by",),
            motion.review_by,
            ctx.today,
            horizon,
            "review date",
            "review the motion and set a new date",
        )
    if motion.offer and motion.offer.expires:
        yield from _dated(
            motion,
            ("offer", "expires"),
            motion.offer.expires,
            ctx.today,
            horizon,
            "offer",
            "renew the offer or remove it",
        )


def _dated(
    motion: Motion,
    path: Path_,
    when: date,
    today: date,
    horizon: date,
    what: str,
    hint: str,
) -> Iterator[Finding]:
    if when < today:
        verb = "expired" if what == "offer" else "passed"
        yield finding(
            ID, SEVERITY, motion, path, f"the {what} {verb} on {when.isoformat()}", hint
        )
    elif when <= horizon and horizon > today:
        days = (when - today).days
        message = f"the {what} runs out on {when.isoformat()}, in {days} days"
        yield finding(ID, SEVERITY, motion, path, message, hint)
