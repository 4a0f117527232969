"""The only way WeasyPrint may read anything while a kit is rendered.

WeasyPrint asks its URL fetcher for every stylesheet, image and font a page
refers to. The fetcher here answers `data:` URLs, files inside the project
(after following symlinks) and the bundled fonts and templates; anything
else (http, ftp, files elsewhere, unknown schemes) is refused, recorded and
made fatal, so a build never reads outside the project, never touches the
network, and never ships a page with a silent hole in it.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from playbook.build.fonts import font_dirs
from playbook.resources import bundled

logger = logging.getLogger(__name__)

_MAX_BYTES = 50 * 1_048_576


class FetchRefused(ValueError):
    """A resource the build may not read; says which and why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{_short(url)}: {reason}")
        self.url = url
        self.reason = reason


def _short(url: str) -> str:
    """A URL cut to a readable length (data: URLs can be megabytes long)."""
    return url if len(url) <= 80 else f"{url[:77]}..."


def resolve_inside(root: Path, relative: str) -> Path:
    """The real path of `relative` under `root`, refusing any way out of it.

    Absolute paths, `..` steps and symlinks that lead outside `root` are
    refused with `FetchRefused`, as is a path that does not name a file.
    """
    path = Path(relative)
    if path.is_absolute() or ".." in path.parts:
        raise FetchRefused(relative, "the path must stay inside the project folder")
    return _real_file_inside(root / path, (root,), relative)


def _real_file_inside(path: Path, roots: tuple[Path, ...], shown: str) -> Path:
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise FetchRefused(shown, "no such file") from None
    if not any(real.is_relative_to(base.resolve()) for base in roots):
        raise FetchRefused(shown, "the file is outside the project folder")
    if not real.is_file():
        raise FetchRefused(shown, "not a file")
    return real


class ProjectFetcher(URLFetcher):
    """A WeasyPrint URL fetcher limited to the project and bundled files.

    Every refusal is kept in `refused`, so the caller can fail the build even
    where WeasyPrint would only log the error and leave a hole in the page.
    """

    def __init__(self, root: Path, allowed_files: set[Path] | None = None) -> None:
        super().__init__(allowed_protocols=("data", "file"), fail_on_errors=True)
        self.root = root.resolve()
        self.allowed_files = (
            None if allowed_files is None else {p.resolve() for p in allowed_files}
        )
        self.bundled_roots = (
            *(folder.resolve() for folder in font_dirs()),
            bundled("templates").resolve(),
        )
        self.refused: list[FetchRefused] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Answer `url` from a data: URL or an allowed file; refuse anything else."""
        try:
            return self._answer(url)
        except FetchRefused as refusal:
            logger.debug("refused %s", refusal)
            self.refused.append(refusal)
            raise

    def _answer(self, url: str) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower() if ":" in url else ""
        if scheme == "data":
            mime, body = parse_data_url(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        if scheme == "file":
            path = self._allowed_path(url)
            if path.stat().st_size > _MAX_BYTES:
                raise FetchRefused(url, "the file is larger than 50 MiB")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        what = f"{scheme}: addresses" if scheme else "addresses without a scheme"
        raise FetchRefused(url, f"{what} are never fetched during a build")

    def _allowed_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(url, "files on other hosts are never read")
        path = Path(url2pathname(unquote(parts.path)))
        if ".." in path.parts:
            raise FetchRefused(url, "the path must stay inside the project folder")
        real = _real_file_inside(path, (self.root, *self.bundled_roots), url)
        in_bundle = any(real.is_relative_to(base) for base in self.bundled_roots)
        restricted = self.allowed_files is not None and not in_bundle
        if restricted and real not in self.allowed_files:
            raise FetchRefused(url, "the file is not one this build may read")
        return real


def make_fetcher(root: Path, allowed_files: set[Path] | None = None) -> ProjectFetcher:
    """A WeasyPrint URL fetcher for the project at `root`.

    With `allowed_files`, project files other than those are refused too;
    the bundled fonts and templates stay readable either way.
    """
    return ProjectFetcher(root, allowed_files)


def parse_data_url(url: str) -> tuple[str, bytes]:
    """The media type and bytes of a `data:` URL (RFC 2397)."""
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise FetchRefused(url, "a data: URL needs a comma before its data")
    is_base64 = header.lower().endswith(";base64")
    mime = (header[: -len(";base64")] if is_base64 else header).strip()
    raw = unquote_to_bytes(payload)
    if is_base64:
        try:
            raw = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError):
            raise FetchRefused(url, "the base64 data is not valid") from None
    return mime.split(";")[0] or "text/plain", raw
