"""Same inputs, same bytes: whatever the clock, the folder or the process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import load_motion, make_project, motion_data, render

from playbook.build.render import Renderer
from playbook.config import Config

HERE = Path(__file__).resolve().parent

# Renders the base motion of conftest.py in a fresh interpreter.
CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import conftest
from playbook.build.render import Renderer
from playbook.config import Config
root, out = Path(sys.argv[2]), Path(sys.argv[3])
renderer = Renderer(Config(root=root))
kit = conftest.render(renderer, conftest.load_motion(conftest.motion_data()))
out.mkdir(parents=True, exist_ok=True)
for name, data in kit.items():
    (out / name).write_bytes(data)
"""


def _render_in_process(root: Path, out: Path, cwd: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": f"Etc/GMT-{seed}"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run(
        [sys.executable, "-c", CHILD, str(HERE), str(root), str(out)],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
    )
    return {path.name: path.read_bytes() for path in out.iterdir()}


def test_two_processes_render_identical_bytes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    (tmp_path / "elsewhere").mkdir()
    first = _render_in_process(root, tmp_path / "one", root, "1")
    second = _render_in_process(root, tmp_path / "two", tmp_path / "elsewhere", "7")
    assert sorted(first) == [
        "email.txt",
        "playbook.html",
        "playbook.pdf",
        "summary.txt",
    ]
    for name in first:
        assert first[name] == second[name], name


def test_the_project_folder_does_not_change_the_bytes(
    tmp_path: Path, kit: dict[str, bytes], project: Path
) -> None:
    moved = tmp_path / "a" / "much" / "longer" / "path"
    shutil.copytree(project, moved)
    again = render(Renderer(Config(root=moved)), load_motion(motion_data()))
    assert again == kit


def test_rendering_twice_in_one_process_is_stable(
    renderer: Renderer, kit: dict[str, bytes]
) -> None:
    assert render(renderer, load_motion(motion_data())) == kit
