"""The typed motion: what the rest of playbook works with after validation.

Values here are already checked against the schema and the cross-file
rules, and shared fragments (`use:`) are expanded. Each motion keeps its
source document so lint rules and build errors can point at a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from playbook.loader import Document, Mark, Path_

PARTNER_TYPE_NAMES = {
    "var": ("VAR", "VARs"),
    "msp": ("MSP", "MSPs"),
    "mssp": ("MSSP", "MSSPs"),
    "si": ("system integrator", "system integrators"),
    "consultancy": ("consultancy", "consultancies"),
    "distributor": ("distributor", "distributors"),
    "isv": ("ISV", "ISVs"),
    "cloud-marketplace": ("cloud marketplace", "cloud marketplaces"),
}
"""Partner type id -> (singular, plural) words used in partner-facing text."""

ACTOR_NAMES = {
    "partner-ae": "Partner AE",
    "partner-se": "Partner SE",
    "partner-delivery": "Partner delivery team",
    "partner-marketing": "Partner marketing",
    "vendor-ae": "Vendor AE",
    "vendor-se": "Vendor SE",
    "vendor-marketing": "Vendor marketing",
    "channel-ops": "Channel operations",
    "deal-desk": "Deal desk",
    "channel-manager": "Channel manager",
}

_DURATION = re.compile(r"^(\d+)([hdw])$")
_HOURS_PER_UNIT = {"h": 1, "d": 24, "w": 24 * 7}


def duration_hours(text: str) -> int:
    """Hours in a duration such as `48h`, `3d` or `2w`."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r}")
    return int(match.group(1)) * _HOURS_PER_UNIT[match.group(2)]


def words(value: str) -> str:
    """Human words for an enum id: `se-assigned` -> `se assigned`."""
    return value.replace("-", " ")


@dataclass(frozen=True)
class Owner:
    """The person accountable for the motion."""

    name: str
    email: str
    team: str = ""


@dataclass(frozen=True)
class Trigger:
    """When to act: the customer event, the need, signals and the window."""

    event: str = ""
    need: str = ""
    signals: tuple[str, ...] = ()
    window: str = ""


@dataclass(frozen=True)
class Partners:
    """Partner types that lead and that support the motion."""

    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pitch:
    """The one-sentence test: who to call, what to say, what to offer."""

    who: str = ""
    say: str = ""
    offer: str = ""


@dataclass(frozen=True)
class Step:
    """One action of the play; `path` points at it in the source."""

    action: str
    actor: str = ""
    sla: str = ""
    path: Path_ = ()


@dataclass(frozen=True)
class Asset:
    """One item of the kit: a file inside the project or an https link.

    `path` points at the asset in the source file that defines it (the motion,
    or the fragments file for a shared asset); `source` names that file.
    """

    type: str
    title: str
    audience: str
    file: str = ""
    url: str = ""
    id: str = ""
    language: str = "en"
    description: str = ""
    path: Path_ = ()
    source: str = ""

    @property
    def is_partner(self) -> bool:
        """True when the asset may ship to partners."""
        return self.audience == "partner"


@dataclass(frozen=True)
class Sla:
    """A promise of speed: event, time allowed, owner."""

    event: str
    within: str
    owner: str = ""
    note: str = ""
    path: Path_ = ()

    @property
    def hours(self) -> int:
        """The time allowed, in hours."""
        return duration_hours(self.within)


@dataclass(frozen=True)
class Metric:
    """A success metric with a numeric target."""

    metric: str
    target: float
    unit: str
    direction: str
    period: str = ""
    path: Path_ = ()


@dataclass(frozen=True)
class Offer:
    """The incentive the partner offers the customer."""

    incentive: str
    description: str
    terms: str = ""
    expires: date | None = None


@dataclass(frozen=True)
class Internal:
    """Vendor-only content; never reaches a partner-facing file."""

    notes: str = ""
    discount_authority: str = ""
    escalation: str = ""
    assets: tuple[Asset, ...] = ()


@dataclass(frozen=True)
class Motion:
    """A validated motion, with shared fragments expanded."""

    id: str
    name: str
    version: str
    status: str
    domain: str
    lifecycle: str
    doc: Document = field(repr=False, compare=False)
    owner: Owner | None = None
    review_by: date | None = None
    tags: tuple[str, ...] = ()
    trigger: Trigger = Trigger()
    partners: Partners = Partners()
    pitch: Pitch = Pitch()
    steps: tuple[Step, ...] = ()
    assets: tuple[Asset, ...] = ()
    slas: tuple[Sla, ...] = ()
    metrics: tuple[Metric, ...] = ()
    offer: Offer | None = None
    internal: Internal = Internal()

    @property
    def source(self) -> str:
        """The motion file as shown in messages."""
        return self.doc.name

    def where(self, path: Path_) -> Mark:
        """Line and column of the value at `path` in the motion file."""
        return self.doc.mark(path)

    def has(self, path: Path_) -> bool:
        """True when the motion file writes a value at `path`."""
        return path in self.doc.marks

    @property
    def partner_assets(self) -> tuple[Asset, ...]:
        """Assets that ship in the partner kit."""
        return tuple(a for a in self.assets if a.is_partner)


def as_date(value: Any) -> date | None:
    """A date from a YAML date or an ISO `YYYY-MM-DD` text (already validated)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
