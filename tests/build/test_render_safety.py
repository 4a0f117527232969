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
from playbook.errors import ConfigError, InvalidInput

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
    """The first finding of a motion the fonts cannot print, as the CLI shows it."""
    with pytest.raises(InvalidInput) as error:
        render(renderer, load_motion(data))
    return error.value.findings[0].as_text()


def test_a_cjk_name_is_refused_naming_the_character_and_place(
    renderer: Renderer,
) -> None:
    data = motion_data(name="Refresh 東")
    mark = load_motion(data).where(("name",))
    message = _glyph_error(renderer, data)
    assert message.startswith(f"motions/m.yaml:{mark.line}:{mark.col}: error: ")
    assert "the character '東' (U+6771) in `name` has no glyph" in message
    assert message.endswith("[build/glyph]")


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
    with pytest.raises(ConfigError) as error:
        render(renderer, load_motion(motion_data()))
    assert "the character '北' (U+5317) in `brand.name`" in error.value.message


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
    with pytest.raises(ConfigError) as error:
        render(renderer, load_motion(motion_data()))
    message = error.value.message
    assert message.startswith(f"{root / 'playbook.toml'}:2: the brand logo `{logo}`")
    assert "put the logo file inside the project" in message
    with pytest.raises(ConfigError):
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


def _logo_renderer(root: Path, logo: str) -> Renderer:
    (root / "playbook.toml").write_text(f'[brand]\nlogo = "{logo}"\n')
    return Renderer(
        Config(
            root=root,
            file=root / "playbook.toml",
            text=(root / "playbook.toml").read_text(),
            brand=Brand(logo=logo),
        )
    )


def _config_error(renderer: Renderer) -> str:
    with pytest.raises(ConfigError) as error:
        render(renderer, load_motion(motion_data()))
    with pytest.raises(ConfigError):
        renderer.render_catalog([], build_date=None)
    return error.value.message


@pytest.mark.parametrize(
    "content",
    [b"just some text\n" * 500, b"%PDF-1.7\n", b"", b"<html><svg></svg></html>"],
    ids=["text", "pdf", "empty", "html"],
)
def test_a_logo_that_is_no_image_is_a_configuration_error(
    tmp_path: Path, content: bytes
) -> None:
    root = make_project(tmp_path)
    (root / "brand").mkdir()
    (root / "brand" / "logo.png").write_bytes(content)
    message = _config_error(_logo_renderer(root, "brand/logo.png"))
    assert message == (
        f"{root / 'playbook.toml'}:2: brand.logo `brand/logo.png` is not a PNG, "
        "JPEG, GIF or SVG image"
    )


def test_a_broken_image_logo_is_named_without_its_data(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 5000)
    message = _config_error(_logo_renderer(root, "logo.png"))
    assert message.startswith(
        f"{root / 'playbook.toml'}:2: brand.logo `logo.png` cannot be drawn: "
    )
    assert len(message) < 400 and "xxxxxxxxxx" not in message


@pytest.mark.parametrize(
    "href", ["file:///etc/hostname", "http://127.0.0.1:9/pixel.png", "mark.svg"]
)
def test_an_svg_logo_that_loads_other_files_names_the_setting(
    tmp_path: Path, href: str
) -> None:
    root = make_project(tmp_path)
    (root / "mark.svg").write_text(_SVG.format(body=_RECT))
    image = f'<image href="{href}" width="10" height="10"/>'
    (root / "logo.svg").write_text(_SVG.format(body=image))
    message = _config_error(_logo_renderer(root, "logo.svg"))
    assert message.startswith(f"{root / 'playbook.toml'}:2: brand.logo `logo.svg` ")
    assert "motions/" not in message and "data:" not in message


_SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- the mark -->\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">{body}</svg>\n'
)
_RECT = '<rect width="40" height="10" fill="#0b4f8a"/>'


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("logo.svg", _SVG.format(body=_RECT).encode(), "image/svg+xml"),
        ("logo.img", _SVG.format(body=_RECT).encode(), "image/svg+xml"),
        ("logo.svg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    ],
)
def test_a_logo_is_typed_by_its_content(
    tmp_path: Path, name: str, content: bytes, mime: str
) -> None:
    root = make_project(tmp_path)
    if mime == "image/gif":
        Image.new("RGB", (4, 4), "red").save(root / name, format="GIF")
    else:
        (root / name).write_bytes(content)
    kit = render(_logo_renderer(root, name), load_motion(motion_data()))
    images = [a for t, a in parse_html(kit["playbook.html"]).tags if t == "img"]
    assert images[0]["src"].startswith(f"data:{mime};base64,")
