"""The fonts of every kit: two pinned font packages, and nothing else.

Lato (`font-lato`) sets every kit; Source Sans Pro (`font-source-sans-pro`)
is declared after it as a fallback, so a letter Lato lacks (Hungarian `ő`,
Romanian `ș`, Turkish `ğ`, Latvian `ā`) is drawn from it, glyph by glyph.
Shipping the files with playbook makes a PDF look the same on every machine.

A character neither font can draw (CJK, emoji) and an invisible character
that would print as an empty box are refused before rendering. The
rendering process is pointed at a fontconfig file that lists only these
font folders, so no system font can ever reach a kit.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from xml.sax.saxutils import escape

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Lato"
"""The font family every bundled template sets its text in."""

FALLBACK = "Source Sans Pro"
"""The family that draws what Lato cannot (most of Latin Extended-A and B)."""

FONT_STACK = f'{FAMILY}, "{FALLBACK}"'
"""The CSS `font-family` value of the bundled templates."""

_PACKAGES = {FAMILY: "font_lato", FALLBACK: "font_source_sans_pro"}
# Never drawn: controls, format marks, line and paragraph separators, private
# use and unassigned code points; WeasyPrint would print some as a box.
_NOT_PRINTABLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn"}
_LINE_CONTROLS = "\t\n\r"


@dataclass(frozen=True)
class Face:
    """One font file, the family it belongs to and its CSS weight and style."""

    file: str
    weight: int
    style: str = "normal"
    family: str = FAMILY

    @property
    def path(self) -> Path:
        """Where the font file is installed."""
        return font_dir(self.family) / self.file


def _fallback(file: str, weight: int, style: str = "normal") -> Face:
    return Face(file, weight, style, FALLBACK)


PRINT_FACES = (
    Face("Lato-Light.ttf", 300),
    Face("Lato-Regular.ttf", 400),
    Face("Lato-Italic.ttf", 400, "italic"),
    Face("Lato-Bold.ttf", 700),
    Face("Lato-BoldItalic.ttf", 700, "italic"),
    Face("Lato-Black.ttf", 900),
    _fallback("SourceSansPro-Light.ttf", 300),
    _fallback("SourceSansPro-Regular.ttf", 400),
    _fallback("SourceSansPro-It.ttf", 400, "italic"),
    _fallback("SourceSansPro-Bold.ttf", 700),
    _fallback("SourceSansPro-BoldIt.ttf", 700, "italic"),
    _fallback("SourceSansPro-Black.ttf", 900),
)
"""Faces declared for the PDF; only those the layout uses get embedded."""

WEB_FACES = (
    Face("Lato-Regular.ttf", 400),
    Face("Lato-Italic.ttf", 400, "italic"),
    Face("Lato-Bold.ttf", 700),
)
"""Faces inlined into every HTML page, kept few because each one adds to the file."""

WEB_FALLBACK_FACES = (
    _fallback("SourceSansPro-Regular.ttf", 400),
    _fallback("SourceSansPro-It.ttf", 400, "italic"),
    _fallback("SourceSansPro-Bold.ttf", 700),
)
"""Fallback faces inlined into a page, cut down to the letters Lato lacks in it."""


@cache
def font_dir(family: str = FAMILY) -> Path:
    """The folder of the installed font files of `family`."""
    folder = Path(str(files(_PACKAGES[family]).joinpath("files")))
    if not any(folder.glob("*.ttf")):
        raise FileNotFoundError(f"the {family} font files are missing from {folder}")
    return folder


def font_dirs() -> tuple[Path, ...]:
    """The folders of every bundled family, Lato first."""
    return tuple(font_dir(family) for family in _PACKAGES)


def font_face_css(faces: tuple[Face, ...], sources: dict[Face, str]) -> str:
    """`@font-face` rules for `faces`, each loaded from `sources[face]`."""
    rules = []
    for face in faces:
        family = face.family if face.family == FAMILY else f'"{face.family}"'
        rules.append(
            "@font-face {\n"
            f"  font-family: {family};\n"
            f"  font-weight: {face.weight};\n"
            f"  font-style: {face.style};\n"
            f'  src: url("{sources[face]}");\n'
            "}"
        )
    return "\n".join(rules) + "\n"


def print_font_css() -> str:
    """`@font-face` rules for the PDF, pointing at the installed files."""
    return font_face_css(
        PRINT_FACES, {face: face.path.as_uri() for face in PRINT_FACES}
    )


def web_font_css(text: str = "") -> str:
    """`@font-face` rules for an HTML page, with the fonts inlined as WOFF2 data.

    Lato is always inlined whole. When `text` (the page) has letters Lato
    lacks, the fallback faces are inlined too, holding only those letters.
    """
    css = _lato_web_css()
    extra = fallback_letters(text)
    if extra:
        sources = {
            face: _woff2_data_url(face.path, extra) for face in WEB_FALLBACK_FACES
        }
        css += font_face_css(WEB_FALLBACK_FACES, sources)
    return css


@cache
def _lato_web_css() -> str:
    return font_face_css(
        WEB_FACES, {face: _woff2_data_url(face.path) for face in WEB_FACES}
    )


@cache
def _woff2_data_url(path: Path, letters: str = "") -> str:
    """A font file as a WOFF2 `data:` URL, cut down to `letters` when given."""
    out = io.BytesIO()
    # Keep the font's own timestamp: fontTools would stamp the current time.
    with TTFont(path, recalcTimestamp=False) as font:
        if letters:
            options = subset.Options()
            options.recalc_timestamp = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=[ord(char) for char in letters])
            subsetter.subset(font)
        font.flavor = "woff2"
        font.save(out)
    return "data:font/woff2;base64," + base64.b64encode(out.getvalue()).decode("ascii")


# --- which characters the fonts can draw -------------------------------------


@cache
def _cmaps() -> dict[str, frozenset[int]]:
    """Per family, the code points every one of its faces has a glyph for."""
    covered: dict[str, frozenset[int]] = {}
    for face in {*PRINT_FACES, *WEB_FACES}:
        with TTFont(face.path, lazy=True) as font:
            cmap = frozenset(font.getBestCmap())
        known = covered.get(face.family)
        covered[face.family] = cmap if known is None else known & cmap
    return covered


def _covered() -> frozenset[int]:
    """Code points the bundled fonts can draw: Lato's and the fallback's."""
    return frozenset().union(*_cmaps().values())


def is_printable(char: str) -> bool:
    """False for characters that are never drawn: controls, separators, unassigned.

    Tab, line feed and carriage return are the exception: text flows around
    them as around a space.
    """
    return char in _LINE_CONTROLS or unicodedata.category(char) not in _NOT_PRINTABLE


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` the bundled fonts cannot draw, each once, in order.

    Spaces need no glyph; characters that are never drawn (see `is_printable`)
    always count as missing, since WeasyPrint would print them as a box or
    not at all. Text is compared in composed form (NFC), so an `e` followed by
    a combining accent counts as the `é` the fonts do have.
    """
    covered = _covered()
    missing: dict[str, None] = {}
    for char in unicodedata.normalize("NFC", text):
        if not is_printable(char):
            missing[char] = None
        elif ord(char) in covered or char.isspace():
            continue
        else:
            missing[char] = None
    return list(missing)


def fallback_letters(text: str) -> str:
    """The characters of `text`, sorted and once each, only the fallback draws."""
    lato = _cmaps()[FAMILY]
    fallback = _cmaps()[FALLBACK]
    found = {
        char
        for char in unicodedata.normalize("NFC", text)
        if ord(char) not in lato and ord(char) in fallback
    }
    return "".join(sorted(found))


def describe(char: str) -> str:
    """A character as a message names it: `the character 'ő' (U+0151)`.

    An invisible character is named by its code point and Unicode name
    instead, since printing it would show nothing or break the line.
    """
    point = f"U+{ord(char):04X}"
    if is_printable(char) and not char.isspace():
        return f"the character '{char}' ({point})"
    name = unicodedata.name(char, "")
    return f"the invisible character {point}" + (f" ({name})" if name else "")


# --- the fonts the rendering process may see ---------------------------------


def use_bundled_fonts_only() -> Path:
    """Point fontconfig at a configuration listing only the bundled fonts.

    Sets `FONTCONFIG_FILE` for this process (and the workers it forks), so a
    template naming a system font (`font-family: "DejaVu Sans"`,
    `src: local(...)`) finds nothing outside the bundle. WeasyPrint loads
    the configuration anew for every `FontConfiguration`, so this must run
    before the renderer creates its own. The folders are listed rather than
    left out because WeasyPrint warns, when imported, if fontconfig has no
    fonts at all. Any family fontconfig does not know falls back to Lato,
    then Source Sans Pro. Returns the path of the configuration file.
    """
    path = _fontconfig_file()
    os.environ["FONTCONFIG_FILE"] = str(path)
    return path


@cache
def _fontconfig_file() -> Path:
    """Write the fonts.conf of `use_bundled_fonts_only` once per process."""
    body = "".join(f"  <dir>{escape(str(folder))}</dir>\n" for folder in font_dirs())
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    folder = _private_folder(f"playbook-fontconfig-{digest}")
    conf = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f"{body}"
        f"  <cachedir>{escape(str(folder / 'cache'))}</cachedir>\n"
        # The fallback package also ships OpenType (CFF) copies: the PDF must
        # embed the TrueType files the stylesheet declares, never those.
        "  <selectfont><rejectfont><glob>*.otf</glob></rejectfont></selectfont>\n"
        "  <match>\n"
        '    <edit name="family" mode="append_last">\n'
        f"      <string>{FAMILY}</string><string>{FALLBACK}</string>\n"
        "    </edit>\n"
        "  </match>\n"
        "</fontconfig>\n"
    )
    path = folder / "fonts.conf"
    if not path.is_file() or path.read_text(encoding="utf-8") != conf:
        partial = folder / f"fonts.conf.{os.getpid()}"
        partial.write_text(conf, encoding="utf-8")
        partial.replace(path)
    return path


def _private_folder(name: str) -> Path:
    """A folder under the temp folder that only this user owns, kept across runs.

    Kept so fontconfig's cache is reused by the next build; a folder of that
    name that someone else made (or a link) is passed over for a fresh one.
    """
    folder = Path(tempfile.gettempdir()) / f"{name}-{_user_id()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        if folder.is_symlink() or (
            hasattr(os, "getuid") and info.st_uid != os.getuid()
        ):
            raise PermissionError(folder)
        return folder
    except OSError:
        return Path(tempfile.mkdtemp(prefix=f"{name}-"))


def _user_id() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else "user"
