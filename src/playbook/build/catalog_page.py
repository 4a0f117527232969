"""The view behind `index.html`, the page partners browse all kits from.

Links are relative (`kits/<id>/playbook.pdf`), so the page works opened
from disk as well as from any static host. The template escapes every value;
this module only shapes the entries and the filter choices.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from playbook.model import PARTNER_TYPE_NAMES

_DOMAIN_NAMES = {
    "hardware": "Hardware",
    "cloud": "Cloud",
    "devops": "DevOps",
    "security": "Security",
    "data-ai": "Data & AI",
    "enterprise-apps": "Enterprise apps",
    "other": "Other",
}
_LIFECYCLE_ORDER = ("recruit", "activate", "expand")


def relative_link(*parts: str) -> str:
    """A relative URL from path parts, each percent-encoded on its own."""
    return "/".join(quote(part, safe="") for part in parts)


def partner_type_name(type_id: str) -> str:
    """Capitalised plural words for a partner type id: `si` -> `System integrators`."""
    plural = PARTNER_TYPE_NAMES.get(type_id, (type_id, type_id))[1]
    return plural[:1].upper() + plural[1:]


def domain_name(domain: str) -> str:
    """Display words for a domain id: `data-ai` -> `Data & AI`."""
    return _DOMAIN_NAMES.get(domain, domain.replace("-", " ").capitalize())


def kit_files(kit_id: str, names: list[str]) -> list[str]:
    """Kit-relative file names, also from build-relative `kits/<id>/<name>` paths."""
    prefix = f"kits/{kit_id}/"
    return [str(name).removeprefix(prefix) for name in names]


def kit_view(entry: dict[str, Any]) -> dict[str, Any]:
    """One catalog card: display words, filter keys and the kit's relative links."""
    kit_id = str(entry["id"])
    files = kit_files(kit_id, entry.get("files", []))
    links = [
        (text, relative_link("kits", kit_id, name))
        for text, name in (
            ("PDF playbook", "playbook.pdf"),
            ("Web page", "playbook.html"),
        )
        if name in files
    ]
    if entry.get("zip"):
        links.append(("Zip", relative_link(*str(entry["zip"]).split("/"))))
    lead = [str(t) for t in entry.get("lead", [])]
    support = [str(t) for t in entry.get("support", [])]
    return {
        "id": kit_id,
        "name": str(entry["name"]),
        "version": str(entry.get("version", "")),
        "status": str(entry.get("status", "")),
        "domain": str(entry.get("domain", "")),
        "domain_name": domain_name(str(entry.get("domain", ""))),
        "lifecycle": str(entry.get("lifecycle", "")),
        "lifecycle_name": str(entry.get("lifecycle", "")).capitalize(),
        "lead": [partner_type_name(t) for t in lead],
        "support": [partner_type_name(t) for t in support],
        "partner_keys": " ".join(sorted({*lead, *support})),
        "tags": [str(tag) for tag in entry.get("tags", [])],
        "summary": str(entry.get("summary", "")),
        "score": entry.get("score"),
        "file_count": len(files),
        "links": links,
    }


def catalog_view(
    entries: list[dict[str, Any]], *, build_date: date | None
) -> dict[str, Any]:
    """Everything the catalog template shows: kits, filter choices, the date."""
    kits = [kit_view(entry) for entry in entries]
    domains = sorted({(k["domain"], k["domain_name"]) for k in kits if k["domain"]})
    found = {k["lifecycle"] for k in kits}
    lifecycles = [(s, s.capitalize()) for s in _LIFECYCLE_ORDER if s in found]
    lifecycles += [(s, s.capitalize()) for s in sorted(found - {*_LIFECYCLE_ORDER, ""})]
    partner_ids = sorted(
        {t for e in entries for t in [*e.get("lead", []), *e.get("support", [])]}
    )
    return {
        "kits": kits,
        "domains": domains,
        "lifecycles": lifecycles,
        "partner_types": [(t, partner_type_name(t)) for t in partner_ids],
        "build_date": build_date.isoformat() if build_date else "",
    }
