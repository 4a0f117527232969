"""Fonts in a rendered kit: bundled ones only, a fallback for more Latin letters.

Also what happens when a template asks WeasyPrint for a font it may not
have: a clear error naming the file, never a traceback or a system font.
"""

from __future__ import annotations

import io
import logging
import pickle
from pathlib import Path

import pytest
import weasyprint
from conftest import load_motion, make_project, motion_data, pdf_text, render, tool

from playbook.build import fonts
from playbook.build.glyphs import UnprintableText
from playbook.build.render import Renderer
from playbook.config import Config
from playbook.errors import BuildError, InvalidInput
from playbook.resources import bundled

SYSTEM_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTERS = "Frissítés ő ș ț ğ İ ā"


def _pdf_fonts(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    rows = tool("pdffonts", str(path)).splitlines()[2:]
    return [row.split()[0].split("+")[-1] for row in rows]


def _with_print_css(root: Path, extra: str) -> Renderer:
    (root / "templates").mkdir(exist_ok=True)
    css = (bundled("templates") / "print.css.j2").read_text(encoding="utf-8")
    (root / "templates" / "print.css.j2").write_text(css + extra, encoding="utf-8")
    return Renderer(Config(root=root))


def test_letters_lato_lacks_print_with_the_bundled_fallback(
    renderer: Renderer, tmp_path: Path
) -> None:
    data = motion_data(name=LETTERS)
    data["trigger"]["need"] = "Győr, Timișoara, Ağrı and Rīga"
    kit = render(renderer, load_motion(data))
    text = pdf_text(kit["playbook.pdf"], tmp_path)
    assert LETTERS in text and "Győr, Timișoara, Ağrı and Rīga" in text
    names = _pdf_fonts(kit["playbook.pdf"], tmp_path)
    assert any(name.startswith("Source-Sans-Pro") for name in names), names
    assert all(name.startswith(("Lato", "Source-Sans-Pro")) for name in names)
    page = kit["playbook.html"].decode("utf-8")
    assert LETTERS in page
    assert 'font-family: "Source Sans Pro";' in page


def test_a_latin_only_kit_embeds_lato_alone(
    kit: dict[str, bytes], tmp_path: Path
) -> None:
    assert all(n.startswith("Lato") for n in _pdf_fonts(kit["playbook.pdf"], tmp_path))
    assert b'Source Sans Pro";\n  font-weight' not in kit["playbook.html"]


def test_a_template_naming_a_system_font_still_gets_a_bundled_one(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    renderer = _with_print_css(
        root, 'h1, h2, p, td, li { font-family: "DejaVu Sans", "Liberation Sans"; }\n'
    )
    pdf = render(renderer, load_motion(motion_data()))["playbook.pdf"]
    names = _pdf_fonts(pdf, tmp_path)
    assert names and all(name.startswith("Lato") for name in names), names


@pytest.mark.parametrize(
    "source",
    [f'url("file://{SYSTEM_FONT}")', 'local("DejaVu Sans")', f'url("{SYSTEM_FONT}")'],
    ids=["file-url", "local", "path"],
)
def test_a_font_face_from_outside_the_bundle_fails_the_build_cleanly(
    tmp_path: Path, source: str
) -> None:
    root = make_project(tmp_path)
    face = f"@font-face {{ font-family: Sys; src: {source}; }}"
    renderer = _with_print_css(root, f"{face}\nh1 {{ font-family: Sys }}\n")
    with pytest.raises(BuildError) as error:
        render(renderer, load_motion(motion_data()))
    assert error.value.message.startswith(
        "templates/print.css.j2: the print stylesheet"
    )
    with pytest.raises(BuildError, match="^templates/print.css.j2: "):
        renderer.render_catalog([], build_date=None)


def test_a_font_face_in_the_playbook_template_names_the_motion(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    (root / "templates").mkdir()
    html = (bundled("templates") / "playbook.html.j2").read_text(encoding="utf-8")
    style = (
        f'<style>@font-face {{ font-family: Sys; src: url("file://{SYSTEM_FONT}") }}'
    )
    (root / "templates" / "playbook.html.j2").write_text(
        html.replace("</head>", f"{style} h1 {{ font-family: Sys }}</style></head>")
    )
    with pytest.raises(BuildError) as error:
        render(Renderer(Config(root=root)), load_motion(motion_data()))
    assert error.value.message == (
        f"motions/m.yaml: the playbook refers to file://{SYSTEM_FONT}, which a "
        "build may not read: the file is outside the project folder"
    )


def test_an_exception_inside_weasyprint_names_the_motion(
    renderer: Renderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise AttributeError("'NoneType' object has no attribute 'width'")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    with pytest.raises(BuildError) as error:
        render(renderer, load_motion(motion_data()))
    assert error.value.message == (
        "rendering the playbook of motions/m.yaml failed: AttributeError: "
        "'NoneType' object has no attribute 'width'"
    )


def test_weasyprint_tracebacks_never_reach_a_log_handler(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "assets" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    (root / "templates").mkdir()
    (root / "templates" / "playbook.html.j2").write_text(
        '<html lang="en"><body><img src="assets/broken.png" alt="x"></body></html>'
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    level = weasyprint.LOGGER.level
    weasyprint.LOGGER.setLevel(logging.DEBUG)
    try:
        with pytest.raises(BuildError, match="Failed to load image at 'assets/"):
            render(Renderer(Config(root=root)), load_motion(motion_data()))
    finally:
        weasyprint.LOGGER.setLevel(level)
        logging.getLogger().removeHandler(handler)
    assert "Traceback" not in stream.getvalue()


def test_a_renderer_never_raises_whatever_weasyprint_does(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(weasyprint, "CSS", broken)
    renderer = Renderer(Config(root=project))
    with pytest.raises(BuildError) as error:
        render(renderer, load_motion(motion_data()))
    assert error.value.message.endswith(
        "print.css.j2: the print stylesheet failed: RecursionError: maximum "
        "recursion depth exceeded"
    )


def _unprintable_motion() -> dict:
    data = motion_data(name="Refresh 東京")
    data["steps"][0]["action"] = "Call 🚀 now."
    data["pitch"]["say"] = "two\u2028lines"
    data["trigger"]["need"] = "ring the \ue000 bell"
    return data


def test_every_unprintable_character_of_a_motion_is_reported(
    renderer: Renderer,
) -> None:
    motion = load_motion(_unprintable_motion())
    with pytest.raises(InvalidInput) as error:
        render(renderer, motion)
    findings = error.value.findings
    expected = [
        (("name",), "the character '東' (U+6771) in `name`"),
        (("name",), "the character '京' (U+4EAC) in `name`"),
        (("trigger", "need"), "U+E000 in `trigger.need`"),
        (("pitch", "say"), "U+2028 (LINE SEPARATOR) in `pitch.say`"),
        (("steps", 0, "action"), "'🚀' (U+1F680) in the action of step 1"),
    ]
    assert len(findings) == len(expected)
    for path, words in expected:
        mark = motion.where(path)
        place = ("motions/m.yaml", mark.line, mark.col, "build/glyph")
        assert any(
            (f.file, f.line, f.col, f.rule) == place
            and words in f.message
            and "has no glyph in the bundled fonts" in f.message
            for f in findings
        ), (path, words, findings)
    assert not any("Latin" in f.message for f in findings)


def test_glyph_findings_survive_the_trip_back_from_a_worker(
    renderer: Renderer,
) -> None:
    with pytest.raises(UnprintableText) as error:
        render(renderer, load_motion(_unprintable_motion()))
    again = pickle.loads(pickle.dumps(error.value))
    assert isinstance(again, InvalidInput)
    assert again.findings == error.value.findings
    assert again.exit_code == 1


def test_the_fallback_family_is_what_the_bundled_stylesheets_name() -> None:
    for name in ("print.css.j2", "page.css.j2", "catalog.css.j2"):
        css = (bundled("templates") / name).read_text(encoding="utf-8")
        assert fonts.FONT_STACK in css, name
