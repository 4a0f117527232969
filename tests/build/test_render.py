"""The kit files of one motion: a printable, tagged PDF, a web page and texts."""

from __future__ import annotations

import io
import logging
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import (
    BUILD_DATE,
    load_motion,
    make_project,
    motion_data,
    pdf_text,
    qdf,
    render,
    tool,
)
from pypdf import PdfReader

from playbook.build.render import Renderer, pdf_font_subsetter
from playbook.config import Brand, Config
from playbook.errors import BuildError
from playbook.summary import summary


def test_the_kit_holds_exactly_the_rendered_files(kit: dict[str, bytes]) -> None:
    assert sorted(kit) == ["email.txt", "playbook.html", "playbook.pdf", "summary.txt"]
    assert kit["playbook.pdf"].startswith(b"%PDF-1.7")


def test_pdf_passes_qpdf_check(kit: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "playbook.pdf"
    path.write_bytes(kit["playbook.pdf"])
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(path))


def test_pdf_text_holds_the_name_summary_and_sections(
    kit: dict[str, bytes], tmp_path: Path
) -> None:
    text = pdf_text(kit["playbook.pdf"], tmp_path)
    motion = load_motion(motion_data())
    assert motion.name in text
    assert " ".join(summary(motion).split()) in text
    for heading in (
        "When to run it",
        "Who leads",
        "The play, step by step",
        "Talk track and offer",
        "Kit contents",
        "Accountability",
        "Success metrics",
        "Lifecycle guidance",
        "Repeatability score",
    ):
        assert heading in text
    for words in (
        "Deal registration accepted",
        "48 hours",
        "Channel operations",
        "at most 30 days",
        "at least 35% per quarter",
        "Partner AE",
        "assets/pitch-deck.md",
        "Page 3 of",
        "VARs (value-added reseller)",
    ):
        assert words in text
    # A long link may wrap, so compare it without the line break.
    assert "https://partners.example.com/cases/retail" in "".join(text.split())


def test_pdf_embeds_only_the_bundled_lato_fonts(
    kit: dict[str, bytes], tmp_path: Path
) -> None:
    path = tmp_path / "playbook.pdf"
    path.write_bytes(kit["playbook.pdf"])
    rows = tool("pdffonts", str(path)).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert name.split("+")[-1].startswith("Lato"), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_pdf_metadata_comes_from_the_motion(kit: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(kit["playbook.pdf"]))
    info = reader.metadata
    motion = load_motion(motion_data())
    assert info.title == "Hardware Refresh for VARs"
    assert info.author == "Dana Whitfield"
    assert info.subject == summary(motion)
    assert info["/Keywords"] == "networking, refresh, hardware"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20260501"


def test_pdf_author_falls_back_to_the_brand(renderer: Renderer) -> None:
    pdf = render(renderer, load_motion(motion_data(owner=None)))["playbook.pdf"]
    assert PdfReader(io.BytesIO(pdf)).metadata.author == "Northwind"


def test_pdf_is_tagged_for_accessibility(kit: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(kit["playbook.pdf"]))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp


def test_pdf_bookmarks_nest_sections_under_the_motion(kit: dict[str, bytes]) -> None:
    outline = PdfReader(io.BytesIO(kit["playbook.pdf"])).outline
    assert outline[0].title == "Hardware Refresh for VARs"
    sections = [item.title for item in outline[1] if not isinstance(item, list)]
    assert sections[:3] == ["When to run it", "Who leads", "The play, step by step"]
    assert "Contents" not in sections


def test_pdf_holds_no_machine_paths(
    kit: dict[str, bytes], tmp_path: Path, project: Path
) -> None:
    data = qdf(kit["playbook.pdf"], tmp_path)
    assert b"file:" not in data
    assert str(project).encode() not in data


def test_fonts_are_subset_with_harfbuzz_here() -> None:
    # The fontTools fallback is pinned by SOURCE_DATE_EPOCH; HarfBuzz needs nothing.
    assert pdf_font_subsetter() == "harfbuzz"


def test_summary_txt_is_the_sentence_and_a_newline(kit: dict[str, bytes]) -> None:
    motion = load_motion(motion_data())
    assert kit["summary.txt"] == f"{summary(motion)}\n".encode()


def test_email_is_written_from_the_pitch_and_offer(kit: dict[str, bytes]) -> None:
    email = kit["email.txt"].decode("utf-8")
    assert email.startswith("Subject: A 15% refresh discount for orders this quarter\n")
    assert "because a planned refresh costs less than the next outage." in email
    assert "Together with Northwind, we can offer you a 15% refresh discount" in email
    assert "The offer is open until 2027-03-31." in email
    assert "\n\n\n" not in email and "[" not in email
    assert "Hello {{first_name}},\n" in email
    assert email.endswith(
        "{{sender_name}}\n{{sender_title}}, {{partner_name}}, "
        "in partnership with Northwind\n"
    )


def _email_asset(audience: str) -> dict:
    return {
        "type": "email-copy",
        "title": "Joint email",
        "audience": audience,
        "file": "assets/refresh/email.md",
    }


def test_email_copy_file_is_used_as_written(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "assets" / "refresh" / "email.md").write_bytes(
        b"\xef\xbb\xbfSubject: Refresh\r\n\r\nHello,  \r\nbye\r\n\r\n"
    )
    data = motion_data()
    data["assets"] = [*data["assets"], _email_asset("partner")]
    kit = render(Renderer(Config(root=root)), load_motion(data))
    assert kit["email.txt"] == b"Subject: Refresh\n\nHello,\nbye\n"


def test_internal_email_copy_is_never_used(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "assets" / "refresh" / "email.md").write_text("SECRET EMAIL\n")
    data = motion_data()
    data["assets"] = [*data["assets"], _email_asset("internal")]
    kit = render(Renderer(Config(root=root)), load_motion(data))
    assert b"SECRET" not in kit["email.txt"]
    assert kit["email.txt"].startswith(b"Subject: A 15% refresh discount")


def test_missing_email_copy_file_fails_with_its_position(tmp_path: Path) -> None:
    data = motion_data()
    data["assets"] = [*data["assets"], _email_asset("partner")]
    motion = load_motion(data)
    mark = motion.where(("assets", 3))
    with pytest.raises(BuildError) as error:
        render(Renderer(Config(root=make_project(tmp_path))), motion)
    assert str(error.value.message).startswith(
        f"motions/m.yaml:{mark.line}:{mark.col}:"
    )
    assert "assets/refresh/email.md" in error.value.message


class _Tags(HTMLParser):
    """Collects start tags with their attributes, and all text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(data: bytes) -> _Tags:
    """Parse an HTML page with the standard library parser."""
    parser = _Tags()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return parser


def test_web_page_is_one_self_contained_file(kit: dict[str, bytes]) -> None:
    page = parse_html(kit["playbook.html"])
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names
    assert ("html", {"lang": "en"}) in page.tags
    assert (
        "meta",
        {"name": "viewport", "content": "width=device-width, initial-scale=1"},
    ) in page.tags
    for tag, attrs in page.tags:
        for key in ("src", "href"):
            url = attrs.get(key)
            if url is None:
                continue
            assert url.startswith(("#", "data:", "https://")) or url in (
                "playbook.pdf",
                "email.txt",
                "assets/pitch-deck.md",
            ), (tag, url)
    assert b"url(http" not in kit["playbook.html"]
    assert b"@import" not in kit["playbook.html"]


def test_web_page_shows_the_motion(kit: dict[str, bytes]) -> None:
    text = " ".join("".join(parse_html(kit["playbook.html"]).text).split())
    assert "Hardware Refresh for VARs" in text
    assert summary(load_motion(motion_data())) in text
    assert "Deal registration accepted" in text


def test_rendering_logs_no_warnings(
    renderer: Renderer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="weasyprint")
    render(renderer, load_motion(motion_data()))
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert problems == []


def test_a_draft_motion_says_so_and_a_missing_score_is_left_out(
    renderer: Renderer, tmp_path: Path
) -> None:
    kit = render(renderer, load_motion(motion_data(status="draft")), score=None)
    text = pdf_text(kit["playbook.pdf"], tmp_path)
    assert "Draft" in text
    assert "Repeatability score" not in text
    assert b"Repeatability score" not in kit["playbook.html"]


def test_a_sparse_motion_still_renders(renderer: Renderer, tmp_path: Path) -> None:
    data = {
        key: motion_data()[key]
        for key in ("id", "name", "version", "status", "domain", "lifecycle")
    }
    motion = load_motion(data)
    kit = renderer.render_motion(
        motion, summary=summary(motion), score=None, source_commit=None, build_date=None
    )
    text = pdf_text(kit["playbook.pdf"], tmp_path)
    assert "No steps are written yet." in text
    assert "/CreationDate" not in str(
        PdfReader(io.BytesIO(kit["playbook.pdf"])).metadata
    )
    assert kit["email.txt"].startswith(b"Subject: Hardware Refresh for VARs\n")


def test_project_templates_override_the_bundled_ones(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "email.txt.j2").write_text(
        "Hi from {{ brand.name }} about {{ motion.name }}\n", encoding="utf-8"
    )
    kit = render(
        Renderer(Config(root=root, brand=Brand(name="Acme"))),
        load_motion(motion_data()),
    )
    assert kit["email.txt"] == b"Hi from Acme about Hardware Refresh for VARs\n"


def _override_pdf_template(root: Path, body: str) -> Renderer:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "playbook.html.j2").write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>{{{{ motion.name }}}}</title>'
        f"</head><body><h1>{{{{ motion.name }}}}</h1>{body}</body></html>",
        encoding="utf-8",
    )
    return Renderer(Config(root=root))


@pytest.mark.parametrize(
    "src",
    [
        "http://127.0.0.1:9/pixel.png",
        "https://example.com/pixel.png",
        "file:///etc/hostname",
        "../outside.png",
    ],
)
def test_a_template_reaching_outside_fails_the_build(tmp_path: Path, src: str) -> None:
    root = make_project(tmp_path / "project")
    (tmp_path / "outside.png").write_bytes(b"not really")
    renderer = _override_pdf_template(root, f'<img src="{src}" alt="x">')
    with pytest.raises(BuildError) as error:
        render(renderer, load_motion(motion_data()))
    message = error.value.message
    assert message.startswith("motions/m.yaml: the playbook refers to ")
    assert "which a build may not read" in message


def test_a_template_may_use_images_inside_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10" fill="#0b4f8a"/></svg>'
    )
    (root / "assets" / "mark.svg").write_text(svg, encoding="utf-8")
    renderer = _override_pdf_template(root, '<img src="assets/mark.svg" alt="mark">')
    pdf = render(renderer, load_motion(motion_data()))["playbook.pdf"]
    assert pdf.startswith(b"%PDF")


def test_a_broken_image_fails_the_build_instead_of_leaving_a_hole(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_project(tmp_path)
    (root / "assets" / "broken.png").write_bytes(b"this is no image")
    renderer = _override_pdf_template(root, '<img src="assets/broken.png" alt="x">')
    with pytest.raises(
        BuildError, match="rendering the playbook of motions/m.yaml failed: "
    ):
        render(renderer, load_motion(motion_data()))
    caplog.clear()


def test_build_date_is_the_only_date(kit: dict[str, bytes]) -> None:
    assert BUILD_DATE.isoformat().encode() in kit["playbook.html"]


def test_a_broken_template_is_reported_by_each_render(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "page.html.j2").write_text("<p>\n{% if %}</p>\n")
    renderer = Renderer(Config(root=root))
    with pytest.raises(BuildError) as error:
        render(renderer, load_motion(motion_data()))
    assert error.value.message.startswith("templates/page.html.j2:2: template error: ")


def test_an_undefined_name_in_a_template_fails_clearly(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "email.txt.j2").write_text("{{ motion.internal }}\n")
    with pytest.raises(
        BuildError,
        match="^templates/email.txt.j2:1: template error while rendering the email "
        "of motions/m.yaml: .*internal",
    ):
        render(Renderer(Config(root=root)), load_motion(motion_data()))


def test_brand_details_print_with_lato_only(tmp_path: Path) -> None:
    brand = Brand(
        name="Acme Networks",
        website="https://acme.example",
        contact="partners@acme.example",
        primary="#7a1f5c",
        accent="#2a9d8f",
    )
    root = make_project(tmp_path)
    kit = render(Renderer(Config(root=root, brand=brand)), load_motion(motion_data()))
    path = tmp_path / "brand.pdf"
    path.write_bytes(kit["playbook.pdf"])
    fonts = [row.split()[0] for row in tool("pdffonts", str(path)).splitlines()[2:]]
    assert fonts and all("+Lato" in name for name in fonts)
    text = pdf_text(kit["playbook.pdf"], tmp_path)
    assert "https://acme.example · partners@acme.example" in text
    assert "Acme Networks partner playbook" in text
    assert b"#7a1f5c" in kit["playbook.html"]


def test_asset_links_are_percent_encoded_per_path_segment(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    name = "dëck #1 (final) 100%.md"
    (root / "assets" / "refresh" / name).write_text("# Deck\n", encoding="utf-8")
    data = motion_data()
    data["assets"][0]["file"] = f"assets/refresh/{name}"
    kit = render(Renderer(Config(root=root)), load_motion(data))
    page = parse_html(kit["playbook.html"])
    hrefs = [a["href"] for t, a in page.tags if t == "a" and "100" in a["href"]]
    assert hrefs == ["assets/d%C3%ABck%20%231%20%28final%29%20100%25.md"]
    assert unquote(hrefs[0]) == f"assets/{name}"
    assert f"assets/{name}" in "".join(page.text)


def _footer_lines(page: bytes) -> list[str]:
    html = page.decode("utf-8")
    footer = html[html.index("<footer") : html.index("</footer>")]
    text = "".join(parse_html(footer.encode()).text)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_web_page_footer_sentences_are_spaced(tmp_path: Path) -> None:
    brand = Brand(website="https://partners.example.com", contact="p@example.com")
    root = make_project(tmp_path)
    kit = render(Renderer(Config(root=root, brand=brand)), load_motion(motion_data()))
    assert _footer_lines(kit["playbook.html"]) == [
        "Motion hardware-refresh version 1.2.0, built 2026-05-01 from commit "
        "0123456789ab.",
        "Questions: Dana Whitfield <dana.whitfield@example.com>.",
        "https://partners.example.com · p@example.com",
    ]
    assert b"&gt;.https" not in kit["playbook.html"]
