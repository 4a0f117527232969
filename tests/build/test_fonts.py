"""The bundled fonts: where they come from and which characters they cover."""

from __future__ import annotations

import base64
import io
import subprocess
import sys

import font_lato
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


def test_white_space_and_invisible_characters_are_ignored() -> None:
    assert fonts.missing_glyphs("a\tb\nc\u00a0d\u200be\u2009f") == []


def test_a_combining_accent_counts_as_the_composed_letter() -> None:
    assert fonts.missing_glyphs("Cafe\u0301") == []


def test_cjk_and_emoji_are_reported_once_each_in_order() -> None:
    assert fonts.missing_glyphs("東京 and 🚀 then 東 again 😀") == [
        "東",
        "京",
        "🚀",
        "😀",
    ]
