"""Where the bundled schema, templates and fonts are found.

In a source checkout they are the repository's own `schemas/` and
`templates/`; in an installed wheel they are copies under `playbook/data/`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


@cache
def bundled(name: str) -> Path:
    """Return the folder of bundled files called `name` (schemas, templates)."""
    for base in (_PACKAGE / "data", _CHECKOUT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the install")


def schema_path(name: str = "motion.schema.json") -> Path:
    """Return the path of a bundled JSON Schema file."""
    return bundled("schemas") / name
