"""The catalog page: every kit, relative links only, escaped, self-contained."""

from __future__ import annotations

from datetime import date

from test_render import parse_html

from playbook.build.render import Renderer

ENTRIES = [
    {
        "id": "hardware-refresh",
        "name": "Hardware Refresh for VARs",
        "version": "1.2.0",
        "status": "active",
        "domain": "hardware",
        "lifecycle": "activate",
        "lead": ["var"],
        "support": ["distributor"],
        "summary": "When gear ages, VARs call the IT manager.",
        "score": 87,
        "files": ["playbook.pdf", "playbook.html", "summary.txt", "email.txt"],
        "zip": "kits/hardware-refresh.zip",
    },
    {
        "id": "ai-jumpstart",
        "name": 'AI <script>alert("x")</script> & "Jumpstart"',
        "version": "0.3.0",
        "status": "draft",
        "domain": "data-ai",
        "lifecycle": "recruit",
        "lead": ["si", "consultancy"],
        "support": [],
        "summary": "Say {{ 7*7 }} <b>bold</b>",
        "score": None,
        "files": ["playbook.pdf", "playbook.html"],
        "zip": "kits/ai-jumpstart.zip",
    },
]


def _catalog(renderer: Renderer, entries: list[dict] = ENTRIES) -> bytes:
    return renderer.render_catalog(entries, build_date=date(2026, 5, 1))


def test_every_kit_links_to_its_files_relatively(renderer: Renderer) -> None:
    page = parse_html(_catalog(renderer))
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    for kit in ("hardware-refresh", "ai-jumpstart"):
        assert f"kits/{kit}/playbook.pdf" in hrefs
        assert f"kits/{kit}/playbook.html" in hrefs
        assert f"kits/{kit}.zip" in hrefs
    assert all(
        not h.startswith(("/", "http", "file:")) and "://" not in h for h in hrefs
    )


def test_the_page_needs_nothing_else(renderer: Renderer) -> None:
    html = _catalog(renderer)
    page = parse_html(html)
    names = [tag for tag, _ in page.tags]
    assert "link" not in names and "img" not in names
    assert [attrs for tag, attrs in page.tags if tag == "script"] == [{}]
    assert b"url(http" not in html and b"@import" not in html
    assert ("html", {"lang": "en"}) in page.tags


def test_everything_from_entries_is_escaped(renderer: Renderer) -> None:
    html = _catalog(renderer)
    page = parse_html(html)
    text = "".join(page.text)
    assert 'AI <script>alert("x")</script> & "Jumpstart"' in text
    assert "Say {{ 7*7 }} <b>bold</b>" in text
    assert [tag for tag, _ in page.tags].count("script") == 1
    assert "b" not in [tag for tag, _ in page.tags]


def test_cards_carry_filter_keys_and_choices(renderer: Renderer) -> None:
    page = parse_html(_catalog(renderer))
    cards = {attrs["id"]: attrs for tag, attrs in page.tags if tag == "article"}
    assert cards["kit-ai-jumpstart"]["data-domain"] == "data-ai"
    assert cards["kit-ai-jumpstart"]["data-lifecycle"] == "recruit"
    assert cards["kit-ai-jumpstart"]["data-partners"] == "consultancy si"
    options = [attrs["value"] for tag, attrs in page.tags if tag == "option"]
    assert options == [
        "",
        "data-ai",
        "hardware",
        "",
        "recruit",
        "activate",
        "",
        "consultancy",
        "distributor",
        "si",
        "var",
    ]


def test_without_javascript_every_kit_shows(renderer: Renderer) -> None:
    page = parse_html(_catalog(renderer))
    articles = [attrs for tag, attrs in page.tags if tag == "article"]
    assert len(articles) == 2 and all("hidden" not in a for a in articles)
    form = next(attrs for tag, attrs in page.tags if tag == "form")
    assert "hidden" in form


def test_score_status_and_words_are_shown(renderer: Renderer) -> None:
    text = " ".join("".join(parse_html(_catalog(renderer)).text).split())
    assert "87/100" in text
    assert "Draft" in text
    assert "Data & AI" in text
    assert "System integrators, Consultancies" in text
    assert "Built 2026-05-01" in text


def test_odd_ids_are_percent_encoded(renderer: Renderer) -> None:
    entry = {**ENTRIES[0], "id": "a b?c", "zip": "kits/a b?c.zip"}
    page = parse_html(_catalog(renderer, [entry]))
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert "kits/a%20b%3Fc/playbook.pdf" in hrefs
    assert "kits/a%20b%3Fc.zip" in hrefs


def test_build_relative_file_paths_are_understood_too(renderer: Renderer) -> None:
    entry = {
        **ENTRIES[0],
        "files": [
            "kits/hardware-refresh/playbook.pdf",
            "kits/hardware-refresh/playbook.html",
        ],
    }
    page = parse_html(_catalog(renderer, [entry]))
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert "kits/hardware-refresh/playbook.pdf" in hrefs
    assert "kits/hardware-refresh/playbook.html" in hrefs


def test_an_empty_catalog_says_so(renderer: Renderer) -> None:
    text = "".join(parse_html(_catalog(renderer, [])).text)
    assert "No kits have been built yet." in text


def test_the_catalog_is_deterministic(renderer: Renderer) -> None:
    assert _catalog(renderer) == _catalog(renderer)
