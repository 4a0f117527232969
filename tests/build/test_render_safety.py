"""What must never happen in a kit: internal text, live markup, missing glyphs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import (
    CANARY,
    load_motion,
    make_project,
    motion_data,
    pdf_text,
    qdf,
    render,
)
from PIL import Image
from pypdf import PdfReader
from test_render import parse_html

from playbook.build.render import Renderer
from playbook.config import Brand, Config
from playbook.errors import BuildError

MARKUP = "Deal <img src=x onerror=alert(1)> {{ 7*7 }} {% if x %}"
FETCHED = "<img src=file:///etc/passwd>"


def test_internal_content_never_reaches_a_kit_file(
    kit: dict[str, bytes], tmp_path: Path
) -> None:
    assert CANARY not in pdf_text(kit["playbook.pdf"], tmp_path)
    assert CANARY.encode() not in qdf(kit["playbook.pdf"], tmp_path)
    for name in ("playbook.html", "summary.txt", "email.txt"):
        assert CANARY.encode() not in kit[name], name


def test_internal_assets_are_not_listed_in_the_kit(kit: dict[str, bytes]) -> None:
    assert b"internal-battlecard" not in kit["playbook.html"]
    assert b"Margin battlecard" not in kit["playbook.html"]


def _markup_motion() -> dict:
    data = motion_data(name=f"Refresh {MARKUP}")
    data["pitch"] = {**data["pitch"], "say": f"a refresh pays {FETCHED}"}
    data["steps"][0]["action"] = f"Call them {MARKUP}"
    data["assets"][0]["title"] = f"Deck {MARKUP}"
    return data


def test_markup_and_braces_in_motion_text_print_as_written(
    renderer: Renderer, tmp_path: Path
) -> None:
    kit = render(renderer, load_motion(_markup_motion()))
    text = pdf_text(kit["playbook.pdf"], tmp_path)
    assert f"Refresh {MARKUP}" in text
    assert f"Call them {MARKUP}" in text
    assert FETCHED in text
    page = parse_html(kit["playbook.html"])
    assert MARKUP in "".join(page.text)
    assert [tag for tag, _ in page.tags if tag in ("img", "script")] == []
    assert "Deal <img src=x onerror=alert(1)> 49" not in text
    assert FETCHED in kit["email.txt"].decode("utf-8")


def test_a_template_sees_text_never_source(renderer: Renderer) -> None:
    data = motion_data(name="{{ brand.name }} {% raw %}")
    kit = render(renderer, load_motion(data))
    assert b"{{ brand.name }} {% raw %}" in kit["playbook.html"]


def _glyph_error(renderer: Renderer, data: dict) -> str:
    with pytest.raises(BuildError) as error:
        render(renderer, load_motion(data))
    return error.value.message


def test_a_cjk_name_is_refused_naming_the_character_and_place(
    renderer: Renderer,
) -> None:
    data = motion_data(name="Refresh 東京")
    mark = load_motion(data).where(("name",))
    message = _glyph_error(renderer, data)
    assert message.startswith(f"motions/m.yaml:{mark.line}:{mark.col}: ")
    assert "the character '東' (U+6771) in `name` has no glyph" in message


def test_an_emoji_in_a_step_is_refused_at_that_step(renderer: Renderer) -> None:
    data = motion_data()
    data["steps"][1]["action"] = "Register the deal 🚀 fast."
    mark = load_motion(data).where(("steps", 1, "action"))
    message = _glyph_error(renderer, data)
    assert message.startswith(f"motions/m.yaml:{mark.line}:{mark.col}: ")
    assert "'🚀' (U+1F680) in the action of step 2" in message


@pytest.mark.parametrize(
    "field", [("trigger", "event"), ("offer", "terms"), ("pitch", "who")]
)
def test_every_partner_field_is_checked(renderer: Renderer, field: tuple) -> None:
    data = motion_data()
    data[field[0]][field[1]] = "Zürich ☃"
    message = _glyph_error(renderer, data)
    assert f"U+2603) in `{field[0]}.{field[1]}`" in message


def test_internal_fields_may_use_any_character(renderer: Renderer) -> None:
    data = motion_data()
    data["internal"]["notes"] = "内部メモ 🚀"
    assert render(renderer, load_motion(data))["playbook.pdf"].startswith(b"%PDF")


def test_accented_text_renders_and_can_be_extracted(
    renderer: Renderer, tmp_path: Path
) -> None:
    data = motion_data(name="Café Zürich Ångström")
    data["trigger"]["need"] = "renouveler le réseau de l'entrepôt à Łódź"
    kit = render(renderer, load_motion(data))
    text = pdf_text(kit["playbook.pdf"], tmp_path)
    assert "Café Zürich Ångström" in text
    assert "renouveler le réseau de l'entrepôt à Łódź" in text
    assert "Café Zürich Ångström".encode() in kit["playbook.html"]


def test_a_brand_name_without_glyphs_is_refused(project: Path) -> None:
    renderer = Renderer(Config(root=project, brand=Brand(name="北風")))
    message = _glyph_error(renderer, motion_data())
    assert "the character '北' (U+5317) in `brand.name`" in message


@pytest.mark.parametrize(
    "logo", ["../logo.png", "/etc/hostname", "link.png", "missing.png"]
)
def test_a_logo_outside_the_project_fails_with_a_clear_message(
    tmp_path: Path, logo: str
) -> None:
    root = make_project(tmp_path / "project")
    Image.new("RGB", (4, 4), "red").save(tmp_path / "logo.png")
    (root / "link.png").symlink_to(tmp_path / "logo.png")
    (root / "playbook.toml").write_text(f'[brand]\nlogo = "{logo}"\n')
    config = Config(
        root=root,
        file=root / "playbook.toml",
        text=(root / "playbook.toml").read_text(),
        brand=Brand(logo=logo),
    )
    renderer = Renderer(config)
    message = _glyph_error(renderer, motion_data())
    assert message.startswith(f"{root / 'playbook.toml'}:2: the brand logo `{logo}`")
    assert "put the logo file inside the project" in message
    with pytest.raises(BuildError):
        renderer.render_catalog([], build_date=None)


def test_a_logo_inside_the_project_is_embedded(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    Image.new("RGB", (40, 10), "#0b4f8a").save(root / "assets" / "logo.png")
    renderer = Renderer(Config(root=root, brand=Brand(logo="assets/logo.png")))
    kit = render(renderer, load_motion(motion_data()))
    images = [
        attrs for tag, attrs in parse_html(kit["playbook.html"]).tags if tag == "img"
    ]
    assert len(images) == 1
    assert images[0]["src"].startswith("data:image/png;base64,")
    assert images[0]["alt"] == "Northwind logo"
    page = PdfReader(io.BytesIO(kit["playbook.pdf"])).pages[0]
    assert len(page.images) == 1
