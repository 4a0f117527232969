"""The URL fetcher: data: URLs, project files and bundled files only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from weasyprint.urls import URLFetcher

from playbook.build.fetcher import (
    FetchRefused,
    make_fetcher,
    parse_data_url,
    resolve_inside,
)
from playbook.build.fonts import font_dir
from playbook.resources import bundled


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project with one image, and a secret file next to (outside) it."""
    project = tmp_path / "project"
    (project / "assets").mkdir(parents=True)
    (project / "assets" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    return project


def test_it_is_a_weasyprint_url_fetcher_that_fails_the_render(root: Path) -> None:
    fetcher = make_fetcher(root)
    assert isinstance(fetcher, URLFetcher)
    assert fetcher._fail_on_errors is True


def test_project_files_are_served_with_their_type(root: Path) -> None:
    fetcher = make_fetcher(root)
    response = fetcher((root / "assets" / "logo.svg").as_uri())
    assert response.read() == b"<svg/>"
    assert response.content_type == "image/svg+xml"
    assert fetcher.refused == []


def test_data_urls_are_served(root: Path) -> None:
    fetcher = make_fetcher(root)
    assert fetcher("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    assert fetcher("data:,a%20b").read() == b"a b"
    assert parse_data_url("data:image/png;base64,AA==") == ("image/png", b"\0")


def test_bundled_fonts_and_templates_are_served(root: Path) -> None:
    fetcher = make_fetcher(root, allowed_files=set())
    font = fetcher((font_dir() / "Lato-Regular.ttf").as_uri()).read()
    assert font[:4] == b"\0\1\0\0"
    template = bundled("templates") / "print.css.j2"
    assert fetcher(template.as_uri()).read().startswith(b"/*")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/logo.png",
        "https://example.com/logo.png",
        "ftp://example.com/logo.png",
        "gopher://example.com/",
        "javascript:alert(1)",
        "file://example.com/etc/hostname",
        "file:///etc/hostname",
    ],
)
def test_anything_else_is_refused_and_recorded(root: Path, url: str) -> None:
    fetcher = make_fetcher(root)
    with pytest.raises(FetchRefused):
        fetcher(url)
    assert [refusal.url for refusal in fetcher.refused] == [url]


def test_dot_dot_escapes_are_refused(root: Path) -> None:
    fetcher = make_fetcher(root)
    with pytest.raises(FetchRefused, match="inside the project"):
        fetcher(root.as_uri() + "/assets/../../secret.txt")
    with pytest.raises(FetchRefused, match="outside the project"):
        fetcher((root.parent / "secret.txt").as_uri())


def test_symlinks_leading_out_are_refused(root: Path) -> None:
    (root / "assets" / "link.txt").symlink_to(root.parent / "secret.txt")
    (root / "linked-dir").symlink_to(root.parent, target_is_directory=True)
    fetcher = make_fetcher(root)
    for url in (
        (root / "assets" / "link.txt").as_uri(),
        (root / "linked-dir" / "secret.txt").as_uri(),
    ):
        with pytest.raises(FetchRefused, match="outside the project"):
            fetcher(url)
    assert len(fetcher.refused) == 2


def test_symlinks_inside_the_project_are_followed(root: Path) -> None:
    (root / "alias.svg").symlink_to(root / "assets" / "logo.svg")
    assert make_fetcher(root)((root / "alias.svg").as_uri()).read() == b"<svg/>"


def test_allowed_files_narrow_what_the_project_serves(root: Path) -> None:
    (root / "other.txt").write_text("other", encoding="utf-8")
    fetcher = make_fetcher(root, allowed_files={root / "assets" / "logo.svg"})
    assert fetcher((root / "assets" / "logo.svg").as_uri()).read() == b"<svg/>"
    with pytest.raises(FetchRefused, match="not one this build may read"):
        fetcher((root / "other.txt").as_uri())


def test_missing_files_and_folders_are_refused(root: Path) -> None:
    fetcher = make_fetcher(root)
    with pytest.raises(FetchRefused, match="no such file"):
        fetcher((root / "nope.png").as_uri())
    with pytest.raises(FetchRefused, match="not a file"):
        fetcher((root / "assets").as_uri())


def test_resolve_inside_keeps_paths_in_the_project(root: Path) -> None:
    assert resolve_inside(root, "assets/logo.svg") == root / "assets" / "logo.svg"
    for bad in ("../secret.txt", "/etc/hostname", "assets/../../secret.txt"):
        with pytest.raises(FetchRefused):
            resolve_inside(root, bad)
    os.symlink(root.parent / "secret.txt", root / "out.txt")
    with pytest.raises(FetchRefused, match="outside the project"):
        resolve_inside(root, "out.txt")
