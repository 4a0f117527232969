"""The build: validated motions in, partner kits and a catalog out.

    fingerprint each motion's inputs
    -> skip everything when nothing changed since the last build
    -> render changed kits (in parallel), reuse unchanged ones
    -> write the catalog
    -> swap the new tree in whole

Renderers are created once per worker process, so fonts and templates load
once. The previous `build/` is never written to: unchanged kit files are
hard-linked into the new tree, which then replaces it atomically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from playbook import __version__
from playbook.build import kit as kits
from playbook.build.output import clean_leftovers, new_staging, publish
from playbook.config import Config
from playbook.errors import BuildError, UsageError
from playbook.model import Motion
from playbook.project import Project
from playbook.resources import bundled
from playbook.summary import summary as summary_of

log = logging.getLogger(__name__)

STATE_FILE = ".build-state.json"
RENDERED = ("playbook.pdf", "playbook.html", "summary.txt", "email.txt")


class Progress(Protocol):
    """Where the build reports its stages; the CLI decides how to show them."""

    def stage(self, name: str, total: int = 0) -> None:
        """A new stage starts, with `total` steps when it has steps."""

    def advance(self, steps: int = 1) -> None:
        """Steps of the current stage are done."""


class _Silent:
    def stage(self, name: str, total: int = 0) -> None:
        log.info("%s", name)

    def advance(self, steps: int = 1) -> None:
        pass


@dataclass
class BuildOptions:
    """How to build: where to, with how many workers, which shard."""

    out: Path | None = None
    jobs: int = 0
    shard: tuple[int, int] | None = None
    scores: dict[str, int] = field(default_factory=dict)
    portfolio_score: int | None = None
    build_date: date | None = None
    source_commit: str | None = None


@dataclass
class BuildResult:
    """What a build did, for the closing summary line."""

    out: Path
    kits: int = 0
    rendered: int = 0
    reused: int = 0
    files: int = 0
    seconds: float = 0.0
    up_to_date: bool = False


def source_date() -> date | None:
    """The document date: SOURCE_DATE_EPOCH when set, else none at all.

    No clock is read, so two builds of the same inputs are identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be whole seconds, got {epoch!r}"
        ) from None


def source_commit(root: Path) -> str | None:
    """The git commit the project is at, or None outside git."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def in_shard(motion_id: str, shard: tuple[int, int] | None) -> bool:
    """True when the motion belongs to shard K of N (a stable hash of its id)."""
    if shard is None:
        return True
    number, count = shard
    digest = int(hashlib.sha256(motion_id.encode()).hexdigest()[:12], 16)
    return digest % count == number - 1


# --- fingerprints -----------------------------------------------------------


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


# --- rendering in workers ---------------------------------------------------

_renderer: Any = None


def _init_worker(config: Config) -> None:
    global _renderer
    from playbook.build.render import Renderer

    _renderer = Renderer(config)


@dataclass(frozen=True)
class _Job:
    motion: Motion
    summary: str
    score: int | None
    build_date: date | None
    source_commit: str | None
    root: Path
    folder: Path


def _render_job(job: _Job) -> tuple[str, list[str]]:
    """Render one kit into its folder and zip; return the id and file names."""
    motion = job.motion
    # The commit goes in kit.json only: printed in the PDF, every commit would
    # re-render every kit, and relinked kits would show a stale commit.
    files = dict(
        _renderer.render_motion(
            motion,
            summary=job.summary,
            score=job.score,
            source_commit=None,
            build_date=job.build_date,
        )
    )
    for source, name in kits.asset_names(motion).items():
        files[name] = _read_asset(job.root, source, motion)
    files[kits.MANIFEST] = kits.manifest(motion, files, job.source_commit)
    _write_kit(job.folder, motion.id, files)
    return motion.id, sorted(files)


def _read_asset(root: Path, relative: str, motion: Motion) -> bytes:
    from playbook.project import asset_file_problem

    problem = asset_file_problem(root, relative)
    if problem:
        raise BuildError(f"{motion.source}: {problem}")
    return (root / relative).read_bytes()


def _write_kit(kits_folder: Path, motion_id: str, files: dict[str, bytes]) -> None:
    folder = kits_folder / motion_id
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (kits_folder / f"{motion_id}.zip").write_bytes(kits.zip_bytes(files, motion_id))


def _relink_kit(old: Path, new: Path, motion: Motion, commit: str | None) -> list[str]:
    """Reuse a kit's files from the previous build; rewrite the manifest if needed."""
    names = sorted(
        p.relative_to(old / motion.id).as_posix()
        for p in (old / motion.id).rglob("*")
        if p.is_file()
    )
    for name in names:
        target = new / motion.id / name
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(old / motion.id / name, target)
    manifest = json.loads((old / motion.id / kits.MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("source_commit") == commit:
        _link_or_copy(old / f"{motion.id}.zip", new / f"{motion.id}.zip")
        return names
    files = {n: (old / motion.id / n).read_bytes() for n in names if n != kits.MANIFEST}
    files[kits.MANIFEST] = kits.manifest(motion, files, commit)
    (new / motion.id / kits.MANIFEST).unlink()
    _write_kit(new, motion.id, files)
    return sorted(files)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        target.write_bytes(source.read_bytes())


# --- the build --------------------------------------------------------------


def _previous_state(out: Path) -> dict[str, Any]:
    try:
        return json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _check_out_folder(config: Config, out: Path) -> None:
    root = config.root.resolve()
    resolved = out.resolve()
    if (
        resolved == root
        or root.is_relative_to(resolved)
        or resolved == config.motions.resolve()
    ):
        raise UsageError(
            f"{out}: the build folder cannot be the project folder or hold it"
        )
    if (
        resolved.is_dir()
        and any(resolved.iterdir())
        and not (resolved / STATE_FILE).is_file()
    ):
        raise UsageError(
            f"{out}: this folder exists and was not made by playbook build; "
            "remove it or "
            "build somewhere else, so nothing of yours is replaced"
        )


def _entry(
    motion: Motion, summary: str, score: int | None, files: list[str]
) -> dict[str, Any]:
    return {
        "id": motion.id,
        "name": motion.name,
        "version": motion.version,
        "status": motion.status,
        "domain": motion.domain,
        "lifecycle": motion.lifecycle,
        "lead": list(motion.partners.lead),
        "support": list(motion.partners.support),
        "tags": list(motion.tags),
        "summary": summary,
        "score": score,
        "files": [f"kits/{motion.id}/{name}" for name in files],
        "zip": f"kits/{motion.id}.zip",
    }


def plan(project: Project, options: BuildOptions) -> list[Motion]:
    """The motions this build publishes: active and draft ones of the shard."""
    return [
        m
        for m in project.motions
        if m.status != "retired" and in_shard(m.id, options.shard)
    ]


def build(
    config: Config,
    project: Project,
    options: BuildOptions,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the kits and catalog of a validated project into the build folder."""
    started = time.perf_counter()
    progress = progress or _Silent()
    out = options.out or config.build
    _check_out_folder(config, out)
    clean_leftovers(out)
    motions = plan(project, options)

    # Fingerprint every kit and the catalog; stop here when nothing changed.
    progress.stage("checking what changed")
    shared = shared_key(config, project, options)
    summaries = {m.id: summary_of(m) for m in motions}
    seen: dict[Path, str] = {}
    keys = {
        m.id: render_key(m, shared, config.root, options.scores.get(m.id), seen)
        for m in motions
    }
    previous = _previous_state(out)
    old_kits = previous.get("kits", {})
    state = _state(options, keys)
    if previous == state:
        return BuildResult(
            out,
            kits=len(motions),
            up_to_date=True,
            seconds=time.perf_counter() - started,
        )

    # Render what changed in parallel; hard-link what did not.
    staging = new_staging(out)
    try:
        result = _fill(
            config, motions, summaries, keys, old_kits, out, staging, options, progress
        )
        progress.stage("writing the catalog")
        entries = [
            _entry(m, summaries[m.id], options.scores.get(m.id), result.pop(m.id))
            for m in motions
        ]
        _write_catalog(config, staging, entries, options)
        _write_state(staging, state)

        # Swap the new tree in whole.
        progress.stage("publishing")
        publish(staging, out)
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    rendered = sum(old_kits.get(m.id, {}).get("render") != keys[m.id] for m in motions)
    return BuildResult(
        out,
        kits=len(motions),
        rendered=rendered,
        reused=len(motions) - rendered,
        files=sum(1 for p in out.rglob("*") if p.is_file()),
        seconds=time.perf_counter() - started,
    )


def _fill(
    config: Config,
    motions: list[Motion],
    summaries: dict[str, str],
    keys: dict[str, str],
    old_kits: dict[str, Any],
    out: Path,
    staging: Path,
    options: BuildOptions,
    progress: Progress,
) -> dict[str, list[str]]:
    kits_new = staging / "kits"
    kits_new.mkdir()
    files: dict[str, list[str]] = {}
    changed = []
    for motion in motions:
        reusable = old_kits.get(motion.id, {}).get("render") == keys[motion.id]
        if reusable and (out / "kits" / motion.id / kits.MANIFEST).is_file():
            files[motion.id] = _relink_kit(
                out / "kits", kits_new, motion, options.source_commit
            )
        else:
            changed.append(motion)
    jobs = [
        _Job(
            m,
            summaries[m.id],
            options.scores.get(m.id),
            options.build_date,
            options.source_commit,
            config.root,
            kits_new,
        )
        for m in changed
    ]
    progress.stage(f"rendering {len(jobs)} of {len(motions)} kits", len(jobs))
    for motion_id, names in _run_jobs(config, jobs, options.jobs):
        files[motion_id] = names
        progress.advance()
    return files


def _run_jobs(
    config: Config, jobs: list[_Job], workers: int
) -> Iterable[tuple[str, list[str]]]:
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        if jobs:
            _init_worker(config)
        for job in jobs:
            yield _render_job(job)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(config,)
    ) as pool:
        yield from pool.map(_render_job, jobs, chunksize=1)


def _state(options: BuildOptions, keys: dict[str, str]) -> dict[str, Any]:
    """What the next build compares against: one fingerprint per kit and more."""
    return {
        "format": 1,
        "commit": options.source_commit,
        "shard": list(options.shard) if options.shard else None,
        "build_date": options.build_date.isoformat() if options.build_date else None,
        "kits": {mid: {"render": key} for mid, key in sorted(keys.items())},
        "portfolio_score": options.portfolio_score,
    }


def _write_state(folder: Path, state: dict[str, Any]) -> None:
    (folder / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")


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
    progress = progress or _Silent()
    out = out or config.build
    _check_out_folder(config, out)
    clean_leftovers(out)
    progress.stage(f"merging {len(shards)} shards")
    states = [_shard_state(folder) for folder in shards]
    options = _merged_options(shards, states)
    entries, kits_state = [], {}
    owner: dict[str, Path] = {}
    for folder, state in zip(shards, states, strict=True):
        catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        for entry in catalog["motions"]:
            if entry["id"] in owner:
                raise BuildError(
                    f"{folder}: kit `{entry['id']}` is also in {owner[entry['id']]}"
                )
            owner[entry["id"]] = folder
            entries.append(entry)
        kits_state.update(state["kits"])
    entries.sort(key=lambda entry: entry["id"])

    staging = new_staging(out)
    try:
        for entry in entries:
            source = owner[entry["id"]] / "kits"
            for path in sorted((source / entry["id"]).rglob("*")):
                if path.is_file():
                    target = staging / "kits" / path.relative_to(source)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _link_or_copy(path, target)
            _link_or_copy(
                source / f"{entry['id']}.zip", staging / "kits" / f"{entry['id']}.zip"
            )
        _write_catalog(config, staging, entries, options)
        state = _state(options, {k: v["render"] for k, v in kits_state.items()})
        _write_state(staging, state)
        progress.stage("publishing")
        publish(staging, out)
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(
        out,
        kits=len(entries),
        reused=len(entries),
        files=sum(1 for p in out.rglob("*") if p.is_file()),
        seconds=time.perf_counter() - started,
    )


def _shard_state(folder: Path) -> dict[str, Any]:
    state = _previous_state(folder)
    if not state.get("shard") or not (folder / "catalog.json").is_file():
        raise UsageError(f"{folder}: not the output of `playbook build --shard K/N`")
    return state


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


def _write_catalog(
    config: Config, staging: Path, entries: list[dict[str, Any]], options: BuildOptions
) -> None:
    from playbook.build.render import Renderer

    catalog = {
        "generator": f"playbook {__version__}",
        "source_commit": options.source_commit,
        "portfolio_score": options.portfolio_score,
        "motions": entries,
    }
    (staging / "catalog.json").write_text(
        json.dumps(catalog, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    page = Renderer(config).render_catalog(entries, build_date=options.build_date)
    (staging / "index.html").write_bytes(page)
