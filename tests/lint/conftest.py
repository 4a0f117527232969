"""Fixtures for lint tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import write_project


@pytest.fixture
def project(tmp_path: Path):
    """Write a project from motion texts and return its folder."""

    def make(motions: dict[str, str] | str, config: str = "") -> Path:
        texts = {"motion.yaml": motions} if isinstance(motions, str) else motions
        return write_project(tmp_path, texts, config)

    return make
