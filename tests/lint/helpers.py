"""Helpers for lint tests: small projects written into a temporary folder."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from playbook.config import load_config
from playbook.lint import LintResult, lint_project
from playbook.project import Project, load_project

HERE = Path(__file__).parent
TODAY = date(2026, 6, 1)
CLEAN = (HERE / "clean" / "motion.yaml").read_text(encoding="utf-8")
_FILE = re.compile(r"^\s*-?\s*file:\s*(\S+)\s*$", re.MULTILINE)


def write_project(root: Path, motions: dict[str, str], config: str = "") -> Path:
    """Write motion files under root/motions and create every asset they name."""
    (root / "motions").mkdir(parents=True, exist_ok=True)
    for name, text in motions.items():
        (root / "motions" / name).write_text(text, encoding="utf-8")
        for asset in _FILE.findall(text):
            path = root / asset
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("asset\n", encoding="utf-8")
    if config:
        (root / "playbook.toml").write_text(config, encoding="utf-8")
    return root


def load(root: Path) -> Project:
    """Load and validate the project at root; it must be valid."""
    config = load_config(root)
    project = load_project(config.root, [config.motions], base=root)
    assert project.ok, [f.as_text() for f in project.findings]
    return project


def lint(root: Path, today: date = TODAY, portfolio: bool = True) -> LintResult:
    """Lint the project at root with its own configuration."""
    return lint_project(load(root), load_config(root), today, portfolio)


def positions(result: LintResult) -> list[str]:
    """Findings as `file:line:col rule`, the form the expected files use."""
    return [f"{f.file}:{f.line}:{f.col} {f.rule}" for f in result.findings]
