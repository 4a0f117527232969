"""The fonts of every kit: Lato from the pinned `font-lato` package, and nothing else.

Shipping the font files with playbook makes a PDF look the same on every
machine. Lato covers Latin scripts only, so a motion that writes a character
outside them (CJK, emoji) is refused before rendering rather than printed
with a system font or as an empty box.
"""

from __future__ import annotations

import base64
import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from fontTools.ttLib import TTFont

FAMILY = "Lato"
"""The only font family the bundled templates use."""

_PACKAGE = "font_lato"
# Unicode categories that never need a glyph: controls, format marks, spaces.
_NO_GLYPH_NEEDED = {"Cc", "Cf", "Zs", "Zl", "Zp"}


@dataclass(frozen=True)
class Face:
    """One font file and the CSS weight and style it provides."""

    file: str
    weight: int
    style: str = "normal"

    @property
    def path(self) -> Path:
        """Where the font file is installed."""
        return font_dir() / self.file


PRINT_FACES = (
    Face("Lato-Light.ttf", 300),
    Face("Lato-Regular.ttf", 400),
    Face("Lato-Italic.ttf", 400, "italic"),
    Face("Lato-Bold.ttf", 700),
    Face("Lato-BoldItalic.ttf", 700, "italic"),
    Face("Lato-Black.ttf", 900),
)
"""Faces declared for the PDF; only those the layout uses get embedded."""

WEB_FACES = (
    Face("Lato-Regular.ttf", 400),
    Face("Lato-Italic.ttf", 400, "italic"),
    Face("Lato-Bold.ttf", 700),
)
"""Faces inlined into HTML pages, kept few because each one adds to the file."""


@cache
def font_dir() -> Path:
    """The folder of the installed `font-lato` files."""
    folder = Path(str(files(_PACKAGE).joinpath("files")))
    if not (folder / "Lato-Regular.ttf").is_file():
        raise FileNotFoundError(f"the Lato font files are missing from {folder}")
    return folder


def font_face_css(faces: tuple[Face, ...], sources: dict[str, str]) -> str:
    """`@font-face` rules for `faces`, each loaded from `sources[face.file]`."""
    rules = []
    for face in faces:
        rules.append(
            "@font-face {\n"
            f"  font-family: {FAMILY};\n"
            f"  font-weight: {face.weight};\n"
            f"  font-style: {face.style};\n"
            f'  src: url("{sources[face.file]}");\n'
            "}"
        )
    return "\n".join(rules) + "\n"


def print_font_css() -> str:
    """`@font-face` rules for the PDF, pointing at the installed files."""
    sources = {face.file: face.path.as_uri() for face in PRINT_FACES}
    return font_face_css(PRINT_FACES, sources)


@cache
def web_font_css() -> str:
    """`@font-face` rules for HTML pages, with the fonts inlined as WOFF2 data."""
    sources = {face.file: _woff2_data_url(face.path) for face in WEB_FACES}
    return font_face_css(WEB_FACES, sources)


def _woff2_data_url(path: Path) -> str:
    # Keep the font's own timestamp: fontTools would stamp the current time.
    out = io.BytesIO()
    with TTFont(path, recalcTimestamp=False) as font:
        font.flavor = "woff2"
        font.save(out)
    return "data:font/woff2;base64," + base64.b64encode(out.getvalue()).decode("ascii")


@cache
def _covered() -> frozenset[int]:
    """Code points every bundled face has a glyph for."""
    covered: frozenset[int] | None = None
    for face in {*PRINT_FACES, *WEB_FACES}:
        with TTFont(face.path, lazy=True) as font:
            cmap = frozenset(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return covered or frozenset()


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` the bundled fonts cannot draw, each once, in order.

    White space and invisible control or format characters need no glyph and
    are never reported. Text is compared in composed form (NFC), so an `e`
    followed by a combining accent counts as the `é` the fonts do have.
    """
    covered = _covered()
    missing: dict[str, None] = {}
    for char in unicodedata.normalize("NFC", text):
        if ord(char) in covered or char.isspace():
            continue
        if unicodedata.category(char) in _NO_GLYPH_NEEDED:
            continue
        missing[char] = None
    return list(missing)
