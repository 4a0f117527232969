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
