"""Golden cases: each folder under tests/cases/validate is a small project.

`playbook validate .` runs in the folder and its output must equal
`expected.txt` line for line; the exit code is 0 when the expected output
says the motions are valid, 1 otherwise. New folders are found automatically.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

CASES = Path(__file__).parent / "cases" / "validate"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.txt").is_file())


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_validate_case(case: Path) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    result = run_cli(["validate", "."], cwd=case)
    assert result.output == expected
    valid = expected.strip().endswith("checked)")
    assert result.exit_code == (0 if valid else 1)


def test_every_case_has_an_expectation() -> None:
    folders = [p for p in CASES.iterdir() if p.is_dir()]
    assert folders and all((p / "expected.txt").is_file() for p in folders)
