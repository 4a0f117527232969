"""motion-pnl: the numbers that decide whether to invest in a motion or retire it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding, label, names
from playbook.model import Metric, Motion
from playbook.validate import MOTION_SCHEMA, load_schema

ID = "motion-pnl"
SEVERITY = Severity.ERROR
SUMMARY = "Targets for time to first pipeline, replication and win rate, in fit units."
OPTIONS = {
    "required": Option(
        ["time-to-first-pipeline", "replication-rate", "partner-led-win-rate"],
        "Metrics every motion must set a target for.",
    ),
}
DOC = {
    "what": (
        "Every metric in `required` appears under `metrics`. Each metric's target "
        "must make sense for what it measures: a unit that fits (days or weeks for "
        "a time, percent for a rate), the direction that means better (`at-most` "
        "for times, `at-least` for rates and pipeline), a target above zero, and "
        "no more than 100 percent."
    ),
    "why": (
        "Each motion needs a P&L-style view: how fast partners reach pipeline, "
        "how many partners can repeat it, how often partner-led deals win. "
        "Without those numbers nobody can tell whether to invest in the motion "
        "or retire it."
    ),
    "example": (
        "metrics:\n"
        "  - metric: time-to-first-pipeline\n"
        "    target: 30\n"
        "    unit: percent\n"
        "    direction: at-least\n"
        "  # no replication-rate or partner-led-win-rate"
    ),
    "fix": (
        "Add a target for each missing metric and correct units and directions, "
        "for instance `time-to-first-pipeline` at most 30 days, `replication-rate` "
        "at least 20 partners, `partner-led-win-rate` at least 35 percent."
    ),
}

_TIME = ({"days", "weeks"}, "at-most")
_MONEY = {"usd", "eur", "gbp"}
_FITS: dict[str, tuple[set[str], str]] = {
    "time-to-first-pipeline": _TIME,
    "time-to-first-deal-registration": _TIME,
    "replication-rate": ({"partners", "percent"}, "at-least"),
    "partner-led-win-rate": ({"percent"}, "at-least"),
    "attach-rate": ({"percent"}, "at-least"),
    "deal-registration-quality": ({"percent"}, "at-least"),
    "asp-uplift": ({"percent"} | _MONEY, "at-least"),
    "sourced-pipeline": ({"deals"} | _MONEY, "at-least"),
    "influenced-pipeline": ({"deals"} | _MONEY, "at-least"),
}
"""Metric -> (units that fit, the direction that means better)."""


@cache
def _metrics() -> frozenset[str]:
    schema = load_schema(MOTION_SCHEMA)
    return frozenset(schema["$defs"]["metric"]["properties"]["metric"]["enum"])


def check_option(name: str, value: Any) -> str | None:
    """Refuse metrics the motion format does not know."""
    unknown = sorted(set(value) - _metrics()) if name == "required" else []
    if unknown:
        return (
            f"unknown metrics {names(unknown)}; "
            f"known metrics are {', '.join(sorted(_metrics()))}"
        )
    return None


def check(motion: Motion, ctx: LintContext) -> Iterator[Finding]:
    """Yield findings for missing metrics and targets that make no sense."""
    present = {metric.metric for metric in motion.metrics}
    for name in ctx.options["required"]:
        if name not in present:
            yield finding(
                ID,
                SEVERITY,
                motion,
                ("metrics",),
                f"no target for {label(name)}",
                f"add `- metric: {name}` with a target, unit and direction "
                "under `metrics:`",
            )
    for metric in motion.metrics:
        yield from _target(motion, metric)


def _target(motion: Motion, metric: Metric) -> Iterator[Finding]:
    name = label(metric.metric)
    units, better = _FITS.get(metric.metric, (set(), ""))
    if units and metric.unit not in units:
        yield finding(
            ID,
            SEVERITY,
            motion,
            (*metric.path, "unit"),
            f"{name} is not measured in {metric.unit}",
            f"use one of: {', '.join(sorted(units))}",
        )
    if better and metric.direction != better:
        yield finding(
            ID,
            SEVERITY,
            motion,
            (*metric.path, "direction"),
            f"for {name}, `{metric.direction}` rewards getting worse",
            f"use `direction: {better}`",
        )
    if metric.target <= 0:
        yield finding(
            ID,
            SEVERITY,
            motion,
            (*metric.path, "target"),
            f"the target for {name} is zero, which measures nothing",
            "set the number that would make you invest in the motion",
        )
    elif metric.unit == "percent" and metric.target > 100:
        yield finding(
            ID,
            SEVERITY,
            motion,
            (*metric.path, "target"),
            f"the target for {name} is {metric.target:g} percent, over 100",
            "set a percentage between 1 and 100",
        )
