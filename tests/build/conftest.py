"""Shared pieces for the rendering tests: a small project, motions made by hand.

Motions are loaded from real YAML text (so every value has a line and a
column) and turned into the typed model here, the way the validator does.
"""

from __future__ import annotations

import copy
import logging
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from playbook.build.render import Renderer
from playbook.config import Brand, Config
from playbook.loader import Document, load_bytes
from playbook.model import (
    Asset,
    Internal,
    Metric,
    Motion,
    Offer,
    Owner,
    Partners,
    Pitch,
    Sla,
    Step,
    Trigger,
    as_date,
)

CANARY = "CANARY-7f3e-internal-only"
"""Planted in every internal field; must never show up in a kit."""

BUILD_DATE = date(2026, 5, 1)

BASE: dict[str, Any] = {
    "id": "hardware-refresh",
    "name": "Hardware Refresh for VARs",
    "version": "1.2.0",
    "status": "active",
    "owner": {
        "name": "Dana Whitfield",
        "email": "dana.whitfield@example.com",
        "team": "Channel enablement",
    },
    "review_by": "2027-03-31",
    "domain": "hardware",
    "lifecycle": "activate",
    "tags": ["networking", "refresh"],
    "trigger": {
        "event": "a customer's network gear nears end of support",
        "need": "replace unsupported switches before they fail",
        "signals": [
            "End-of-sale notice on the install-base report",
            "Support renewal quote above last year's",
        ],
        "window": "6 to 12 months before end of support",
    },
    "partners": {"lead": ["var"], "support": ["distributor", "msp"]},
    "pitch": {
        "who": "the IT infrastructure manager",
        "say": "a planned refresh costs less than the next outage",
        "offer": "a 15% refresh discount for orders this quarter",
    },
    "steps": [
        {
            "actor": "partner-ae",
            "action": "Pull the install-base report and list "
            "customers with gear past end of sale.",
        },
        {
            "actor": "partner-ae",
            "action": "Register the deal in the partner portal.",
            "sla": "deal-registration-accepted",
        },
        {
            "actor": "vendor-se",
            "action": "Join the first technical call and size the replacement.",
            "sla": "se-assigned",
        },
        {
            "actor": "partner-se",
            "action": "Run the network assessment and present the refresh plan.",
        },
    ],
    "assets": [
        {
            "type": "pitch-deck",
            "title": "Upgrade pitch deck",
            "file": "assets/refresh/pitch-deck.md",
            "audience": "partner",
            "description": "Ten slides for the first meeting",
        },
        {
            "type": "case-study",
            "title": "Retail refresh case study",
            "url": "https://partners.example.com/cases/retail",
            "audience": "partner",
        },
        {
            "type": "battlecard",
            "title": f"Margin battlecard {CANARY}",
            "file": "assets/refresh/internal-battlecard.md",
            "audience": "internal",
            "description": f"Internal pricing floor {CANARY}",
        },
    ],
    "slas": [
        {
            "event": "deal-registration-accepted",
            "within": "48h",
            "owner": "channel-ops",
            "note": "Clock starts when the registration is submitted.",
        },
        {"event": "se-assigned", "within": "3d", "owner": "channel-ops"},
    ],
    "metrics": [
        {
            "metric": "time-to-first-pipeline",
            "target": 30,
            "unit": "days",
            "direction": "at-most",
        },
        {
            "metric": "partner-led-win-rate",
            "target": 35,
            "unit": "percent",
            "direction": "at-least",
            "period": "per quarter",
        },
    ],
    "offer": {
        "incentive": "discount",
        "description": "15% off refresh hardware ordered this quarter",
        "terms": "New purchase orders only; cannot be combined with other promotions",
        "expires": "2027-03-31",
    },
    "internal": {
        "notes": f"Margin floor is 22% {CANARY}",
        "discount_authority": f"Up to 25% with RVP approval {CANARY}",
        "escalation": f"Call the regional VP {CANARY}",
        "assets": [
            {
                "type": "pricing-calculator",
                "title": f"Deal desk sheet {CANARY}",
                "file": "assets/refresh/internal-battlecard.md",
                "audience": "internal",
            },
        ],
    },
}


def motion_data(**changes: Any) -> dict[str, Any]:
    """A deep copy of the base motion with top-level fields replaced."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def load_motion(data: dict[str, Any], name: str = "motions/m.yaml") -> Motion:
    """Write `data` as YAML, load it with positions and build the typed motion."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    doc, findings = load_bytes(text.encode("utf-8"), Path(name), name)
    assert doc is not None and not findings, findings
    return to_motion(doc)


def _asset(item: dict[str, Any], path: tuple, source: str) -> Asset:
    fields = {
        k: item[k]
        for k in (
            "type",
            "title",
            "audience",
            "file",
            "url",
            "id",
            "language",
            "description",
        )
        if k in item
    }
    return Asset(**fields, path=path, source=source)


def to_motion(doc: Document) -> Motion:
    """The typed motion of a loaded document (a test stand-in for the validator)."""
    d = doc.data
    internal = d.get("internal", {})
    return Motion(
        id=d["id"],
        name=d["name"],
        version=d["version"],
        status=d["status"],
        domain=d["domain"],
        lifecycle=d["lifecycle"],
        doc=doc,
        owner=Owner(**d["owner"]) if "owner" in d else None,
        review_by=as_date(d.get("review_by")),
        tags=tuple(d.get("tags", ())),
        trigger=Trigger(
            **{
                **d.get("trigger", {}),
                "signals": tuple(d.get("trigger", {}).get("signals", ())),
            }
        ),
        partners=Partners(**{k: tuple(v) for k, v in d.get("partners", {}).items()}),
        pitch=Pitch(**d.get("pitch", {})),
        steps=tuple(
            Step(**s, path=("steps", i)) for i, s in enumerate(d.get("steps", ()))
        ),
        assets=tuple(
            _asset(a, ("assets", i), doc.name)
            for i, a in enumerate(d.get("assets", ()))
        ),
        slas=tuple(Sla(**s, path=("slas", i)) for i, s in enumerate(d.get("slas", ()))),
        metrics=tuple(
            Metric(**m, path=("metrics", i)) for i, m in enumerate(d.get("metrics", ()))
        ),
        offer=Offer(**{**d["offer"], "expires": as_date(d["offer"].get("expires"))})
        if "offer" in d
        else None,
        internal=Internal(
            notes=internal.get("notes", ""),
            discount_authority=internal.get("discount_authority", ""),
            escalation=internal.get("escalation", ""),
            assets=tuple(
                _asset(a, ("internal", "assets", i), doc.name)
                for i, a in enumerate(internal.get("assets", ()))
            ),
        ),
    )


def make_project(root: Path) -> Path:
    """A project folder holding the asset files the base motion names."""
    (root / "assets" / "refresh").mkdir(parents=True, exist_ok=True)
    (root / "assets" / "refresh" / "pitch-deck.md").write_text(
        "# Upgrade pitch deck\n\nTen slides.\n", encoding="utf-8"
    )
    (root / "assets" / "refresh" / "internal-battlecard.md").write_text(
        f"# Battlecard\n\n{CANARY}\n", encoding="utf-8"
    )
    (root / "motions").mkdir(exist_ok=True)
    return root


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A shared project folder for tests that only read it."""
    return make_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="session")
def renderer(project: Path) -> Renderer:
    """One renderer for the shared project, as a build worker would hold."""
    return Renderer(Config(root=project, brand=Brand(name="Northwind")))


@pytest.fixture(scope="session")
def kit(renderer: Renderer) -> dict[str, bytes]:
    """The kit files of the base motion, rendered once."""
    motion = load_motion(motion_data())
    return render(renderer, motion)


def render(
    renderer: Renderer, motion: Motion, score: int | None = 87
) -> dict[str, bytes]:
    """Render `motion` with fixed build inputs."""
    from playbook.summary import summary

    return renderer.render_motion(
        motion,
        summary=summary(motion),
        score=score,
        source_commit="0123456789abcdef0123456789abcdef01234567",
        build_date=BUILD_DATE,
    )


def tool(*args: str, data: bytes | None = None) -> str:
    """Run a poppler or qpdf command and return its standard output."""
    assert shutil.which(args[0]), f"{args[0]} is not installed"
    result = subprocess.run(args, input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8", "replace")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of a PDF as pdftotext extracts it, white space folded."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return " ".join(tool("pdftotext", "-enc", "UTF-8", str(path), "-").split())


@pytest.fixture(autouse=True)
def no_unexpected_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test on any warning from WeasyPrint or playbook it did not clear."""
    caplog.set_level(logging.WARNING)
    yield
    noisy = [
        record.getMessage()
        for record in caplog.get_records("call")
        if record.levelno >= logging.WARNING
        and record.name.split(".")[0] in ("weasyprint", "playbook")
    ]
    assert not noisy, noisy


def qdf(pdf: bytes, tmp_path: Path) -> bytes:
    """The PDF rewritten by qpdf with every stream uncompressed, for searching."""
    source, target = tmp_path / "in.pdf", tmp_path / "qdf.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(source), str(target)],
        check=True,
        capture_output=True,
    )
    return target.read_bytes()
