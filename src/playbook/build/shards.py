"""Sharded builds: split a large build across a CI matrix, then merge.

`build --shard K/N` builds the motions whose id hashes to K; `merge`
assembles the kits of shards 1..N into one build, byte-identical to a build
of everything at once.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from playbook.build import kit as kits
from playbook.build.output import clean_leftovers, staged
from playbook.build.pipeline import (
    BuildOptions,
    BuildResult,
    Progress,
    QuietProgress,
    check_out_folder,
    link_or_copy,
    write_catalog,
)
from playbook.build.state import new_state, read_state, write_state
from playbook.config import Config
from playbook.errors import BuildError, UsageError


def merge(
    config: Config,
    shards: list[Path],
    out: Path | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Assemble the kits of shard builds (K/N for every K) into one build.

    The result is byte-identical to building every motion at once: kits are
    linked as they are, the catalog and state are written from the shards'.
    """
    started = time.perf_counter()
    progress = progress or QuietProgress()
    out = out or config.build
    check_out_folder(config, out)
    for folder in shards:
        if out.resolve() == folder.resolve() or out.resolve().is_relative_to(
            folder.resolve()
        ):
            raise UsageError(f"{out}: the merged build cannot replace a shard it reads")
    clean_leftovers(out)
    progress.stage(f"merging {len(shards)} shards")
    read = [_shard_state(folder) for folder in shards]
    states = [state for state, _ in read]
    options = _merged_options(shards, states)
    entries, kits_state = [], {}
    owner: dict[str, Path] = {}
    for folder, (state, catalog) in zip(shards, read, strict=True):
        for entry in catalog["motions"]:
            if entry["id"] in owner:
                raise BuildError(
                    f"{folder}: kit `{entry['id']}` is also in {owner[entry['id']]}"
                )
            owner[entry["id"]] = folder
            entries.append(entry)
        kits_state.update(state["kits"])
    entries.sort(key=lambda entry: entry["id"])

    with staged(out) as staging:
        for entry in entries:
            _link_kit(owner[entry["id"]] / "kits", staging / "kits", entry["id"])
        write_catalog(config, staging, entries, options)
        state = new_state(options, {k: v["render"] for k, v in kits_state.items()})
        write_state(staging, state)
        progress.stage("publishing")
    return BuildResult(
        out,
        kits=len(entries),
        reused=len(entries),
        files=sum(1 for p in out.rglob("*") if p.is_file()),
        seconds=time.perf_counter() - started,
    )


def _link_kit(source: Path, target: Path, motion_id: str) -> None:
    """Link one kit folder and its zip from a shard into the new build.

    Every file must be a plain file listed in the kit's manifest with the same
    size and checksum, and the zip must hold exactly those bytes: a shard that
    was changed after its build is refused, never published.
    """
    folder = source / motion_id
    expected = _manifest_files(folder)
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise BuildError(f"{path}: shards hold only plain files; this is not one")
        if path.is_file():
            found[path.relative_to(folder).as_posix()] = path
    for name, path in found.items():
        data = path.read_bytes()
        if name != kits.MANIFEST and expected.get(name) != (
            len(data),
            kits.sha256(data),
        ):
            raise BuildError(
                f"{path}: does not match the kit's kit.json; rebuild the shard"
            )
    if set(found) != {*expected, kits.MANIFEST}:
        raise BuildError(
            f"{folder}: the files differ from its kit.json; rebuild the shard"
        )
    archive = source / f"{motion_id}.zip"
    files = {name: path.read_bytes() for name, path in found.items()}
    if archive.is_symlink() or archive.read_bytes() != kits.zip_bytes(files, motion_id):
        raise BuildError(f"{archive}: does not match its kit folder; rebuild the shard")
    for name, path in found.items():
        destination = target / motion_id / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(path, destination)
    link_or_copy(archive, target / f"{motion_id}.zip")


def _manifest_files(folder: Path) -> dict[str, tuple[int, str]]:
    try:
        manifest = json.loads((folder / kits.MANIFEST).read_text(encoding="utf-8"))
        return {f["path"]: (f["size"], f["sha256"]) for f in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        raise BuildError(f"{folder}: its kit.json is missing or broken") from None


def _shard_state(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The build state and catalog of one shard folder, or a usage error."""
    state = read_state(folder)
    try:
        catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        catalog = None
    if not state.get("shard") or not isinstance(catalog, dict):
        raise UsageError(f"{folder}: not the output of `playbook build --shard K/N`")
    return state, catalog


def _merged_options(shards: list[Path], states: list[dict[str, Any]]) -> BuildOptions:
    """The options every shard was built with; they must agree and cover 1..N."""
    count = states[0]["shard"][1]
    numbers = sorted(state["shard"][0] for state in states)
    if numbers != list(range(1, count + 1)) or any(
        s["shard"][1] != count for s in states
    ):
        raise UsageError(
            f"the shards must be 1/{count} to {count}/{count}, each once; got "
            + ", ".join(f"{s['shard'][0]}/{s['shard'][1]}" for s in states)
        )
    for key in ("commit", "build_date", "portfolio_score"):
        values = {json.dumps(state.get(key)) for state in states}
        if len(values) > 1:
            raise UsageError(
                f"the shards were built from different inputs ({key} differs)"
            )
    first = states[0]
    built = first.get("build_date")
    return BuildOptions(
        source_commit=first.get("commit"),
        portfolio_score=first.get("portfolio_score"),
        build_date=date.fromisoformat(built) if built else None,
    )
