"""The bundled fonts: where they come from, what they cover, what else is seen."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
from pathlib import Path

import font_lato
import font_source_sans_pro
import pytest
from fontTools.ttLib import TTFont

from playbook.build import fonts


def test_fonts_come_from_the_font_lato_package() -> None:
    assert fonts.font_dir().samefile(font_lato.font_directory)
    for face in fonts.PRINT_FACES + fonts.WEB_FACES:
        assert face.path.is_file(), face.file


def test_print_css_declares_only_lato_faces_by_file_url() -> None:
    css = fonts.print_font_css()
    assert css.count("@font-face") == len(fonts.PRINT_FACES)
    assert "font-family: Lato;" in css
    assert f'url("{fonts.font_dir().as_uri()}/Lato-Regular.ttf")' in css


def test_web_css_inlines_woff2_fonts_as_data_urls() -> None:
    css = fonts.web_font_css()
    assert css.count("data:font/woff2;base64,") == len(fonts.WEB_FACES)
    assert "file:" not in css and "http" not in css
    encoded = css.split("base64,", 1)[1].split('"', 1)[0]
    with TTFont(io.BytesIO(base64.b64decode(encoded))) as font:
        assert font.flavor == "woff2"


def test_web_css_is_the_same_in_another_process() -> None:
    code = "from playbook.build import fonts; print(fonts.web_font_css())"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert other == fonts.web_font_css() + "\n"


def test_latin_text_with_accents_needs_no_other_font() -> None:
    text = "Café Zürich Ångström: 15% off, “quoted” – dash — done… €5 Łódź"
    assert fonts.missing_glyphs(text) == []


def test_white_space_needs_no_glyph() -> None:
    assert fonts.missing_glyphs("a\tb\nc\u00a0d\u2009e\r\nf") == []


def test_a_combining_accent_counts_as_the_composed_letter() -> None:
    assert fonts.missing_glyphs("Cafe\u0301") == []


def test_cjk_and_emoji_are_reported_once_each_in_order() -> None:
    assert fonts.missing_glyphs("東京 and 🚀 then 東 again 😀") == [
        "東",
        "京",
        "🚀",
        "😀",
    ]


def test_the_fallback_comes_from_the_font_source_sans_pro_package() -> None:
    folder = fonts.font_dir(fonts.FALLBACK)
    assert folder.samefile(font_source_sans_pro.font_directory)
    assert "SIL Open Font License" in (folder / "LICENSE.txt").read_text()
    fallback = [face for face in fonts.PRINT_FACES if face.family == fonts.FALLBACK]
    assert {(f.weight, f.style) for f in fallback} == {
        (f.weight, f.style) for f in fonts.PRINT_FACES if f.family == fonts.FAMILY
    }
    for face in fallback:
        assert face.path.suffix == ".ttf" and face.path.is_file(), face.file


def test_print_css_declares_the_fallback_family_after_lato() -> None:
    css = fonts.print_font_css()
    assert css.index("font-family: Lato;") < css.index('font-family: "Source Sans')
    assert fonts.FONT_STACK == 'Lato, "Source Sans Pro"'


@pytest.mark.parametrize("word", ["Győr", "Timișoara", "Constanța", "Ağrı", "İzmir"])
def test_central_european_and_turkish_letters_are_covered(word: str) -> None:
    assert fonts.missing_glyphs(f"{word} ā ē ī ū ļ ņ ő ű ș ț ğ İ ı") == []


@pytest.mark.parametrize(
    "char", ["\u2028", "\u2029", "\x07", "\x1b", "\u200b", "\u202e", "\ue000", "\u0378"]
)
def test_characters_that_are_never_drawn_have_no_glyph(char: str) -> None:
    assert fonts.missing_glyphs(f"a{char}b") == [char]
    assert not fonts.is_printable(char)
    assert f"U+{ord(char):04X}" in fonts.describe(char)
    assert char not in fonts.describe(char)


def test_a_printable_character_is_shown_in_its_description() -> None:
    assert fonts.describe("東") == "the character '東' (U+6771)"
    assert fonts.describe("\u2028") == "the invisible character U+2028 (LINE SEPARATOR)"


def test_a_page_inlines_the_fallback_only_for_letters_lato_lacks() -> None:
    assert fonts.fallback_letters("Café Zürich") == ""
    assert fonts.web_font_css("Café Zürich") == fonts.web_font_css()
    assert fonts.fallback_letters("Győr, Ağrı, Győr") == "ğő"
    css = fonts.web_font_css("Győr")
    extra = css.removeprefix(fonts.web_font_css())
    assert extra.count('font-family: "Source Sans Pro";') == len(
        fonts.WEB_FALLBACK_FACES
    )
    encoded = extra.split("base64,", 1)[1].split('"', 1)[0]
    with TTFont(io.BytesIO(base64.b64decode(encoded))) as font:
        assert ord("ő") in font.getBestCmap()
        assert ord("A") not in font.getBestCmap()
    # Cut down to one letter, each fallback face adds a few kilobytes at most.
    assert len(extra) < 3 * 12_000


def test_fontconfig_is_given_only_the_bundled_fonts(tmp_path: Path) -> None:
    conf = fonts.use_bundled_fonts_only()
    assert os.environ["FONTCONFIG_FILE"] == str(conf)
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(tmp_path)}
    listed = subprocess.run(
        ["fc-list", "--format", "%{file}\n"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    folders = [folder.resolve() for folder in fonts.font_dirs()]
    assert listed
    for file in listed:
        assert Path(file).resolve().parent in folders, file
        assert file.endswith(".ttf"), file
    match = subprocess.run(
        ["fc-match", "--format", "%{family}", "DejaVu Sans"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert match.startswith("Lato")
