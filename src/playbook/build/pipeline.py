"""The build: validated motions in, partner kits and a catalog out.

    fingerprint each motion's inputs
    -> skip everything when nothing changed since the last build
    -> render changed kits (in parallel), reuse unchanged ones
    -> write the catalog (shards: see shards.py)
    -> swap the new tree in whole

Renderers are created once per worker process, so fonts and templates load
once. The previous `build/` is never written to: unchanged kit files are
hard-linked into the new tree, which then replaces it atomically.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from playbook import __version__
from playbook.build import kit as kits
from playbook.build.output import clean_leftovers, staged
from playbook.build.state import (
    STATE_FILE,
    new_state,
    read_state,
    render_key,
    shared_key,
    write_state,
)
from playbook.config import Config
from playbook.errors import BuildError, UsageError
from playbook.model import Motion
from playbook.project import Project
from playbook.summary import summary as summary_of

log = logging.getLogger(__name__)

RENDERED = ("playbook.pdf", "playbook.html", "summary.txt", "email.txt")


class Progress(Protocol):
    """Where the build reports its stages; the CLI decides how to show them."""

    def stage(self, name: str, total: int = 0) -> None:
        """A new stage starts, with `total` steps when it has steps."""

    def advance(self, steps: int = 1) -> None:
        """Steps of the current stage are done."""


class QuietProgress:
    """Progress that only goes to the debug log (library use, tests)."""

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
    """The git commit the project is at (`-dirty` with uncommitted changes).

    None outside git. Only the project's own folders count as changes.
    """
    commit = _git(root, "rev-parse", "--verify", "-q", "HEAD")
    if not commit:
        return None
    changes = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".")
    return f"{commit}-dirty" if changes else commit


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def in_shard(motion_id: str, shard: tuple[int, int] | None) -> bool:
    """True when the motion belongs to shard K of N (a stable hash of its id)."""
    if shard is None:
        return True
    number, count = shard
    digest = int(hashlib.sha256(motion_id.encode()).hexdigest()[:12], 16)
    return digest % count == number - 1


# --- fingerprints -----------------------------------------------------------


# --- rendering in workers ---------------------------------------------------

_renderer: Any = None
_PR_SET_PDEATHSIG = 1


def _init_worker(config: Config) -> None:
    """Load fonts and templates once per worker; die with the parent process."""
    global _renderer
    from playbook.build.render import Renderer

    _die_with_parent()
    _renderer = Renderer(config)


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the build process ends, even by kill -9."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


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
        link_or_copy(old / motion.id / name, target)
    manifest = json.loads((old / motion.id / kits.MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("source_commit") == commit:
        link_or_copy(old / f"{motion.id}.zip", new / f"{motion.id}.zip")
        return names
    files = {n: (old / motion.id / n).read_bytes() for n in names if n != kits.MANIFEST}
    files[kits.MANIFEST] = kits.manifest(motion, files, commit)
    (new / motion.id / kits.MANIFEST).unlink()
    _write_kit(new, motion.id, files)
    return sorted(files)


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        target.write_bytes(source.read_bytes())


# --- the build --------------------------------------------------------------


def check_out_folder(config: Config, out: Path) -> None:
    """Refuse a build folder whose replacement would destroy something else."""
    root = config.root.resolve()
    resolved = out.resolve()
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        kind = "a link" if out.is_symlink() else "a file"
        raise UsageError(
            f"{out}: this is {kind}, not a build folder; the build replaces its "
            "folder whole, so choose a folder name"
        )
    if resolved == root or root.is_relative_to(resolved):
        raise UsageError(
            f"{out}: the build folder cannot be the project folder or a folder above it"
        )
    for source in (config.motions, config.templates, config.root / "assets"):
        if resolved.is_relative_to(source.resolve()):
            raise UsageError(
                f"{out}: the build folder cannot be inside {source.name}/, which "
                "holds your sources"
            )
    if (
        resolved.is_dir()
        and any(resolved.iterdir())
        and not (resolved / STATE_FILE).is_file()
    ):
        raise UsageError(
            f"{out}: this folder exists and was not made by playbook build; "
            "remove it or build somewhere else, so nothing of yours is replaced"
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
    progress = progress or QuietProgress()
    out = options.out or config.build
    check_out_folder(config, out)
    clean_leftovers(out)
    motions = plan(project, options)

    # Fingerprint every kit; stop here when nothing changed.
    progress.stage("checking what changed")
    keys = _fingerprints(config, project, motions, options)
    previous = read_state(out)
    old_kits = previous.get("kits", {})
    state = new_state(options, keys)
    if previous == state:
        elapsed = time.perf_counter() - started
        return BuildResult(out, kits=len(motions), up_to_date=True, seconds=elapsed)

    # Render what changed in parallel; hard-link what did not.
    summaries = {m.id: summary_of(m) for m in motions}
    with staged(out) as staging:
        files = _fill(
            config, motions, summaries, keys, old_kits, out, staging, options, progress
        )

        # Write the catalog over every kit, then swap the new tree in whole.
        progress.stage("writing the catalog")
        entries = [
            _entry(m, summaries[m.id], options.scores.get(m.id), files[m.id])
            for m in motions
        ]
        write_catalog(config, staging, entries, options)
        write_state(staging, state)
        progress.stage("publishing")
    rendered = sum(old_kits.get(m.id, {}).get("render") != keys[m.id] for m in motions)
    return BuildResult(
        out,
        kits=len(motions),
        rendered=rendered,
        reused=len(motions) - rendered,
        files=sum(1 for p in out.rglob("*") if p.is_file()),
        seconds=time.perf_counter() - started,
    )


def _fingerprints(
    config: Config, project: Project, motions: list[Motion], options: BuildOptions
) -> dict[str, str]:
    """The render fingerprint of every kit, reading each asset file once."""
    shared = shared_key(config, project, options)
    seen: dict[Path, str] = {}
    return {
        m.id: render_key(m, shared, config.root, options.scores.get(m.id), seen)
        for m in motions
    }


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


def write_catalog(
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
