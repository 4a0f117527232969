"""Load a whole project: every motion file, shared fragments and cross-file checks.

This is the front of the pipeline. It finds the YAML files, loads each one
strictly, validates it against the schema, then checks what no single file
can: ids unique across files, asset files present inside the project with
the exact case, and `use:` references that resolve. The result is the list
of typed motions and every finding of every file, so one run reports all.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from playbook.errors import Finding, UsageError
from playbook.loader import Document, Path_, load_file
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
from playbook.validate import FRAGMENTS_SCHEMA, schema_for, validate_document

YAML_SUFFIXES = (".yaml", ".yml")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_FRAGMENTS_LINE = re.compile(r"^fragments\s*:", re.MULTILINE)
_KIND_WORDS = {"asset": "a shared asset", "sla-profile": "an SLA profile"}


@dataclass
class Project:
    """The loaded motions of a project and every finding met on the way."""

    root: Path
    motions: list[Motion] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        """True when no file has an error."""
        return not self.findings


def display_name(path: Path, base: Path, root: Path | None = None) -> str:
    """A path as shown in messages: relative to `base` (the current folder).

    Files of the project keep a relative path even when the current folder
    is below the project folder (`../motions/x.yaml`); others stay absolute.
    """
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        pass
    if root is not None and path.is_relative_to(root) and base.is_relative_to(root):
        return Path(os.path.relpath(path, base)).as_posix()
    return str(path)


def find_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files named directly or found under the given folders, sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                found.update(
                    Path(dirpath) / n
                    for n in filenames
                    if n.lower().endswith(YAML_SUFFIXES)
                )
        elif path.is_file():
            found.add(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    unique = {os.path.abspath(p): p for p in sorted(found, key=str, reverse=True)}
    return sorted(unique.values())


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cycle collector while loading: the data has no cycles, and
    scanning a growing heap over and over made loading quadratic in files."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_project(
    root: Path,
    paths: Iterable[Path],
    base: Path | None = None,
    fragments_from: Path | None = None,
) -> Project:
    """Load, validate and cross-check every motion file under `paths`.

    Shared fragments files found under `fragments_from` (the project's
    motions folder) are loaded too, so a single motion can be checked alone.
    """
    with _gc_paused():
        return _load_project(root, list(paths), base or Path.cwd(), fragments_from)


def _fragment_files(folder: Path | None, named: list[Path]) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    known = {p.absolute() for p in named}
    others = [p for p in find_files([folder]) if p.absolute() not in known]
    return [path for path in others if _FRAGMENTS_LINE.search(_peek(path))]


def _peek(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _outside(name: str, path: Path) -> Finding:
    where = "links to a file outside" if path.is_symlink() else "is outside"
    return Finding(
        name,
        1,
        1,
        "format/file",
        message=f"this file {where} the project folder; playbook reads only files "
        "inside the project (the folder with playbook.toml)",
    )


def _load_project(
    root: Path, paths: list[Path], base: Path, fragments_from: Path | None
) -> Project:
    project = Project(root=root.resolve())
    assets = AssetFiles(project.root)
    named = find_files(paths)
    if not named:
        shown = ", ".join(str(p) for p in paths) or "the motions folder"
        raise UsageError(f"no motion files (.yaml or .yml) in {shown}")
    for path in [*named, *_fragment_files(fragments_from, named)]:
        project.files += 1
        name = display_name(path.absolute(), base, project.root)
        if not Path(os.path.realpath(path)).is_relative_to(project.root):
            project.findings.append(_outside(name, path))
            continue
        doc, findings = load_file(path, name)
        project.findings += findings
        if doc is None:
            continue
        asset_findings = assets.check(doc)
        project.findings += asset_findings
        reported = {(f.line, f.col) for f in [*findings, *asset_findings]}
        schema_findings = [
            f for f in validate_document(doc) if (f.line, f.col) not in reported
        ]
        project.findings += schema_findings
        if not findings and not schema_findings:
            project.documents.append(doc)
    fragments = _collect_fragments(project)
    for doc in project.documents:
        if schema_for(doc) != FRAGMENTS_SCHEMA:
            motion = _build_motion(project, doc, fragments)
            if motion is not None:
                project.motions.append(motion)
    _check_unique_ids(project)
    _check_partner_files(project)
    project.findings = _capped(sorted(project.findings))
    project.motions.sort(key=lambda m: m.id)
    return project


@dataclass(frozen=True)
class _Fragment:
    doc: Document
    path: Path_
    data: dict[str, Any]


def _collect_fragments(project: Project) -> dict[str, _Fragment]:
    fragments: dict[str, _Fragment] = {}
    for doc in project.documents:
        if schema_for(doc) != FRAGMENTS_SCHEMA:
            continue
        for name, data in doc.data["fragments"].items():
            path = ("fragments", name)
            if name in fragments:
                first = fragments[name]
                mark = first.doc.key_mark(first.path)
                project.findings.append(
                    doc.finding(
                        path,
                        f"fragment id `{name}` is also defined at "
                        f"{first.doc.name}:{mark.line}:{mark.col}; "
                        "fragment ids must be unique",
                        "format/duplicate-id",
                    )
                )
                continue
            fragments[name] = _Fragment(doc, path, data)
    return fragments


def _check_unique_ids(project: Project) -> None:
    seen: dict[str, Motion] = {}
    for motion in sorted(project.motions, key=lambda m: m.source):
        first = seen.setdefault(motion.id, motion)
        if first is motion:
            continue
        for here, there in ((motion, first), (first, motion)):
            mark = there.where(("id",))
            project.findings.append(
                here.doc.finding(
                    ("id",),
                    f"the id `{motion.id}` is also used by {there.source}:"
                    f"{mark.line}:{mark.col}; every motion needs its own id",
                    "format/duplicate-id",
                )
            )


def _real(root: Path, relative: str, known: dict[str, str] | None = None) -> str:
    """The real path of a project file, remembered in `known` (many motions
    share assets)."""
    if known is None:
        return os.path.realpath(root / relative)
    if relative not in known:
        known[relative] = os.path.realpath(root / relative)
    return known[relative]


MAX_FINDINGS_PER_FILE = 200


def _capped(findings: list[Finding]) -> list[Finding]:
    """At most MAX_FINDINGS_PER_FILE findings a file, then one saying how many more."""
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
    kept: list[Finding] = []
    for file, items in by_file.items():
        kept += items[:MAX_FINDINGS_PER_FILE]
        if len(items) > MAX_FINDINGS_PER_FILE:
            first_hidden = items[MAX_FINDINGS_PER_FILE]
            hidden = len(items) - MAX_FINDINGS_PER_FILE
            kept.append(
                Finding(
                    file,
                    first_hidden.line,
                    first_hidden.col,
                    "format/too-many",
                    message=f"{hidden} more problems in this file are not shown; "
                    "fix the ones above first",
                )
            )
    return kept


def _check_partner_files(project: Project) -> None:
    """A file shipped to partners must not also be vendor-only.

    Refused as partner assets: a file any motion lists as internal, and the
    motion, fragments and configuration files themselves (they hold the
    `internal:` notes).
    """
    known: dict[str, str] = {}
    internal: dict[str, Asset] = {}
    for motion in project.motions:
        for asset in (*motion.internal.assets, *motion.assets):
            if asset.file and not asset.is_partner:
                internal.setdefault(_real(project.root, asset.file, known), asset)
    sources = {os.path.realpath(doc.path) for doc in project.documents}
    sources |= {
        _real(project.root, name) for name in ("playbook.toml", "pyproject.toml")
    }
    docs = {doc.name: doc for doc in project.documents}
    reported: set[tuple[str, Path_]] = set()
    taken = {(f.file, f.line, f.col) for f in project.findings}
    for motion in project.motions:
        for asset in motion.partner_assets:
            real = _real(project.root, asset.file, known) if asset.file else ""
            doc = docs[asset.source]
            mark = doc.mark((*asset.path, "file"))
            seen = (asset.source, asset.path) in reported
            if seen or not real or (doc.name, mark.line, mark.col) in taken:
                continue
            if real in sources:
                problem = (
                    f"`{asset.file}` is a motion or settings file; they hold internal "
                    "notes, so they cannot be shipped to partners"
                )
            elif real in internal:
                other = internal[real]
                mark = docs[other.source].mark((*other.path, "file"))
                problem = (
                    f"`{asset.file}` is also an internal asset ({other.source}:"
                    f"{mark.line}:{mark.col}); a file cannot be both for partners "
                    "and internal only"
                )
            else:
                continue
            reported.add((asset.source, asset.path))
            project.findings.append(
                doc.finding((*asset.path, "file"), problem, "format/confidential")
            )


class _MotionBuilder:
    """Build one typed motion, expanding `use:` and checking references."""

    def __init__(
        self, project: Project, doc: Document, fragments: dict[str, _Fragment]
    ):
        self.project = project
        self.doc = doc
        self.fragments = fragments
        self.findings: list[Finding] = []

    def error(self, doc: Document, path: Path_, message: str, rule: str) -> None:
        self.findings.append(doc.finding(path, message, rule))

    def fragment(self, path: Path_, name: str, kind: str) -> _Fragment | None:
        found = self.fragments.get(name)
        if found is None:
            near = ", ".join(
                sorted(n for n, f in self.fragments.items() if f.data["kind"] == kind)
            )
            known = f"; the known ones are: {near}" if near else ""
            self.error(
                self.doc,
                (*path, "use"),
                f"no shared fragment is called `{name}`{known}",
                "format/reference",
            )
            return None
        if found.data["kind"] != kind:
            self.error(
                self.doc,
                (*path, "use"),
                f"`{name}` is {_KIND_WORDS[found.data['kind']]}, not "
                f"{_KIND_WORDS[kind]}",
                "format/reference",
            )
            return None
        return found

    def asset(self, doc: Document, path: Path_, data: dict[str, Any]) -> Asset:
        return Asset(
            type=data["type"],
            title=data["title"],
            audience=data["audience"],
            file=data.get("file", ""),
            url=data.get("url", ""),
            id=data.get("id", ""),
            language=data.get("language", "en"),
            description=data.get("description", ""),
            path=path,
            source=doc.name,
        )

    def assets(self) -> tuple[Asset, ...]:
        result = []
        for i, item in enumerate(self.doc.data.get("assets", [])):
            path: Path_ = ("assets", i)
            if "use" in item:
                shared = self.fragment(path, item["use"], "asset")
                if shared:
                    result.append(
                        self.asset(
                            shared.doc, (*shared.path, "asset"), shared.data["asset"]
                        )
                    )
            else:
                result.append(self.asset(self.doc, path, item))
        return tuple(result)

    def slas(self) -> tuple[Sla, ...]:
        result = []
        for i, item in enumerate(self.doc.data.get("slas", [])):
            path: Path_ = ("slas", i)
            if "use" in item:
                shared = self.fragment(path, item["use"], "sla-profile")
                entries = shared.data["slas"] if shared else []
                # TODO: SLAs from a profile carry the motion's `use:` path, so a lint
                # finding about one is repeated on every motion using the profile
                # instead of once at the fragment; Sla needs a source like Asset.
                result += [_sla(entry, path) for entry in entries]
            else:
                result.append(_sla(item, path))
        self.check_sla_events(result)
        return tuple(result)

    def check_sla_events(self, slas: list[Sla]) -> None:
        """Each SLA event is promised once: two promises leave partners guessing."""
        first: dict[str, Sla] = {}
        for sla in slas:
            if sla.event not in first:
                first[sla.event] = sla
                continue
            earlier = first[sla.event]
            mark = self.doc.mark(earlier.path)
            self.error(
                self.doc,
                sla.path,
                f"the SLA `{sla.event}` is already promised on line {mark.line} "
                f"(within {earlier.within}); keep one promise per event",
                "format/duplicate-sla",
            )

    def steps(self, slas: tuple[Sla, ...]) -> tuple[Step, ...]:
        events = {sla.event for sla in slas}
        steps = []
        for i, item in enumerate(self.doc.data.get("steps", [])):
            path: Path_ = ("steps", i)
            if item.get("sla") and item["sla"] not in events:
                self.error(
                    self.doc,
                    (*path, "sla"),
                    f"step {i + 1} refers to the SLA `{item['sla']}`, which is not "
                    "among this motion's slas",
                    "format/reference",
                )
            steps.append(
                Step(
                    action=item["action"],
                    actor=item.get("actor", ""),
                    sla=item.get("sla", ""),
                    path=path,
                )
            )
        return tuple(steps)

    def internal(self) -> Internal:
        data = self.doc.data.get("internal", {})
        assets = tuple(
            self.asset(self.doc, ("internal", "assets", i), item)
            for i, item in enumerate(data.get("assets", []))
        )
        return Internal(
            notes=data.get("notes", ""),
            discount_authority=data.get("discount_authority", ""),
            escalation=data.get("escalation", ""),
            assets=assets,
        )

    def check_asset_ids(self, assets: tuple[Asset, ...]) -> None:
        seen: set[str] = set()
        for asset in assets:
            if asset.id and asset.id in seen and asset.source == self.doc.name:
                self.error(
                    self.doc,
                    (*asset.path, "id"),
                    f"asset id `{asset.id}` is used twice in this motion",
                    "format/duplicate-id",
                )
            seen.add(asset.id)

    def build(self) -> Motion:
        data = self.doc.data
        slas = self.slas()
        assets = self.assets()
        self.check_asset_ids(assets)
        trigger = data.get("trigger", {})
        partners = data.get("partners", {})
        offer = data.get("offer")
        owner = data.get("owner")
        return Motion(
            id=data["id"],
            name=data["name"],
            version=data["version"],
            status=data["status"],
            domain=data["domain"],
            lifecycle=data["lifecycle"],
            doc=self.doc,
            owner=Owner(**owner) if owner else None,
            review_by=as_date(data.get("review_by")),
            tags=tuple(data.get("tags", [])),
            trigger=Trigger(
                event=trigger.get("event", ""),
                need=trigger.get("need", ""),
                signals=tuple(trigger.get("signals", [])),
                window=trigger.get("window", ""),
            ),
            partners=Partners(
                lead=tuple(partners.get("lead", [])),
                support=tuple(partners.get("support", [])),
            ),
            pitch=Pitch(**data.get("pitch", {})),
            steps=self.steps(slas),
            assets=assets,
            slas=slas,
            metrics=tuple(
                _metric(m, ("metrics", i))
                for i, m in enumerate(data.get("metrics", []))
            ),
            offer=Offer(
                incentive=offer["incentive"],
                description=offer["description"],
                terms=offer.get("terms", ""),
                expires=as_date(offer.get("expires")),
            )
            if offer
            else None,
            internal=self.internal(),
        )


def _sla(data: dict[str, Any], path: Path_) -> Sla:
    return Sla(
        event=data["event"],
        within=data["within"],
        owner=data.get("owner", ""),
        note=data.get("note", ""),
        path=path,
    )


def _metric(data: dict[str, Any], path: Path_) -> Metric:
    return Metric(
        metric=data["metric"],
        target=data["target"],
        unit=data["unit"],
        direction=data["direction"],
        period=data.get("period", ""),
        path=path,
    )


def _build_motion(
    project: Project, doc: Document, fragments: dict[str, _Fragment]
) -> Motion | None:
    builder = _MotionBuilder(project, doc, fragments)
    motion = builder.build()
    project.findings += builder.findings
    return None if builder.findings else motion


def _asset_lists(data: Any) -> Iterable[tuple[Path_, Any]]:
    """Every list of assets a motion or fragments file holds, with its path."""
    if not isinstance(data, dict):
        return
    yield ("assets",), data.get("assets")
    internal = data.get("internal")
    if isinstance(internal, dict):
        yield ("internal", "assets"), internal.get("assets")
    fragments = data.get("fragments")
    if isinstance(fragments, dict):
        for name, fragment in fragments.items():
            if isinstance(fragment, dict):
                yield ("fragments", name), [fragment.get("asset")]


class AssetFiles:
    """Checks asset `file` values against the project, remembering answers.

    Many motions share assets and folders, so each folder is listed once and
    each distinct value is checked once per run.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._listings: dict[Path, frozenset[str]] = {}
        self._answers: dict[str, str | None] = {}

    def problem(self, value: str) -> str | None:
        """Why `value` is not a usable asset file, or None when it is."""
        if value not in self._answers:
            self._answers[value] = asset_file_problem(self.root, value, self._listing)
        return self._answers[value]

    def _listing(self, folder: Path) -> frozenset[str]:
        if folder not in self._listings:
            self._listings[folder] = _list_folder(folder)
        return self._listings[folder]

    def check(self, doc: Document) -> list[Finding]:
        """Check every asset `file` of a document, whatever else is wrong with it.

        Runs on raw data, so these errors are reported together with schema
        errors.
        """
        findings = []
        for path, items in _asset_lists(doc.data):
            for i, item in enumerate(items if isinstance(items, list) else []):
                where = (*path, "asset") if path[0] == "fragments" else (*path, i)
                if isinstance(item, dict) and isinstance(item.get("file"), str):
                    problem = self.problem(item["file"])
                    if problem:
                        findings.append(
                            doc.finding((*where, "file"), problem, "format/asset-file")
                        )
        return findings


def _list_folder(folder: Path) -> frozenset[str]:
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def asset_file_problem(
    root: Path, value: str, listing: Callable[[Path], frozenset[str]] = _list_folder
) -> str | None:
    """Why `value` is not a usable asset file of the project, or None when it is.

    It must be relative, stay inside the project (no `..`, no link leading
    out) and exist with exactly this upper and lower case.
    """
    if "\\" in value:
        return f"`{value}` uses `\\`; separate folders with `/`, as in assets/deck.md"
    relative = PurePosixPath(value)
    if not value.strip() or value.strip() in (".", "./"):
        return "the asset file path is empty; name a file, like assets/deck.md"
    if relative.is_absolute() or _DRIVE.match(value):
        return f"`{value}` is an absolute path; write it relative to the project folder"
    if ".." in relative.parts:
        return (
            f"`{value}` steps out with `..`; asset files must live inside the "
            "project folder, written from it, like assets/deck.md"
        )
    current = root
    for part in relative.parts:
        names = listing(current)
        if part not in names:
            near = [n for n in names if n.lower() == part.lower()]
            if near:
                return (
                    f"`{value}` does not exist with this exact spelling: "
                    "the folder has "
                    f"`{near[0]}`; match upper and lower case exactly"
                )
            return f"the asset file `{value}` does not exist in the project"
        current = current / part
    try:
        resolved = current.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"the asset file `{value}` cannot be opened (a broken or looping link)"
    if not resolved.is_relative_to(root.resolve()):
        return f"`{value}` is a link that leads outside the project folder"
    if not resolved.is_file():
        return f"`{value}` is a folder, not a file"
    return None
