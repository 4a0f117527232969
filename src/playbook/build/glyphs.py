"""Every partner-facing character must have a glyph in the bundled fonts.

Checked before rendering, so a motion with text the fonts cannot draw stops
the build with one positioned finding per field and character.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TypeVar

from playbook.build import fonts
from playbook.errors import (
    Finding,
    InvalidInput,
)
from playbook.loader import Path_
from playbook.model import (
    Motion,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")


def partner_texts(motion: Motion) -> Iterator[tuple[str, Path_, str]]:
    """Every partner-facing text of `motion`: (field words, source path, text)."""
    yield "`name`", ("name",), motion.name
    for i, tag in enumerate(motion.tags):
        yield f"tag {i + 1}", ("tags", i), tag
    if motion.owner:
        for key in ("name", "email", "team"):
            yield f"`owner.{key}`", ("owner", key), getattr(motion.owner, key)
    for key in ("event", "need", "window"):
        yield f"`trigger.{key}`", ("trigger", key), getattr(motion.trigger, key)
    for i, signal in enumerate(motion.trigger.signals):
        yield f"signal {i + 1}", ("trigger", "signals", i), signal
    for key in ("who", "say", "offer"):
        yield f"`pitch.{key}`", ("pitch", key), getattr(motion.pitch, key)
    for i, step in enumerate(motion.steps):
        path = step.path or ("steps", i)
        yield f"the action of step {i + 1}", (*path, "action"), step.action
    yield from _asset_texts(motion)
    for i, sla in enumerate(motion.slas):
        path = sla.path if motion.has(sla.path) else ("slas",)
        yield f"the note of SLA {i + 1}", (*path, "note"), sla.note
    for i, metric in enumerate(motion.metrics):
        path = metric.path or ("metrics", i)
        yield f"the period of metric {i + 1}", (*path, "period"), metric.period
    if motion.offer:
        for key in ("description", "terms"):
            yield f"`offer.{key}`", ("offer", key), getattr(motion.offer, key)


def _asset_texts(motion: Motion) -> Iterator[tuple[str, Path_, str]]:
    for i, asset in enumerate(motion.assets):
        if not asset.is_partner:
            continue
        shared = asset.source not in ("", motion.source)
        path = ("assets", i) if shared or not asset.path else asset.path
        where = f" (shared asset from {asset.source})" if shared else ""
        for key in ("title", "description", "file", "url"):
            label_ = f"the {key} of asset {i + 1}{where}"
            yield label_, (*path, key), getattr(asset, key)


class UnprintableText(InvalidInput):
    """Partner-facing text the bundled fonts cannot draw: one finding per character.

    It carries its findings back from a build worker intact, which the base
    class, built from its message alone, would not.
    """

    def __reduce__(self) -> tuple[type, tuple[list[Finding]]]:
        return type(self), (self.findings,)


def glyph_findings(motion: Motion) -> list[Finding]:
    """A finding for each character of each partner-facing field no font can draw."""
    findings = []
    for field, path, text in partner_texts(motion):
        missing = fonts.missing_glyphs(text)
        if not missing:
            continue
        mark = motion.where(path)
        findings += [
            Finding(
                motion.source,
                mark.line,
                mark.col,
                "build/glyph",
                message=glyph_message(char, field),
            )
            for char in missing
        ]
    return findings


def check_glyphs(motion: Motion) -> None:
    """Refuse a motion whose partner-facing text the bundled fonts cannot draw."""
    findings = glyph_findings(motion)
    if findings:
        raise UnprintableText(findings)


def glyph_message(char: str, field: str) -> str:
    """Why `char` in `field` cannot be printed, and what to do about it."""
    fix = (
        "write it another way or remove it" if fonts.is_printable(char) else "remove it"
    )
    return (
        f"{fonts.describe(char)} in {field} has no glyph in the bundled fonts "
        f"({fonts.FAMILY}, {fonts.FALLBACK}); {fix}"
    )
