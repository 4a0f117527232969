"""`playbook build` end to end on a copy of the bundled project.

Real parts only: the real CLI in a subprocess where a process boundary
matters (determinism, kill), real WeasyPrint PDFs checked with qpdf and
pdftotext, zips opened with zipfile.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

PLAYBOOK = [sys.executable, "-m", "playbook.cli"]


def make_project(target: Path) -> Path:
    """A copy of the repository's motions and assets, as a user's project."""
    for name in ("motions", "assets"):
        shutil.copytree(REPO / name, target / name)
    (target / "playbook.toml").write_text('[brand]\nname = "Northwind"\n')
    return target


def run(
    project: Path, *args: str, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real `playbook` command in a project folder."""
    return subprocess.run(
        [*PLAYBOOK, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, **(env or {})},
    )


def tree(folder: Path) -> dict[str, str]:
    """Every file below a folder with the sha256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One full build of the bundled motions, shared by the read-only tests."""
    project = make_project(tmp_path_factory.mktemp("project"))
    done = run(project, "build")
    assert done.returncode == 0, done.stderr + done.stdout
    return project


def bundled_ids() -> list[str]:
    return sorted(p.stem for p in (REPO / "motions").glob("*.yaml"))


def test_build_writes_a_kit_per_motion_and_the_catalog(built: Path) -> None:
    out = built / "build"
    catalog = json.loads((out / "catalog.json").read_text())
    ids = [entry["id"] for entry in catalog["motions"]]
    assert ids == bundled_ids() and len(ids) == 6
    assert (out / "index.html").is_file()
    for motion_id in ids:
        kit = out / "kits" / motion_id
        for name in (
            "playbook.pdf",
            "playbook.html",
            "summary.txt",
            "email.txt",
            "kit.json",
        ):
            assert (kit / name).is_file(), (motion_id, name)
        assert (out / "kits" / f"{motion_id}.zip").is_file()


def test_every_pdf_passes_qpdf_and_holds_its_summary(built: Path) -> None:
    for kit in sorted((built / "build" / "kits").glob("*/")):
        pdf = kit / "playbook.pdf"
        check = subprocess.run(
            ["qpdf", "--check", str(pdf)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        summary = (kit / "summary.txt").read_text().strip()
        assert " ".join(summary.split()) in " ".join(text.split()), kit.name


def test_manifest_lists_every_file_with_its_checksum(built: Path) -> None:
    for kit in sorted((built / "build" / "kits").glob("*/")):
        manifest = json.loads((kit / "kit.json").read_text())
        assert manifest["motion"] == kit.name
        listed = {entry["path"]: entry for entry in manifest["files"]}
        on_disk = {
            p.relative_to(kit).as_posix()
            for p in kit.rglob("*")
            if p.is_file() and p.name != "kit.json"
        }
        assert set(listed) == on_disk
        for name, entry in listed.items():
            data = (kit / name).read_bytes()
            assert entry["size"] == len(data)
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_zip_holds_the_same_files_with_fixed_times(built: Path) -> None:
    kits = built / "build" / "kits"
    for archive_path in sorted(kits.glob("*.zip")):
        kit = kits / archive_path.stem
        with zipfile.ZipFile(archive_path) as archive:
            names = archive.namelist()
            assert names == sorted(names)
            for info in archive.infolist():
                assert info.date_time == (1980, 1, 1, 0, 0, 0)
                member = info.filename.removeprefix(f"{kit.name}/")
                assert archive.read(info) == (kit / member).read_bytes()
            assert {n.removeprefix(f"{kit.name}/") for n in names} == {
                p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file()
            }


def test_internal_assets_never_ship(built: Path) -> None:
    for kit in sorted((built / "build" / "kits").glob("*/")):
        names = [p.name for p in kit.rglob("*")]
        assert not any("internal" in name for name in names), names


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    """Another folder, another clock, other file times: the same bytes."""
    other = make_project(tmp_path / "elsewhere")
    for path in other.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    done = run(other, "build", "--jobs", "1", env={"TZ": "Asia/Tokyo"})
    assert done.returncode == 0, done.stderr
    assert tree(built / "build") == tree(other / "build")


def test_a_no_op_rebuild_touches_nothing_and_one_change_rerenders_one_kit(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "p")
    assert run(project, "build").returncode == 0
    before = tree(project / "build")
    again = run(project, "build")
    assert again.returncode == 0 and "up to date" in again.stdout
    assert tree(project / "build") == before

    motion = project / "motions" / "hardware-refresh.yaml"
    text = motion.read_text()
    assert "\nname: " in text
    motion.write_text(text.replace("\nname: ", "\nname: Renewed ", 1))
    changed = run(project, "build")
    assert changed.returncode == 0, changed.stderr
    assert "1 rendered, 5 reused" in changed.stdout
    after = tree(project / "build")
    differ = {
        name.split("/")[1]
        for name in after
        if after[name] != before.get(name) and name.startswith("kits/")
    }
    assert differ == {"hardware-refresh", "hardware-refresh.zip"}


def test_an_invalid_motion_stops_the_build_and_keeps_the_old_one(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "p")
    assert run(project, "build").returncode == 0
    before = tree(project / "build")
    (project / "motions" / "broken.yaml").write_text("id: broken\nname: [\n")
    failed = run(project, "build")
    assert failed.returncode == 1
    assert "broken.yaml:" in failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr
    assert tree(project / "build") == before


def test_a_killed_build_leaves_the_previous_build_intact(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert run(project, "build").returncode == 0
    before = tree(project / "build")
    for motion in (project / "motions").glob("*.yaml"):
        text = motion.read_text()
        assert "\nname: " in text
        motion.write_text(text.replace("\nname: ", "\nname: Renewed ", 1))
    process = subprocess.Popen(
        [*PLAYBOOK, "build", "--jobs", "2"],
        cwd=project,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        staging = list(project.glob(".playbook-staging-*/kits/*/playbook.pdf"))
        if staging:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert staging, "the build finished before it could be killed"
    assert tree(project / "build") == before

    done = run(project, "build")
    assert done.returncode == 0, done.stderr
    assert not list(project.glob(".playbook-*"))
    fresh = make_project(tmp_path / "fresh")
    for motion in (project / "motions").glob("*.yaml"):
        shutil.copy(motion, fresh / "motions" / motion.name)
    assert run(fresh, "build").returncode == 0
    assert tree(project / "build") == tree(fresh / "build")


def test_build_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "precious").mkdir()
    (project / "precious" / "notes.txt").write_text("keep me")
    done = run(project, "build", "--out", "precious")
    assert done.returncode == 2
    assert (project / "precious" / "notes.txt").read_text() == "keep me"


CANARY = "CANARY-5d1b-vendor-only"


def _plant_canary(project: Path) -> None:
    """Put the canary in every internal field and internal asset of every motion."""
    import yaml

    for path in (project / "motions").glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        internal = data.setdefault("internal", {})
        for key in ("notes", "discount_authority", "escalation"):
            internal[key] = f"{CANARY} {key}"
        secret = project / "assets" / f"{data['id']}-internal-{CANARY}.md"
        secret.write_text(f"# {CANARY}\n\n{CANARY} margin floor\n")
        internal["assets"] = [
            {
                "type": "battlecard",
                "title": f"{CANARY} battlecard",
                "file": secret.relative_to(project).as_posix(),
                "audience": "internal",
                "description": CANARY,
            }
        ]
        data.setdefault("assets", []).append(
            {
                "type": "faq",
                "title": f"{CANARY} internal faq",
                "url": f"https://internal.example.com/{CANARY}",
                "audience": "internal",
            }
        )
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _texts_of(path: Path) -> list[str]:
    """Every text a partner could read in one output file."""
    data = path.read_bytes()
    texts = [data.decode("latin-1"), path.name]
    if path.suffix == ".pdf":
        texts.append(
            subprocess.run(
                ["pdftotext", str(path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                texts += [info.filename, archive.read(info).decode("latin-1")]
                if info.filename.endswith(".pdf"):
                    member = path.parent / f".member-{path.stem}.pdf"
                    member.write_bytes(archive.read(info))
                    texts.append(_texts_of(member)[-1])
                    member.unlink()
    return texts


def test_internal_content_never_reaches_any_output(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    _plant_canary(project)
    done = run(project, "build")
    assert done.returncode == 0, done.stderr + done.stdout
    outputs = [p for p in (project / "build").rglob("*") if p.is_file()]
    assert len(outputs) > 30
    for path in outputs:
        for text in _texts_of(path):
            assert CANARY not in text, path
            assert CANARY.lower() not in text.lower(), path


def test_merged_shards_are_byte_identical_to_one_build(
    built: Path, tmp_path: Path
) -> None:
    project = make_project(tmp_path / "p")
    for number in (1, 2, 3):
        done = run(
            project, "build", "--shard", f"{number}/3", "--out", f"shard-{number}"
        )
        assert done.returncode == 0, done.stderr
    parts = [
        json.loads((project / f"shard-{n}" / "catalog.json").read_text())
        for n in (1, 2, 3)
    ]
    counts = [len(part["motions"]) for part in parts]
    assert sum(counts) == 6 and max(counts) < 6
    merged = run(project, "merge", "shard-1", "shard-2", "shard-3", "--out", "merged")
    assert merged.returncode == 0, merged.stderr
    assert tree(project / "merged") == tree(built / "build")


def test_merge_refuses_an_incomplete_set_of_shards(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert run(project, "build", "--shard", "1/2", "--out", "one").returncode == 0
    done = run(project, "merge", "one", "--out", "merged")
    assert done.returncode == 2
    assert "1/2 to 2/2" in done.stderr
    assert not (project / "merged").exists()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    """kill -9 of the build (not its process group) must not leave workers behind."""
    project = make_project(tmp_path / "p")
    process = subprocess.Popen(
        [*PLAYBOOK, "build", "--jobs", "2"],
        cwd=project,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the build did not start its workers"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(map(_alive, workers)):
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_sigterm_removes_the_half_written_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    process = subprocess.Popen(
        [*PLAYBOOK, "build", "--jobs", "1"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(project.glob(".playbook-staging-*")):
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) != 0
    assert not list(project.glob(".playbook-*"))
    assert not (project / "build").exists()


@pytest.mark.parametrize("kind", ["file", "link"])
def test_build_refuses_an_out_path_that_is_a_file_or_link(
    tmp_path: Path, kind: str
) -> None:
    project = make_project(tmp_path / "p")
    target = project / "report.pdf"
    if kind == "file":
        target.write_text("my precious report")
    else:
        (project / "real").mkdir()
        target.symlink_to(project / "real")
    done = run(project, "build", "--out", "report.pdf")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "not a build folder" in done.stderr
    assert (
        target.is_symlink()
        if kind == "link"
        else target.read_text() == "my precious report"
    )


def test_merge_refuses_a_shard_changed_after_its_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    for number in (1, 2):
        assert (
            run(
                project, "build", "--shard", f"{number}/2", "--out", f"s{number}"
            ).returncode
            == 0
        )
    summary = next((project / "s2" / "kits").glob("*/summary.txt"))
    summary.write_text(summary.read_text() + "tampered\n")
    done = run(project, "merge", "s1", "s2", "--out", "merged")
    assert done.returncode == 1
    assert "does not match the kit's kit.json" in done.stderr
    assert not (project / "merged").exists()
