"""The partner view of a motion: only what partners may see, ids as words.

Templates receive this view, never the motion, so vendor-only content
(`internal`, internal-audience assets) cannot reach a kit even from a
user's template override.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from playbook.build import catalog_page
from playbook.build.kit import asset_names
from playbook.model import (
    ACTOR_NAMES,
    PARTNER_TYPE_NAMES,
    Asset,
    Motion,
    duration_hours,
    words,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")


_HEX_DIGITS = set("0123456789abcdefABCDEF")


PARTNER_TYPE_GLOSS = {
    "var": "value-added reseller",
    "msp": "managed service provider",
    "mssp": "managed security service provider",
    "si": "system integrator",
    "consultancy": "advisory and implementation firm",
    "distributor": "two-tier distribution partner",
    "isv": "independent software vendor",
    "cloud-marketplace": "cloud marketplace listing and resale",
}


_SPECIAL_WORDS = {
    "se": "SE",
    "mdf": "MDF",
    "roi": "ROI",
    "asp": "ASP",
    "faq": "FAQ",
    "ai": "AI",
}


_UNITS = {
    "days": "{n} days",
    "weeks": "{n} weeks",
    "percent": "{n}%",
    "partners": "{n} partners",
    "deals": "{n} deals",
    "usd": "USD {n}",
    "eur": "EUR {n}",
    "gbp": "GBP {n}",
}


_DURATION_UNITS = {"h": "hour", "d": "day", "w": "week"}


_SPECIAL_LABELS = {"partner-led-win-rate": "Partner-led win rate"}


def label(value: str) -> str:
    """Sentence-case words for an enum id: `se-assigned` -> `SE assigned`."""
    if value in _SPECIAL_LABELS:
        return _SPECIAL_LABELS[value]
    parts = [_SPECIAL_WORDS.get(part, part) for part in words(value).split(" ")]
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def duration_words(text: str) -> str:
    """A duration in words: `48h` -> `48 hours`, `1w` -> `1 week`."""
    try:
        duration_hours(text)
    except ValueError:
        return text
    count, unit = int(text[:-1]), _DURATION_UNITS[text[-1]]
    return f"{count} {unit}{'' if count == 1 else 's'}"


def number_words(value: float) -> str:
    """A number as people write it: `30`, `12.5`, `250,000`."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def target_words(target: float, unit: str, direction: str, period: str = "") -> str:
    """A metric target in words: `at most 30 days per quarter`."""
    amount = _UNITS.get(unit, "{n} " + unit).format(n=number_words(target))
    text = f"{words(direction)} {amount}"
    return f"{text} {period}".strip() if period else text


def colour(value: str, default: str) -> str:
    """`value` when it is a `#rrggbb` colour, else `default` (safe inside CSS)."""
    ok = len(value) == 7 and value[0] == "#" and set(value[1:]) <= _HEX_DIGITS
    return value.lower() if ok else default


def tint(value: str, strength: float) -> str:
    """A `#rrggbb` colour mixed with white, keeping `strength` of the colour."""
    channels = (int(value[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(255 - (255 - c) * strength) for c in channels)
    return "#" + "".join(f"{c:02x}" for c in mixed)


def phrase(text: str) -> str:
    """Text folded to one line without final punctuation, to use mid-sentence."""
    return " ".join(text.split()).rstrip(" .;:,!?")


def upfirst(text: str) -> str:
    """`text` with its first letter in upper case and the rest untouched."""
    return text[:1].upper() + text[1:]


def motion_view(
    motion: Motion,
    *,
    summary: str,
    score: int | None,
    source_commit: str | None,
    build_date: date | None,
) -> dict[str, Any]:
    """The partner-facing data of `motion`, ready for the templates."""
    placed = asset_names(motion)
    return {
        "motion": _identity(motion),
        "summary": summary,
        "score": score,
        "source_commit": (source_commit or "")[:12],
        "build_date": build_date.isoformat() if build_date else "",
        "trigger": motion.trigger,
        "lead": [_partner_type(t) for t in motion.partners.lead],
        "support": [_partner_type(t) for t in motion.partners.support],
        "roles": _roles(motion),
        "pitch": motion.pitch,
        "steps": _steps(motion),
        "assets": [_asset(a, placed) for a in motion.partner_assets],
        "slas": [_sla(s) for s in motion.slas],
        "metrics": [_metric(m) for m in motion.metrics],
        "offer": _offer(motion),
        "glance": _glance(motion),
    }


def _glance(motion: Motion) -> list[dict[str, str]]:
    """A few numbers that size up the motion at a glance, for the cover."""
    tiles = [
        {"value": str(len(motion.steps)), "label": "steps in the play"},
        {"value": str(len(motion.partner_assets)), "label": "assets in the kit"},
    ]
    if motion.slas:
        fastest = min(motion.slas, key=lambda sla: sla.hours)
        tiles.append(
            {
                "value": duration_words(fastest.within),
                "label": f"fastest SLA: {label(fastest.event).lower()}",
            }
        )
    return tiles


def _identity(motion: Motion) -> dict[str, Any]:
    owner = motion.owner
    return {
        "id": motion.id,
        "name": motion.name,
        "version": motion.version,
        "status": motion.status,
        "domain": catalog_page.domain_name(motion.domain),
        "lifecycle": motion.lifecycle,
        "lifecycle_name": label(motion.lifecycle),
        "tags": list(motion.tags),
        "review_by": motion.review_by.isoformat() if motion.review_by else "",
        "owner": (
            {"name": owner.name, "email": owner.email, "team": owner.team}
            if owner
            else None
        ),
    }


def _partner_type(type_id: str) -> dict[str, str]:
    singular, plural = PARTNER_TYPE_NAMES.get(type_id, (type_id, f"{type_id}s"))
    return {
        "id": type_id,
        "name": singular[:1].upper() + singular[1:],
        "plural": plural[:1].upper() + plural[1:],
        "gloss": PARTNER_TYPE_GLOSS.get(type_id, ""),
    }


def _roles(motion: Motion) -> list[dict[str, Any]]:
    """Who does which steps, in the order each actor first appears."""
    steps_by_actor: dict[str, list[int]] = {}
    for number, step in enumerate(motion.steps, start=1):
        if step.actor:
            steps_by_actor.setdefault(step.actor, []).append(number)
    return [
        {
            "actor": ACTOR_NAMES.get(actor, label(actor)),
            "side": "Vendor"
            if actor.startswith(("vendor-", "deal-", "channel-"))
            else "Partner",
            "steps": numbers,
        }
        for actor, numbers in steps_by_actor.items()
    ]


def _steps(motion: Motion) -> list[dict[str, str]]:
    within = {sla.event: duration_words(sla.within) for sla in motion.slas}
    return [
        {
            "actor": (
                ACTOR_NAMES.get(step.actor, label(step.actor)) if step.actor else ""
            ),
            "action": step.action,
            "sla": label(step.sla) if step.sla else "",
            "within": within.get(step.sla, ""),
        }
        for step in motion.steps
    ]


def _asset(asset: Asset, placed: dict[str, str]) -> dict[str, str]:
    """One kit entry; a file's link is where the kit places it, under assets/."""
    is_file = bool(asset.file)
    link = (
        placed.get(asset.file, f"assets/{Path(asset.file).name}")
        if is_file
        else asset.url
    )
    if is_file:
        href = catalog_page.relative_link(*link.split("/"))
    else:
        # Only https links become clickable; anything else is shown as text.
        href = link if link.startswith("https://") else ""
    return {
        "title": asset.title,
        "type": label(asset.type),
        "description": asset.description,
        "language": asset.language,
        "is_file": is_file,
        "link": link,
        "href": href,
    }


def _sla(sla: Any) -> dict[str, str]:
    return {
        "event": label(sla.event),
        "within": duration_words(sla.within),
        "owner": ACTOR_NAMES.get(sla.owner, label(sla.owner)) if sla.owner else "",
        "note": sla.note,
    }


def _metric(metric: Any) -> dict[str, str]:
    return {
        "metric": label(metric.metric),
        "target": target_words(
            metric.target, metric.unit, metric.direction, metric.period
        ),
    }


def _offer(motion: Motion) -> dict[str, str] | None:
    offer = motion.offer
    if offer is None:
        return None
    return {
        "incentive": label(offer.incentive),
        "description": offer.description,
        "terms": offer.terms,
        "expires": offer.expires.isoformat() if offer.expires else "",
    }
