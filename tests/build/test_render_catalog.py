"""The catalog page: every kit, relative links only, escaped, self-contained."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

from test_render import parse_html

from playbook.build.render import Renderer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

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
        "tags": ["networking", "end-of-support"],
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


def test_tags_show_on_their_card_so_the_search_finds_them(
    renderer: Renderer,
) -> None:
    page = parse_html(_catalog(renderer))
    lists = [attrs for tag, attrs in page.tags if tag == "ul"]
    assert lists == [{"class": "tags", "aria-label": "Tags"}]
    text = " ".join("".join(page.text).split())
    assert "networking end-of-support" in text


# Runs inside the catalog, in a 390 px wide frame: measure the search box,
# then search for a tag, and report both to the page around the frame.
PROBE = """
document.fonts.ready.then(function () {
  var form = document.getElementById("filters");
  var input = form.elements.q;
  var style = getComputedStyle(input);
  var context = document.createElement("canvas").getContext("2d");
  context.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
  var room = input.clientWidth - parseFloat(style.paddingLeft) -
    parseFloat(style.paddingRight);
  var ratio = room / context.measureText(input.placeholder).width;
  input.value = "END-OF";
  form.dispatchEvent(new Event("input"));
  var shown = Array.prototype.filter.call(
    document.querySelectorAll(".kit"), function (kit) { return !kit.hidden; });
  parent.document.body.setAttribute("data-probe", JSON.stringify({
    width: window.innerWidth, ratio: ratio,
    shown: shown.map(function (kit) { return kit.id; })
  }));
});
"""


def _probe_at_390(page: bytes, tmp_path: Path) -> dict:
    """Open the catalog in headless Chromium, 390 px wide, and run PROBE in it."""
    assert CHROMIUM, "chromium is installed by ./dev test"
    inner = page.decode("utf-8").replace("</body>", f"<script>{PROBE}</script></body>")
    host = tmp_path / "host.html"
    host.write_text(
        '<!DOCTYPE html><html><body><iframe width="390" height="900" '
        f'srcdoc="{html.escape(inner, quote=True)}"></iframe></body></html>',
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=800,1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            host.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = parse_html(done.stdout.encode("utf-8"))
    body = next(attrs for tag, attrs in dom.tags if tag == "body")
    assert "data-probe" in body, done.stderr[-2000:]
    return json.loads(body["data-probe"])


def test_on_a_phone_the_search_fits_and_finds_tags(
    renderer: Renderer, tmp_path: Path
) -> None:
    probe = _probe_at_390(_catalog(renderer), tmp_path)
    assert probe["width"] == 390
    assert probe["ratio"] > 1.25, "the search placeholder is (nearly) cut off"
    assert probe["shown"] == ["kit-hardware-refresh"]
