"""Rendering failures as a user sees them: `playbook build` in a real process.

Two bundled motions, so `--jobs 2` starts a real worker pool: a problem
must come back from a worker as one message and an exit code, never as a
traceback, a dead pool or an "internal error".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from playbook.resources import bundled

REPO = bundled("templates").parent
MOTIONS = ("hardware-refresh", "cicd-pipeline-audit")


def _project(root: Path) -> Path:
    """A project with two of the bundled motions and their assets."""
    (root / "motions").mkdir(parents=True)
    shutil.copytree(REPO / "motions" / "shared", root / "motions" / "shared")
    for name in MOTIONS:
        shutil.copy(REPO / "motions" / f"{name}.yaml", root / "motions")
        shutil.copytree(REPO / "assets" / name, root / "assets" / name)
    shutil.copytree(REPO / "assets" / "shared", root / "assets" / "shared")
    (root / "playbook.toml").write_text('[brand]\nname = "Northwind"\n')
    return root


def _build(root: Path, jobs: str = "2") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PLAYBOOK_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "playbook.cli", "build", "--jobs", jobs],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def _clean_failure(root: Path, code: int, jobs: str = "2") -> str:
    """Build `root`, which must fail with `code`, one message and nothing written."""
    done = _build(root, jobs)
    output = done.stdout + done.stderr
    assert done.returncode == code, output
    for word in ("Traceback", "internal error", "BrokenProcessPool", "data:"):
        assert word not in output, output
    assert not (root / "build").exists()
    return output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_system_font_in_the_print_stylesheet_fails_in_one_line(
    tmp_path: Path, jobs: str
) -> None:
    root = _project(tmp_path)
    (root / "templates").mkdir()
    css = (bundled("templates") / "print.css.j2").read_text(encoding="utf-8")
    (root / "templates" / "print.css.j2").write_text(
        css + '@font-face { font-family: Sys; src: url("file:///usr/share/fonts/'
        'truetype/dejavu/DejaVuSans.ttf") }\nh1 { font-family: Sys }\n'
    )
    output = _clean_failure(root, 1, jobs)
    assert "Error: templates/print.css.j2: the print stylesheet refers to " in output


def test_characters_without_glyphs_are_listed_like_validate_findings(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    path = root / "motions" / "hardware-refresh.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", "name: Refresh 東京 for VARs", text, count=1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("name: Refresh 東京 for VARs") + 1
    output = _clean_failure(root, 1)
    found = [row for row in output.splitlines() if "[build/glyph]" in row]
    assert found == [
        f"motions/hardware-refresh.yaml:{line}:7: error: the character '{char}' "
        f"(U+{ord(char):04X}) in `name` has no glyph in the bundled fonts (Lato, "
        "Source Sans Pro); write it another way or remove it [build/glyph]"
        for char in sorted("東京")
    ]


def test_a_logo_that_is_no_image_is_a_settings_error(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "logo.png").write_text("not an image\n" * 1000)
    (root / "playbook.toml").write_text(
        '[brand]\nname = "Northwind"\nlogo = "logo.png"\n'
    )
    output = _clean_failure(root, 2)
    assert (
        f"Error: {root / 'playbook.toml'}:3: brand.logo `logo.png` is not a PNG, "
        "JPEG, GIF or SVG image"
    ) in output
    assert "motions/" not in output
