"""Turn one validated motion into the partner-facing files of its kit.

The renderer builds a *view* of the motion: plain data holding only what a
partner may see, with ids already turned into words. Templates receive that
view and never the motion itself, so vendor-only content (`internal`,
internal-audience assets) cannot reach a kit even from a user's template
override. Motion text is data, never template source: Jinja escapes it in
HTML and WeasyPrint only ever reads through the fetcher in `fetcher.py`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import weasyprint
import weasyprint.text.ffi
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    select_autoescape,
)
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from playbook import __version__
from playbook.build import catalog_page, fonts
from playbook.build.fetcher import FetchRefused, make_fetcher, resolve_inside
from playbook.build.kit import asset_names
from playbook.config import Brand, Config
from playbook.errors import BuildError
from playbook.loader import Path_
from playbook.model import (
    ACTOR_NAMES,
    PARTNER_TYPE_NAMES,
    Asset,
    Motion,
    duration_hours,
    words,
)
from playbook.resources import bundled

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "playbook.html.j2"
PAGE_TEMPLATE = "page.html.j2"
EMAIL_TEMPLATE = "email.txt.j2"
PRINT_CSS = "print.css.j2"
PAGE_CSS = "page.css.j2"
CATALOG_TEMPLATE = "catalog.html.j2"
CATALOG_CSS = "catalog.css.j2"

_HEX_DIGITS = set("0123456789abcdefABCDEF")
_MAX_EMAIL_BYTES = 1_048_576
# WeasyPrint messages that mean a resource is missing from the output.
_HOLES = ("failed to load", "cannot be loaded", "unable to", "relative uri")

PARTNER_TYPE_GLOSS = {
    "var": "value-added reseller",
    "msp": "managed service provider",
    "mssp": "managed security service provider",
    "si": "system integrator",
    "consultancy": "advisory and implementation firm",
    "distributor": "two-tier distribution partner",
    "isv": "independent software vendor",
    "cloud-marketplace": "cloud marketplace listing and resale",
}
_SPECIAL_WORDS = {
    "se": "SE",
    "mdf": "MDF",
    "roi": "ROI",
    "asp": "ASP",
    "faq": "FAQ",
    "ai": "AI",
}
_UNITS = {
    "days": "{n} days",
    "weeks": "{n} weeks",
    "percent": "{n}%",
    "partners": "{n} partners",
    "deals": "{n} deals",
    "usd": "USD {n}",
    "eur": "EUR {n}",
    "gbp": "GBP {n}",
}
_DURATION_UNITS = {"h": "hour", "d": "day", "w": "week"}
_SPECIAL_LABELS = {"partner-led-win-rate": "Partner-led win rate"}


def label(value: str) -> str:
    """Sentence-case words for an enum id: `se-assigned` -> `SE assigned`."""
    if value in _SPECIAL_LABELS:
        return _SPECIAL_LABELS[value]
    parts = [_SPECIAL_WORDS.get(part, part) for part in words(value).split(" ")]
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def duration_words(text: str) -> str:
    """A duration in words: `48h` -> `48 hours`, `1w` -> `1 week`."""
    try:
        duration_hours(text)
    except ValueError:
        return text
    count, unit = int(text[:-1]), _DURATION_UNITS[text[-1]]
    return f"{count} {unit}{'' if count == 1 else 's'}"


def number_words(value: float) -> str:
    """A number as people write it: `30`, `12.5`, `250,000`."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def target_words(target: float, unit: str, direction: str, period: str = "") -> str:
    """A metric target in words: `at most 30 days per quarter`."""
    amount = _UNITS.get(unit, "{n} " + unit).format(n=number_words(target))
    text = f"{words(direction)} {amount}"
    return f"{text} {period}".strip() if period else text


def colour(value: str, default: str) -> str:
    """`value` when it is a `#rrggbb` colour, else `default` (safe inside CSS)."""
    ok = len(value) == 7 and value[0] == "#" and set(value[1:]) <= _HEX_DIGITS
    return value.lower() if ok else default


def tint(value: str, strength: float) -> str:
    """A `#rrggbb` colour mixed with white, keeping `strength` of the colour."""
    channels = (int(value[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(255 - (255 - c) * strength) for c in channels)
    return "#" + "".join(f"{c:02x}" for c in mixed)


def phrase(text: str) -> str:
    """Text folded to one line without final punctuation, to use mid-sentence."""
    return " ".join(text.split()).rstrip(" .;:,!?")


def upfirst(text: str) -> str:
    """`text` with its first letter in upper case and the rest untouched."""
    return text[:1].upper() + text[1:]


# --- which text reaches a partner, and where it was written -----------------


def partner_texts(motion: Motion) -> Iterator[tuple[str, Path_, str]]:
    """Every partner-facing text of `motion`: (field words, source path, text)."""
    yield "`name`", ("name",), motion.name
    for i, tag in enumerate(motion.tags):
        yield f"tag {i + 1}", ("tags", i), tag
    if motion.owner:
        for key in ("name", "email", "team"):
            yield f"`owner.{key}`", ("owner", key), getattr(motion.owner, key)
    for key in ("event", "need", "window"):
        yield f"`trigger.{key}`", ("trigger", key), getattr(motion.trigger, key)
    for i, signal in enumerate(motion.trigger.signals):
        yield f"signal {i + 1}", ("trigger", "signals", i), signal
    for key in ("who", "say", "offer"):
        yield f"`pitch.{key}`", ("pitch", key), getattr(motion.pitch, key)
    for i, step in enumerate(motion.steps):
        path = step.path or ("steps", i)
        yield f"the action of step {i + 1}", (*path, "action"), step.action
    yield from _asset_texts(motion)
    for i, sla in enumerate(motion.slas):
        path = sla.path if motion.has(sla.path) else ("slas",)
        yield f"the note of SLA {i + 1}", (*path, "note"), sla.note
    for i, metric in enumerate(motion.metrics):
        path = metric.path or ("metrics", i)
        yield f"the period of metric {i + 1}", (*path, "period"), metric.period
    if motion.offer:
        for key in ("description", "terms"):
            yield f"`offer.{key}`", ("offer", key), getattr(motion.offer, key)


def _asset_texts(motion: Motion) -> Iterator[tuple[str, Path_, str]]:
    for i, asset in enumerate(motion.assets):
        if not asset.is_partner:
            continue
        shared = asset.source not in ("", motion.source)
        path = ("assets", i) if shared or not asset.path else asset.path
        where = f" (shared asset from {asset.source})" if shared else ""
        for key in ("title", "description", "file", "url"):
            label_ = f"the {key} of asset {i + 1}{where}"
            yield label_, (*path, key), getattr(asset, key)


def check_glyphs(motion: Motion) -> None:
    """Refuse a motion whose partner-facing text the bundled fonts cannot draw."""
    for field, path, text in partner_texts(motion):
        missing = fonts.missing_glyphs(text)
        if missing:
            mark = motion.where(path)
            raise BuildError(
                f"{motion.source}:{mark.line}:{mark.col}: {_glyph_message(missing[0])} "
                f"in {field} has no glyph in the bundled fonts ({fonts.FAMILY} covers "
                "Latin scripts only); write it with Latin letters or remove it"
            )


def _glyph_message(char: str) -> str:
    return f"the character '{char}' (U+{ord(char):04X})"


# --- the view: what templates see --------------------------------------------


def motion_view(
    motion: Motion,
    *,
    summary: str,
    score: int | None,
    source_commit: str | None,
    build_date: date | None,
) -> dict[str, Any]:
    """The partner-facing data of `motion`, ready for the templates."""
    placed = asset_names(motion)
    return {
        "motion": _identity(motion),
        "summary": summary,
        "score": score,
        "source_commit": (source_commit or "")[:12],
        "build_date": build_date.isoformat() if build_date else "",
        "trigger": motion.trigger,
        "lead": [_partner_type(t) for t in motion.partners.lead],
        "support": [_partner_type(t) for t in motion.partners.support],
        "roles": _roles(motion),
        "pitch": motion.pitch,
        "steps": _steps(motion),
        "assets": [_asset(a, placed) for a in motion.partner_assets],
        "slas": [_sla(s) for s in motion.slas],
        "metrics": [_metric(m) for m in motion.metrics],
        "offer": _offer(motion),
        "glance": _glance(motion),
    }


def _glance(motion: Motion) -> list[dict[str, str]]:
    """A few numbers that size up the motion at a glance, for the cover."""
    tiles = [
        {"value": str(len(motion.steps)), "label": "steps in the play"},
        {"value": str(len(motion.partner_assets)), "label": "assets in the kit"},
    ]
    if motion.slas:
        fastest = min(motion.slas, key=lambda sla: sla.hours)
        tiles.append(
            {
                "value": duration_words(fastest.within),
                "label": f"fastest SLA: {label(fastest.event).lower()}",
            }
        )
    return tiles


def _identity(motion: Motion) -> dict[str, Any]:
    owner = motion.owner
    return {
        "id": motion.id,
        "name": motion.name,
        "version": motion.version,
        "status": motion.status,
        "domain": catalog_page.domain_name(motion.domain),
        "lifecycle": motion.lifecycle,
        "lifecycle_name": label(motion.lifecycle),
        "tags": list(motion.tags),
        "review_by": motion.review_by.isoformat() if motion.review_by else "",
        "owner": (
            {"name": owner.name, "email": owner.email, "team": owner.team}
            if owner
            else None
        ),
    }


def _partner_type(type_id: str) -> dict[str, str]:
    singular, plural = PARTNER_TYPE_NAMES.get(type_id, (type_id, f"{type_id}s"))
    return {
        "id": type_id,
        "name": singular[:1].upper() + singular[1:],
        "plural": plural[:1].upper() + plural[1:],
        "gloss": PARTNER_TYPE_GLOSS.get(type_id, ""),
    }


def _roles(motion: Motion) -> list[dict[str, Any]]:
    """Who does which steps, in the order each actor first appears."""
    steps_by_actor: dict[str, list[int]] = {}
    for number, step in enumerate(motion.steps, start=1):
        if step.actor:
            steps_by_actor.setdefault(step.actor, []).append(number)
    return [
        {
            "actor": ACTOR_NAMES.get(actor, label(actor)),
            "side": "Vendor"
            if actor.startswith(("vendor-", "deal-", "channel-"))
            else "Partner",
            "steps": numbers,
        }
        for actor, numbers in steps_by_actor.items()
    ]


def _steps(motion: Motion) -> list[dict[str, str]]:
    within = {sla.event: duration_words(sla.within) for sla in motion.slas}
    return [
        {
            "actor": (
                ACTOR_NAMES.get(step.actor, label(step.actor)) if step.actor else ""
            ),
            "action": step.action,
            "sla": label(step.sla) if step.sla else "",
            "within": within.get(step.sla, ""),
        }
        for step in motion.steps
    ]


def _asset(asset: Asset, placed: dict[str, str]) -> dict[str, str]:
    """One kit entry; a file's link is where the kit places it, under assets/."""
    is_file = bool(asset.file)
    link = (
        placed.get(asset.file, f"assets/{Path(asset.file).name}")
        if is_file
        else asset.url
    )
    return {
        "title": asset.title,
        "type": label(asset.type),
        "description": asset.description,
        "language": asset.language,
        "is_file": is_file,
        "link": link,
        # Only https links become clickable; anything else is shown as text.
        "href": link if is_file or link.startswith("https://") else "",
    }


def _sla(sla: Any) -> dict[str, str]:
    return {
        "event": label(sla.event),
        "within": duration_words(sla.within),
        "owner": ACTOR_NAMES.get(sla.owner, label(sla.owner)) if sla.owner else "",
        "note": sla.note,
    }


def _metric(metric: Any) -> dict[str, str]:
    return {
        "metric": label(metric.metric),
        "target": target_words(
            metric.target, metric.unit, metric.direction, metric.period
        ),
    }


def _offer(motion: Motion) -> dict[str, str] | None:
    offer = motion.offer
    if offer is None:
        return None
    return {
        "incentive": label(offer.incentive),
        "description": offer.description,
        "terms": offer.terms,
        "expires": offer.expires.isoformat() if offer.expires else "",
    }


# --- the renderer -----------------------------------------------------------


def make_environment(config: Config) -> Environment:
    """Jinja2 environment: project templates first, then the bundled ones."""
    loader = ChoiceLoader(
        [
            FileSystemLoader(config.templates),
            FileSystemLoader(bundled("templates")),
        ]
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(
            disabled_extensions=("txt", "txt.j2", "css", "css.j2"),
            default_for_string=True,
            default=True,
        ),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        duration=duration_words, label=label, phrase=phrase, upfirst=upfirst
    )
    return env


class Renderer:
    """Renders motions into kit files; build one per worker process.

    Templates, stylesheets and fonts are loaded once here, so each motion
    only costs its own layout. Constructing a renderer never raises: a
    broken template, stylesheet or brand setting is kept and raised by every
    render instead, so a worker pool starts cleanly and reports it once per
    motion with a readable message.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = config.root.resolve()
        self.env = make_environment(config)
        self.brand, self._problem = self._brand_view(config.brand)
        try:
            self._load()
        except BuildError as problem:
            self._problem = self._problem or problem

    def _load(self) -> None:
        """Compile the templates, parse the stylesheets and load the fonts."""
        self.templates = {
            name: self._template(name)
            for name in (
                PDF_TEMPLATE,
                PAGE_TEMPLATE,
                EMAIL_TEMPLATE,
                PRINT_CSS,
                PAGE_CSS,
                CATALOG_TEMPLATE,
                CATALOG_CSS,
            )
        }
        self._font_config = FontConfiguration()
        self._print_css = self._stylesheet()
        self._page_css = Markup(fonts.web_font_css() + self._css(PAGE_CSS))
        self._catalog_css = Markup(fonts.web_font_css() + self._css(CATALOG_CSS))

    def _template(self, name: str) -> Template:
        try:
            return self.env.get_template(name)
        except TemplateError as exc:
            where = getattr(exc, "filename", None) or name
            line = getattr(exc, "lineno", None) or 1
            raise BuildError(f"{where}:{line}: template error: {exc.message}") from None

    def _css(self, name: str) -> str:
        primary = colour(self.config.brand.primary, Brand.primary)
        accent = colour(self.config.brand.accent, Brand.accent)
        return self.templates[name].render(
            primary=primary,
            accent=accent,
            primary_tint=tint(primary, 0.1),
            accent_tint=tint(accent, 0.18),
        )

    def _stylesheet(self) -> weasyprint.CSS:
        """The print stylesheet with the bundled fonts, parsed once."""
        css = fonts.print_font_css() + self._css(PRINT_CSS)
        fetcher = make_fetcher(self.root, allowed_files=set())
        with _weasyprint_problems() as problems:
            sheet = weasyprint.CSS(
                string=css,
                base_url=self.root.as_uri() + "/",
                url_fetcher=fetcher,
                font_config=self._font_config,
            )
        if problems or fetcher.refused:
            found = [str(r) for r in fetcher.refused] + problems
            raise BuildError(f"{PRINT_CSS}: the print stylesheet failed: {found[0]}")
        return sheet

    def _brand_view(self, brand: Brand) -> tuple[dict[str, str], BuildError | None]:
        """The brand as templates see it, and the problem it has, if any.

        A problem is kept rather than raised, so that constructing a renderer
        in a worker never fails; every render raises it instead.
        """
        view = {
            "name": brand.name,
            "contact": brand.contact,
            "website": brand.website,
            "primary": colour(brand.primary, Brand.primary),
            "accent": colour(brand.accent, Brand.accent),
            "logo": "",
        }
        for key in ("name", "contact", "website"):
            missing = fonts.missing_glyphs(getattr(brand, key))
            if missing:
                return view, BuildError(
                    f"{self._config_where('brand', key)}: {_glyph_message(missing[0])} "
                    f"in `brand.{key}` has no glyph in the bundled fonts"
                )
        if brand.logo:
            try:
                view["logo"] = _data_url(resolve_inside(self.root, brand.logo))
            except FetchRefused as refusal:
                return view, BuildError(
                    f"{self._config_where('brand', 'logo')}: the brand logo "
                    f"`{brand.logo}` cannot be used: {refusal.reason}; put the logo "
                    f"file inside the project folder {self.root} and name it "
                    "relative to that folder"
                )
        return view, None

    def _config_where(self, *keys: str) -> str:
        if self.config.file is None:
            return "configuration"
        return self.config.position(*keys)

    def render_motion(
        self,
        motion: Motion,
        *,
        summary: str,
        score: int | None,
        source_commit: str | None,
        build_date: date | None,
    ) -> dict[str, bytes]:
        """The kit files of `motion`: playbook.pdf, playbook.html, summary and email."""
        if self._problem:
            raise self._problem
        check_glyphs(motion)
        view = motion_view(
            motion,
            summary=summary,
            score=score,
            source_commit=source_commit,
            build_date=build_date,
        )
        view["brand"] = self.brand
        return {
            "playbook.pdf": self._pdf(motion, view, build_date),
            "playbook.html": self._page(view),
            "summary.txt": f"{' '.join(summary.split())}\n".encode(),
            "email.txt": self._email(motion, view),
        }

    def print_html(
        self,
        motion: Motion,
        *,
        summary: str,
        score: int | None,
        source_commit: str | None,
        build_date: date | None,
    ) -> str:
        """The HTML that `render_motion` lays out as `playbook.pdf`.

        WeasyPrint receives it with the print stylesheet, the bundled fonts
        and the project's fetcher; the benchmarks render it on its own to
        measure what playbook adds to the cost of a PDF.
        """
        if self._problem:
            raise self._problem
        view = motion_view(
            motion,
            summary=summary,
            score=score,
            source_commit=source_commit,
            build_date=build_date,
        )
        view.update(brand=self.brand, medium="print")
        return self._render(PDF_TEMPLATE, view, f"the playbook of {motion.source}")

    def render_catalog(self, entries: list[dict], *, build_date: date | None) -> bytes:
        """The catalog page `index.html` over all kits, with relative links only."""
        if self._problem:
            raise self._problem
        view = catalog_page.catalog_view(entries, build_date=build_date)
        view.update(brand=self.brand, css=self._catalog_css)
        html = self._render(CATALOG_TEMPLATE, view, "the catalog")
        return html.encode("utf-8")

    def _render(self, name: str, view: dict[str, Any], what: str) -> str:
        try:
            return self.templates[name].render(view)
        except TemplateError as exc:
            raise BuildError(
                f"{name}: template error while rendering {what}: {exc}"
            ) from None

    def _page(self, view: dict[str, Any]) -> bytes:
        page_view = {**view, "css": self._page_css, "medium": "web"}
        return self._render(PAGE_TEMPLATE, page_view, "the web page").encode("utf-8")

    def _email(self, motion: Motion, view: dict[str, Any]) -> bytes:
        asset = next(
            (a for a in motion.partner_assets if a.type == "email-copy" and a.file),
            None,
        )
        if asset is not None:
            text = _email_file(motion, asset, self.root)
        else:
            text = self._render(EMAIL_TEMPLATE, view, f"the email of {motion.source}")
        return tidy_text(text).encode("utf-8")

    def _pdf(
        self, motion: Motion, view: dict[str, Any], build_date: date | None
    ) -> bytes:
        pdf_view = {**view, "medium": "print"}
        html = self._render(PDF_TEMPLATE, pdf_view, f"the playbook of {motion.source}")
        fetcher = make_fetcher(self.root)
        pdf = b""
        with _weasyprint_problems() as problems:
            try:
                pdf = self._write_pdf(html, fetcher, motion, view, build_date)
            except FatalURLFetchingError as exc:
                problems.append(str(exc))
        if fetcher.refused:
            refusal = fetcher.refused[0]
            raise BuildError(
                f"{motion.source}: the playbook refers to {_short_url(refusal.url)}, "
                f"which a build may not read: {refusal.reason}"
            )
        if problems or not pdf:
            raise BuildError(
                f"{motion.source}: rendering the playbook failed: "
                f"{problems[0] if problems else 'no output'}"
            )
        return pdf

    def _write_pdf(
        self,
        html: str,
        fetcher: Any,
        motion: Motion,
        view: dict[str, Any],
        build_date: date | None,
    ) -> bytes:
        """Lay out and write the PDF: tagged PDF/UA-1, fixed dates and identifier."""
        document = weasyprint.HTML(
            string=html,
            base_url=self.root.as_uri() + "/",
            url_fetcher=fetcher,
        ).render(
            font_config=self._font_config,
            stylesheets=[self._print_css],
            pdf_variant="pdf/ua-1",
            pdf_tags=True,
        )
        _set_metadata(document.metadata, motion, view, build_date)
        with _font_clock(build_date):
            return document.write_pdf(
                pdf_variant="pdf/ua-1",
                pdf_tags=True,
                pdf_identifier=_identifier(motion),
            )


def pdf_font_subsetter() -> str:
    """Which library WeasyPrint subsets fonts with here: harfbuzz or fonttools."""
    ffi = weasyprint.text.ffi
    if ffi.harfbuzz_subset and ffi.harfbuzz.hb_version_atleast(4, 1, 0):
        return "harfbuzz"
    return "fonttools"


@contextmanager
def _font_clock(build_date: date | None) -> Iterator[None]:
    """Pin font timestamps to the build date when fontTools does the subsetting.

    HarfBuzz keeps the font's own timestamp; fontTools stamps the current time
    unless SOURCE_DATE_EPOCH is set, which would make every PDF different.
    """
    if pdf_font_subsetter() == "harfbuzz" or "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    day = build_date or date(1980, 1, 1)
    epoch = datetime.combine(day, time(), UTC).timestamp()
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def tidy_text(text: str) -> str:
    """Plain text with Unix line ends, no trailing spaces, single blank lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tidy = "\n".join(line.rstrip() for line in lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", tidy) + "\n"


def _short_url(url: str) -> str:
    return url if len(url) <= 80 else f"{url[:77]}..."


def _identifier(motion: Motion) -> bytes:
    """A PDF file identifier that depends on the motion only, never on time."""
    return hashlib.sha256(f"playbook:{motion.id}".encode()).hexdigest()[:32].encode()


def _set_metadata(
    metadata: Any, motion: Motion, view: dict[str, Any], build_date: date | None
) -> None:
    """Title, author, subject, keywords and dates: fixed by the inputs alone."""
    owner = motion.owner
    metadata.title = motion.name
    metadata.authors = [owner.name if owner else view["brand"]["name"]]
    metadata.description = view["summary"]
    metadata.keywords = [*motion.tags, motion.domain]
    metadata.generator = f"playbook {__version__}"
    # Without a build date the PDF carries no dates at all, never the clock's.
    day = build_date.isoformat() if build_date else None
    metadata.created = metadata.modified = day
    metadata.lang = "en"


def _email_file(motion: Motion, asset: Asset, root: Path) -> str:
    """The text of an email-copy asset, as ready-to-send UTF-8 text."""
    mark = motion.where(asset.path or ("assets",))
    where = f"{motion.source}:{mark.line}:{mark.col}"
    try:
        path = resolve_inside(root, asset.file)
        if path.stat().st_size > _MAX_EMAIL_BYTES:
            raise BuildError(f"{where}: the email copy `{asset.file}` is over 1 MiB")
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except FetchRefused as refusal:
        raise BuildError(
            f"{where}: the email copy `{asset.file}` cannot be read: {refusal.reason}"
        ) from None
    except UnicodeDecodeError:
        raise BuildError(
            f"{where}: the email copy `{asset.file}` is not UTF-8 text"
        ) from None
    return text


def _data_url(path: Path) -> str:
    """A `data:` URL holding the file at `path`."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


class _Collector(logging.Handler):
    """Collects WeasyPrint messages that mean the output would be incomplete."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        hole = any(word in message.lower() for word in _HOLES)
        if record.levelno >= logging.ERROR or hole:
            self.problems.append(message)
        else:
            logger.warning("weasyprint: %s", message)


@contextmanager
def _weasyprint_problems() -> Iterator[list[str]]:
    """Collect, while rendering, WeasyPrint's errors and failed resources."""
    collector = _Collector()
    level = weasyprint.LOGGER.level
    # A quiet root logger must not hide the warnings this check relies on.
    if weasyprint.LOGGER.getEffectiveLevel() > logging.WARNING:
        weasyprint.LOGGER.setLevel(logging.WARNING)
    weasyprint.LOGGER.addHandler(collector)
    try:
        yield collector.problems
    finally:
        weasyprint.LOGGER.removeHandler(collector)
        weasyprint.LOGGER.setLevel(level)
