"""Golden cases: each folder under tests/cases/validate is a small project.

`playbook validate .` runs in the folder and its output must equal
`expected.txt` line for line; the exit code is 0 when the expected output
says the motions are valid, 1 otherwise. New folders are found automatically.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli

CASES = Path(__file__).parent / "cases" / "validate"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.txt").is_file())


def _project(case: Path, tmp_path: Path) -> Path:
    """A copy of the case as a project of its own (a playbook.toml marks it)."""
    project = tmp_path / case.name
    shutil.copytree(case, project, symlinks=True)
    (project / "expected.txt").unlink()
    (project / "playbook.toml").write_text("")
    return project


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_validate_case(case: Path, tmp_path: Path) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    result = run_cli(["validate", "."], cwd=_project(case, tmp_path))
    assert result.output == expected
    valid = expected.strip().endswith("checked)")
    assert result.exit_code == (0 if valid else 1)


def test_every_case_has_an_expectation() -> None:
    folders = [p for p in CASES.iterdir() if p.is_dir()]
    assert folders and all((p / "expected.txt").is_file() for p in folders)


def test_an_asset_symlink_leading_out_of_the_project_is_refused(tmp_path: Path) -> None:
    project = _project(CASES / "local-references", tmp_path)
    outside = tmp_path / "secret.md"
    outside.write_text("outside the project")
    (project / "assets" / "Deck.md").unlink()
    (project / "assets" / "Deck.md").symlink_to(outside)
    result = run_cli(["validate", "."], cwd=project)
    assert result.exit_code == 1
    assert (
        "motion.yaml:34:11: error: `assets/Deck.md` is a link that leads outside "
        "the project folder" in result.output
    )


def test_a_motion_file_linking_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    project = _project(CASES / "valid-minimal", tmp_path)
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((project / "motion.yaml").read_text().replace("sample", "other"))
    (project / "other.yaml").symlink_to(outside)
    result = run_cli(["validate", "."], cwd=project)
    assert result.exit_code == 1
    assert result.output.startswith(
        "other.yaml:1:1: error: this file links to a file outside the project folder"
    )


def test_a_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    project = _project(CASES / "valid-minimal", tmp_path)
    absolute = str(project / "motion.yaml")
    result = run_cli(["validate", absolute, "motion.yaml"], cwd=project)
    assert (result.exit_code, result.output) == (0, "1 motion valid (1 file checked)\n")


def test_findings_are_capped_per_file(tmp_path: Path) -> None:
    project = _project(CASES / "valid-minimal", tmp_path)
    tags = "".join(f"  - {n}\n" for n in range(1, 451))
    (project / "motion.yaml").write_text(
        (project / "motion.yaml").read_text() + "tags:\n" + tags
    )
    result = run_cli(["validate", "."], cwd=project)
    lines = result.output.splitlines()
    assert len(lines) == 202
    assert lines[-2] == (
        "motion.yaml:208:5: error: 250 more problems in this file are not shown; "
        "fix the ones above first"
    )


def test_a_folder_without_motion_files_is_a_usage_error(tmp_path: Path) -> None:
    project = _project(CASES / "valid-minimal", tmp_path)
    (project / "empty").mkdir()
    result = run_cli(["validate", "empty"], cwd=project)
    assert result.exit_code == 2
    assert "no motion files (.yaml or .yml) in empty" in result.output
