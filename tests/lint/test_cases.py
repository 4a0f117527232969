"""Golden cases: each folder under cases/<rule-id>/ is a small project with a flaw.

A case holds either `motion.yaml` (linted alone) or a `motions/` folder with
a `playbook.toml` (linted as a portfolio when the folder's rule is a
portfolio rule), and `expected.txt`: one `[file:]line:col rule` per finding,
`#` comments allowed. The file defaults to motions/motion.yaml. The lint
must report exactly the expected findings, no more and no fewer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from playbook.lint import RULES
from playbook.lint.base import PORTFOLIO
from tests.lint.helpers import lint, positions, write_project

CASES = Path(__file__).parent / "cases"
SINGLE = "motions/motion.yaml"
ALL = sorted(p.parent for p in CASES.glob("*/*/expected.txt"))


def _expected(case: Path) -> list[str]:
    lines = case.joinpath("expected.txt").read_text(encoding="utf-8").splitlines()
    rows = [line.split("#", 1)[0].strip() for line in lines]
    full = [row if row.count(":") == 2 else f"{SINGLE}:{row}" for row in rows if row]
    return sorted(full)


def _project(case: Path, root: Path) -> Path:
    single = case / "motion.yaml"
    if single.is_file():
        write_project(root, {"motion.yaml": single.read_text(encoding="utf-8")})
    else:
        files = (case / "motions").iterdir()
        write_project(root, {p.name: p.read_text(encoding="utf-8") for p in files})
    if (case / "playbook.toml").is_file():
        shutil.copy(case / "playbook.toml", root / "playbook.toml")
    return root


@pytest.mark.parametrize("case", ALL, ids=[f"{p.parent.name}/{p.name}" for p in ALL])
def test_case(case: Path, tmp_path: Path):
    portfolio = RULES[case.parent.name].scope == PORTFOLIO
    result = lint(_project(case, tmp_path), portfolio=portfolio)
    assert sorted(positions(result)) == _expected(case)


def test_every_rule_has_a_case():
    assert {p.parent.name for p in ALL} == set(RULES)


def test_each_case_shows_its_own_rule():
    for case in ALL:
        rules = {row.split()[-1] for row in _expected(case)}
        assert rules <= set(RULES)
        if "retired" not in case.name:
            assert case.parent.name in rules, case
