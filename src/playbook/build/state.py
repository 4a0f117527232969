"""Build state: what each kit was made from, so unchanged kits are reused.

Every kit gets a fingerprint of its inputs (the motion, its partner assets,
templates, fonts, configuration, shared fragments, tool version, score and
build date), computed from file contents only: the same inputs give the same
fingerprint in any folder, on any machine and after a fresh checkout. The
fingerprints are kept in `build/.build-state.json`; a build whose state would
equal the previous one has nothing to do.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playbook import __version__
from playbook.config import Config
from playbook.model import Motion
from playbook.project import Project
from playbook.resources import bundled

if TYPE_CHECKING:
    from playbook.build.pipeline import BuildOptions

STATE_FILE = ".build-state.json"


def _content_key(path: Path, seen: dict[Path, str] | None = None) -> str:
    """sha256 of a file's bytes (file times and paths play no part), memoised."""
    if seen is not None and path in seen:
        return seen[path]
    try:
        key = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        key = "missing"
    if seen is not None:
        seen[path] = key
    return key


@cache
def _fonts_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("font-lato")
    except PackageNotFoundError:  # pragma: no cover - the dependency is pinned
        return "missing"


def _tree_key(folder: Path) -> str:
    if not folder.is_dir():
        return ""
    return "\n".join(
        f"{p.relative_to(folder).as_posix()}:{_content_key(p)}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )


def shared_key(config: Config, project: Project, options: BuildOptions) -> str:
    """What every kit depends on: tool, fonts, templates, config, fragments, dates."""
    fragments = [d.text for d in project.documents if "fragments" in d.data]
    parts = [
        __version__,
        _fonts_version(),
        _tree_key(bundled("templates")),
        _tree_key(config.templates),
        config.text,
        repr(config.brand),
        *fragments,
        str(options.build_date),
        _content_key(config.root / config.brand.logo) if config.brand.logo else "",
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def render_key(
    motion: Motion,
    shared: str,
    root: Path,
    score: int | None,
    seen: dict[Path, str] | None = None,
) -> str:
    """Fingerprint of everything a kit's files depend on, from contents only.

    The same inputs give the same key on any machine and in any folder, so
    the build state is itself reproducible and survives a fresh checkout.
    """
    assets = [a.file for a in motion.partner_assets if a.file]
    parts = [
        shared,
        motion.doc.text,
        str(score),
        *(f"{name}:{_content_key(root / name, seen)}" for name in assets),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def new_state(options: BuildOptions, keys: dict[str, str]) -> dict[str, Any]:
    """What the next build compares against: one fingerprint per kit and more."""
    return {
        "format": 1,
        "commit": options.source_commit,
        "shard": list(options.shard) if options.shard else None,
        "build_date": options.build_date.isoformat() if options.build_date else None,
        "kits": {mid: {"render": key} for mid, key in sorted(keys.items())},
        "portfolio_score": options.portfolio_score,
    }


def write_state(folder: Path, state: dict[str, Any]) -> None:
    (folder / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")


def read_state(out: Path) -> dict[str, Any]:
    try:
        return json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
