"""A project's own templates: sandboxed, read only from inside the project.

A template override is code the user copied in, and may be code someone
else wrote: it must never read files, run commands or follow a link out of
the project, and whatever goes wrong in it is reported at its file and line.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from conftest import load_motion, make_project, motion_data, render

from playbook.build.render import Renderer
from playbook.config import Config
from playbook.errors import BuildError
from playbook.resources import bundled

PAYLOADS = [
    '{{ cycler.__init__.__globals__.__builtins__.open("/etc/hostname").read() }}',
    '{{ lipsum.__globals__["os"].popen("echo PWNED-$((6*7))").read() }}',
]


def _override(root: Path, name: str, old: str, new: str) -> Path:
    """Copy a bundled template into the project with `old` replaced by `new`."""
    (root / "templates").mkdir(exist_ok=True)
    text = (bundled("templates") / name).read_text(encoding="utf-8")
    assert old in text
    path = root / "templates" / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def _build_error(renderer: Renderer) -> str:
    with pytest.raises(BuildError) as error:
        render(renderer, load_motion(motion_data()))
    return error.value.message


@pytest.mark.parametrize("payload", PAYLOADS, ids=["open-file", "run-command"])
def test_a_template_cannot_reach_python_internals(tmp_path: Path, payload: str) -> None:
    root = make_project(tmp_path)
    path = _override(root, "page.html.j2", "<h1>{{ motion.name }}</h1>", payload)
    message = _build_error(Renderer(Config(root=root)))
    line = _line_of(path, payload)
    assert message.startswith(f"templates/page.html.j2:{line}: template error ")
    assert "is unsafe" in message and "sandbox" in message
    assert "PWNED-42" not in message
    assert socket.gethostname() not in message


def test_a_sandboxed_template_cannot_change_the_view(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _override(
        root,
        "page.html.j2",
        "<h1>{{ motion.name }}</h1>",
        "{{ motion.tags.append('x') }}",
    )
    assert "unsafe" in _build_error(Renderer(Config(root=root)))


def _outside_sections(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    shutil.copytree(bundled("templates"), outside)
    (outside / "_sections.html.j2").write_text("SECRET-OUTSIDE", encoding="utf-8")
    return outside


def test_a_template_linked_from_outside_the_project_is_not_read(
    tmp_path: Path,
) -> None:
    outside = _outside_sections(tmp_path)
    root = make_project(tmp_path / "project")
    (root / "templates").mkdir()
    (root / "templates" / "_sections.html.j2").symlink_to(outside / "_sections.html.j2")
    message = _build_error(Renderer(Config(root=root)))
    assert message.startswith("templates/_sections.html.j2: ")
    assert "leads outside the project" in message
    assert "SECRET-OUTSIDE" not in message


def test_a_templates_folder_linked_from_outside_is_not_read(tmp_path: Path) -> None:
    outside = _outside_sections(tmp_path)
    root = make_project(tmp_path / "project")
    (root / "templates").symlink_to(outside, target_is_directory=True)
    renderer = Renderer(Config(root=root))
    message = _build_error(renderer)
    assert message.startswith("templates/playbook.html.j2: ")
    assert "leads outside the project" in message
    with pytest.raises(BuildError, match="leads outside the project"):
        renderer.render_catalog([], build_date=None)


def test_a_link_to_another_file_inside_the_project_is_read(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "shared").mkdir()
    (root / "shared" / "email.txt.j2").write_text("Hi {{ motion.name }}\n")
    (root / "templates").mkdir()
    (root / "templates" / "email.txt.j2").symlink_to(root / "shared" / "email.txt.j2")
    kit = render(Renderer(Config(root=root)), load_motion(motion_data()))
    assert kit["email.txt"] == b"Hi Hardware Refresh for VARs\n"


def test_a_template_that_includes_itself_fails_at_the_include(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    include = '{% include "playbook.html.j2" %}'
    path = _override(root, "playbook.html.j2", "<body>", f"<body>{include}")
    message = _build_error(Renderer(Config(root=root)))
    line = _line_of(path, include)
    assert message.startswith(
        f"templates/playbook.html.j2:{line}: template error while rendering the "
        "playbook of motions/m.yaml: "
    )
    assert "without end" in message


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("email.txt.j2", "{{ 1 // 0 }}", "ZeroDivisionError"),
        ("email.txt.j2", '{% include "missing.j2" %}', "no template `missing.j2`"),
        ("page.css.j2", "{{ nothing.here }}", "'nothing' is undefined"),
        ("print.css.j2", "{{ primary.__class__ }}", "is unsafe"),
    ],
)
def test_any_template_error_names_its_file_and_line(
    tmp_path: Path, name: str, code: str, words: str
) -> None:
    root = make_project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / name).write_text(f"first line\n{code}\n")
    message = _build_error(Renderer(Config(root=root)))
    assert message.startswith(f"templates/{name}:2: template error")
    assert words in message
