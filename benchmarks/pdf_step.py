"""The cost of one PDF: playbook's PDF step against WeasyPrint alone, in one process.

For each motion of a project, times two things on the same HTML:

- playbook: what `Renderer.render_motion` does for `playbook.pdf` (glyph
  check, partner view, template, fetcher, PDF/UA-1 layout and writing,
  metadata, problem collection);
- weasyprint: `weasyprint.HTML(string=html).write_pdf(...)` on the HTML
  `Renderer.print_html` returns, with the same parsed print stylesheet, font
  configuration, fetcher and PDF options, so only playbook's own work differs.

The first `--plain` motions are also rendered by WeasyPrint with its default
options (no PDF/UA-1, no tags), to show what tagging costs. The two sides take
turns going first. Prints one JSON object of per-motion seconds on stdout.

    python benchmarks/pdf_step.py PROJECT [--limit 100] [--plain 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import weasyprint

from playbook.build.fetcher import make_fetcher
from playbook.build.glyphs import check_glyphs
from playbook.build.render import Renderer
from playbook.build.view import motion_view
from playbook.config import load_config
from playbook.model import Motion
from playbook.project import load_project
from playbook.summary import summary as summary_of

_UA = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def playbook_pdf(renderer: Renderer, motion: Motion) -> bytes:
    """Exactly the `playbook.pdf` part of `Renderer.render_motion`, as a build runs it.

    It calls the renderer's private PDF step: the public `render_motion` also
    writes the web page and the email, which are not part of a PDF's cost.
    """
    check_glyphs(motion)
    view = motion_view(
        motion,
        summary=summary_of(motion),
        score=None,
        source_commit=None,
        build_date=None,
    )
    view["brand"] = renderer.brand
    return renderer._pdf(motion, view, None)


def print_html(renderer: Renderer, motion: Motion) -> str:
    """The HTML the renderer lays out for `motion`'s PDF."""
    return renderer.print_html(
        motion,
        summary=summary_of(motion),
        score=None,
        source_commit=None,
        build_date=None,
    )


def weasyprint_pdf(renderer: Renderer, html: str, options: dict[str, Any]) -> bytes:
    """WeasyPrint alone on `html`, with the renderer's own stylesheet and fonts.

    The stylesheet and font configuration are the objects the renderer hands
    WeasyPrint (private attributes), parsed once as in a build.
    """
    return weasyprint.HTML(
        string=html,
        base_url=renderer.root.as_uri() + "/",
        url_fetcher=make_fetcher(renderer.root),
    ).write_pdf(
        stylesheets=[renderer._print_css],
        font_config=renderer._font_config,
        **options,
    )


def timed(work: Callable[[], bytes]) -> tuple[float, int]:
    """Seconds `work` took and the size of the PDF it made."""
    start = time.perf_counter()
    pdf = work()
    return time.perf_counter() - start, len(pdf)


def measure(project_dir: Path, limit: int, plain: int) -> dict[str, Any]:
    """Per-motion seconds and PDF sizes of both sides, on the first `limit` motions."""
    config = load_config(project_dir)
    project = load_project(config.root, [config.motions], fragments_from=config.motions)
    if not project.ok:
        raise SystemExit(f"{project_dir}: the project has invalid motions")
    renderer = Renderer(config)
    motions = [m for m in project.motions if m.status != "retired"][:limit]
    htmls = {m.id: print_html(renderer, m) for m in motions}
    # One warm-up of each side: fonts and caches load on first use.
    playbook_pdf(renderer, motions[0])
    weasyprint_pdf(renderer, htmls[motions[0].id], _UA)
    result: dict[str, Any] = {
        "ids": [],
        "playbook": [],
        "weasyprint": [],
        "plain": [],
        "playbook_bytes": [],
        "weasyprint_bytes": [],
    }
    for number, motion in enumerate(motions):
        sides = [
            ("playbook", partial(playbook_pdf, renderer, motion)),
            ("weasyprint", partial(weasyprint_pdf, renderer, htmls[motion.id], _UA)),
        ]
        for name, work in sides if number % 2 == 0 else sides[::-1]:
            seconds, size = timed(work)
            result[name].append(seconds)
            result[f"{name}_bytes"].append(size)
        result["ids"].append(motion.id)
    for motion in motions[:plain]:
        plain_pdf = partial(weasyprint_pdf, renderer, htmls[motion.id], {})
        result["plain"].append(timed(plain_pdf)[0])
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: print the measurements of a project as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="the project folder")
    parser.add_argument("--limit", type=int, default=100, help="motions to render")
    parser.add_argument(
        "--plain",
        type=int,
        default=10,
        help="motions also rendered with WeasyPrint's default options",
    )
    args = parser.parse_args(argv)
    json.dump(measure(args.project, args.limit, args.plain), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
