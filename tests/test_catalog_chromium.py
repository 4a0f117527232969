"""The catalog page in real headless Chromium: it renders and every link resolves.

Chromium loads `build/index.html` from disk, as a partner who unzipped the
build would; the DOM it ends up with is searched for links, and each one
must point at a file the build wrote.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.test_build_pipeline import make_project, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _png_size_and_colours(path: Path) -> tuple[int, int, int]:
    """Width, height and a count of distinct rows of a PNG (no imaging library)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = len(raw) // height
    rows = {raw[i * stride + 1 : (i + 1) * stride] for i in range(height)}
    return width, height, len(rows)


@pytest.fixture(scope="module")
def build_folder(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("catalog"))
    done = run(project, "build")
    assert done.returncode == 0, done.stderr
    return project / "build"


@pytest.mark.parametrize("size", ["1280,1600", "390,1400"], ids=["desktop", "phone"])
def test_catalog_renders_in_chromium(
    build_folder: Path, tmp_path: Path, size: str
) -> None:
    assert CHROMIUM, "chromium is installed by ./dev test"
    shot = tmp_path / "catalog.png"
    done = _chromium(
        build_folder / "index.html",
        tmp_path / "profile",
        f"--screenshot={shot}",
        f"--window-size={size}",
    )
    assert shot.is_file(), done.stderr
    width, height, rows = _png_size_and_colours(shot)
    assert (width, height) == tuple(int(n) for n in size.split(","))
    assert rows > 50, "the screenshot is (nearly) blank"


def test_every_catalog_link_resolves_to_a_built_file(
    build_folder: Path, tmp_path: Path
) -> None:
    done = _chromium(build_folder / "index.html", tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr
    parser = _Links()
    parser.feed(done.stdout)
    assert "main" in parser.tags or "body" in parser.tags
    local = [
        link
        for link in parser.links
        if not urlsplit(link).scheme and not link.startswith("#")
    ]
    assert len(local) >= 6 * 3
    for link in local:
        target = (build_folder / unquote(urlsplit(link).path)).resolve()
        assert target.is_file(), link
        assert target.is_relative_to(build_folder.resolve()), link
    remote = [
        link for link in parser.links if urlsplit(link).scheme not in ("", "data")
    ]
    assert all(link.startswith("https://") for link in remote), remote
