"""kit-complete: the partner kit holds every asset a partner needs to run the play."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding, label, names
from playbook.model import Motion
from playbook.validate import MOTION_SCHEMA, load_schema

ID = "kit-complete"
SEVERITY = Severity.ERROR
SUMMARY = "The partner kit has every required asset type."
OPTIONS = {
    "required": Option(
        [
            "pitch-deck",
            "demo-script",
            "email-copy",
            "pricing-calculator|roi-calculator",
            "customer-reference",
        ],
        "Asset types the kit must hold; `a|b` means either type will do.",
    ),
}
DOC = {
    "what": (
        "For each entry of `required`, the motion has at least one asset with "
        "`audience: partner` of that type (or of one of the types joined with `|`). "
        "Shared assets pulled in with `use:` count; internal assets do not."
    ),
    "why": (
        "Partners need a kit, not a meeting. When the deck, the demo script, the "
        "email, the calculator and a reference are in the kit, a partner AE can "
        "run the motion as easily as a direct AE, and you are not needed in every "
        "deal."
    ),
    "example": (
        "assets:\n"
        "  - type: pitch-deck\n"
        "    title: Upgrade pitch deck\n"
        "    file: assets/refresh/pitch-deck.md\n"
        "    audience: partner\n"
        "  # no demo script, email copy, calculator or reference"
    ),
    "fix": (
        "Write the missing assets and list them under `assets:` with "
        "`audience: partner`, or reuse a shared one with `use:`."
    ),
}


@cache
def _asset_types() -> frozenset[str]:
    return frozenset(load_schema(MOTION_SCHEMA)["$defs"]["assetType"]["enum"])


def check_option(name: str, value: Any) -> str | None:
    """Refuse asset types the motion format does not know."""
    if name != "required":
        return None
    unknown = sorted({t for entry in value for t in entry.split("|")} - _asset_types())
    if unknown:
        return (
            f"unknown asset types {names(unknown)}; "
            f"known types are {', '.join(sorted(_asset_types()))}"
        )
    return None


def check(motion: Motion, ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per required asset type missing from the partner kit."""
    present = {asset.type for asset in motion.partner_assets}
    for entry in ctx.options["required"]:
        choices = entry.split("|")
        if present.intersection(choices):
            continue
        wanted = " or ".join(label(choice) for choice in choices)
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("assets",),
            f"the partner kit has no {wanted}",
            f"add an asset with `type: {choices[0]}` and `audience: partner`",
        )
