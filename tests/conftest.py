"""Shared test helpers: run the real CLI in a folder and read its output."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbook.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@dataclass
class Run:
    """What one CLI call printed and how it exited."""

    exit_code: int
    output: str
    stdout: str
    stderr: str


def run_cli(args: list[str], cwd: Path | None = None) -> Run:
    """Run `playbook ARGS` in `cwd` through click's runner (same process)."""
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Run(result.exit_code, result.output, result.stdout, result.stderr)


@pytest.fixture
def cli():
    """The `run_cli` helper as a fixture."""
    return run_cli
