"""Turn one validated motion into the partner-facing files of its kit.

The renderer builds a *view* of the motion: plain data holding only what a
partner may see, with ids already turned into words. Templates receive that
view and never the motion itself, so vendor-only content (`internal`,
internal-audience assets) cannot reach a kit even from a user's template
override. Motion text is data, never template source: Jinja escapes it in
HTML and WeasyPrint only ever reads through the fetcher in `fetcher.py`.

Templates themselves may come from the user's project, so they are read
only from inside the project or the bundle and run in Jinja's sandbox.
Whatever goes wrong in a template or in WeasyPrint ends as one `BuildError`
that names the file (template, motion or `playbook.toml`) it comes from.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

import weasyprint
import weasyprint.text.ffi
from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from playbook import __version__
from playbook.build import catalog_page, fonts
from playbook.build.fetcher import (
    FetchRefused,
    ProjectFetcher,
    make_fetcher,
    resolve_inside,
)
from playbook.build.kit import asset_names
from playbook.config import Brand, Config
from playbook.errors import (
    BuildError,
    ConfigError,
    Finding,
    InvalidInput,
    PlaybookError,
)
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
T = TypeVar("T")

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


class UnprintableText(InvalidInput):
    """Partner-facing text the bundled fonts cannot draw: one finding per character.

    It carries its findings back from a build worker intact, which the base
    class, built from its message alone, would not.
    """

    def __reduce__(self) -> tuple[type, tuple[list[Finding]]]:
        return type(self), (self.findings,)


def glyph_findings(motion: Motion) -> list[Finding]:
    """A finding for each character of each partner-facing field no font can draw."""
    findings = []
    for field, path, text in partner_texts(motion):
        missing = fonts.missing_glyphs(text)
        if not missing:
            continue
        mark = motion.where(path)
        findings += [
            Finding(
                motion.source,
                mark.line,
                mark.col,
                "build/glyph",
                message=glyph_message(char, field),
            )
            for char in missing
        ]
    return findings


def check_glyphs(motion: Motion) -> None:
    """Refuse a motion whose partner-facing text the bundled fonts cannot draw."""
    findings = glyph_findings(motion)
    if findings:
        raise UnprintableText(findings)


def glyph_message(char: str, field: str) -> str:
    """Why `char` in `field` cannot be printed, and what to do about it."""
    fix = (
        "write it another way or remove it" if fonts.is_printable(char) else "remove it"
    )
    return (
        f"{fonts.describe(char)} in {field} has no glyph in the bundled fonts "
        f"({fonts.FAMILY}, {fonts.FALLBACK}); {fix}"
    )


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
    if is_file:
        href = catalog_page.relative_link(*link.split("/"))
    else:
        # Only https links become clickable; anything else is shown as text.
        href = link if link.startswith("https://") else ""
    return {
        "title": asset.title,
        "type": label(asset.type),
        "description": asset.description,
        "language": asset.language,
        "is_file": is_file,
        "link": link,
        "href": href,
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


# --- templates: where they are read from and how their errors read ----------


class TemplateFolders(BaseLoader):
    """Templates from the project's folder first, then the bundled folder.

    A template is read only when its real path, after following symlinks,
    is inside the project or the bundled templates folder; a link that leads
    anywhere else fails the build instead of being read.
    """

    def __init__(self, folders: list[Path], roots: list[Path], root: Path) -> None:
        self.folders = [str(folder) for folder in folders]
        self.roots = [os.path.realpath(folder) for folder in roots]
        self.root = root
        self.served: set[str] = set()

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The text and file name of `template`, from the first folder holding it."""
        pieces = split_template_path(template)
        for folder in self.folders:
            filename = os.path.join(folder, *pieces)
            if os.path.isfile(filename):
                return self._read(filename), filename, lambda: True
        raise TemplateNotFound(template)

    def _read(self, filename: str) -> str:
        real = os.path.realpath(filename)
        shown = template_label(filename, self.root)
        if not any(real.startswith(os.path.join(base, "")) for base in self.roots):
            raise BuildError(
                f"{shown}: this template leads outside the project (to {real}); "
                "templates are read only from inside the project folder, so copy "
                "the file in instead of linking to it"
            )
        try:
            with open(real, encoding="utf-8") as file:
                source = file.read()
        except UnicodeDecodeError:
            raise BuildError(f"{shown}: the template is not UTF-8 text") from None
        self.served.add(filename)
        return source


def template_label(filename: str, root: Path) -> str:
    """A template file as messages name it: relative to the project when inside."""
    path = Path(filename)
    for base in (root, root.resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


def make_environment(config: Config) -> ImmutableSandboxedEnvironment:
    """Jinja2 environment: project templates first, then the bundled ones.

    Templates run sandboxed: they can read the view playbook gives them but
    not Python internals (`__globals__`, `__init__`, ...), nor change it.
    """
    bundle = bundled("templates")
    loader = TemplateFolders(
        [config.templates, bundle], [config.root, bundle], config.root
    )
    env = ImmutableSandboxedEnvironment(
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


@contextmanager
def template_errors(loader: TemplateFolders, name: str, what: str) -> Iterator[None]:
    """Turn anything raised by loading or running a template into a BuildError.

    The message starts with the template file and line the error happened
    at, found in the traceback Jinja rewrites to point into templates.
    """
    try:
        yield
    except PlaybookError:
        raise
    except Exception as exc:  # a template can raise anything its code does
        while_ = f" while rendering {what}" if what else ""
        where = _template_line(exc, loader, name)
        reason = _short_urls(_template_reason(exc))
        raise BuildError(f"{where}: template error{while_}: {reason}") from None


def _template_line(exc: Exception, loader: TemplateFolders, name: str) -> str:
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return f"{template_label(exc.filename, loader.root)}:{exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if frame.filename in loader.served:
            return f"{template_label(frame.filename, loader.root)}:{frame.lineno}"
    return name


def _template_reason(exc: Exception) -> str:
    if isinstance(exc, SecurityError):
        return (
            f"{exc} Templates run in a sandbox: they may use the kit data "
            "playbook gives them, never Python internals"
        )
    if isinstance(exc, RecursionError):
        return "templates include or call each other without end"
    if isinstance(exc, TemplateNotFound):
        return f"there is no template `{exc.name}`"
    if isinstance(exc, TemplateSyntaxError):
        return exc.message or str(exc)
    if isinstance(exc, TemplateError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


# --- the renderer -----------------------------------------------------------


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
        self.root = config.root.absolute()
        self.brand = _brand_words(config.brand)
        self._problem: PlaybookError | None = None
        try:
            self.root = config.root.resolve()
            self.env = make_environment(config)
            self.loader: TemplateFolders = self.env.loader  # type: ignore[assignment]
            fonts.use_bundled_fonts_only()
            self._font_config = FontConfiguration()
            self._problem = self._check_brand(config.brand)
            self._load()
        except PlaybookError as problem:
            self._problem = self._problem or problem
        except Exception as exc:  # a worker's initializer must never fail
            self._problem = self._problem or BuildError(
                f"preparing the renderer failed: {type(exc).__name__}: {exc}"
            )

    def _load(self) -> None:
        """Compile the templates and parse the stylesheets."""
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
        self._print_css = self._stylesheet()
        self._page_css = self._css(PAGE_CSS)
        self._catalog_css = self._css(CATALOG_CSS)

    def _template(self, name: str) -> Template:
        with template_errors(self.loader, name, ""):
            return self.env.get_template(name)

    def _render(self, name: str, view: dict[str, Any], what: str) -> str:
        """Run one template; any error it raises names its file and line."""
        with template_errors(self.loader, name, what):
            return self.templates[name].render(view)

    def _css(self, name: str) -> str:
        primary = self.brand["primary"]
        accent = self.brand["accent"]
        view = {
            "primary": primary,
            "accent": accent,
            "primary_tint": tint(primary, 0.1),
            "accent_tint": tint(accent, 0.18),
        }
        return self._render(name, view, f"the stylesheet {name}")

    def _where(self, name: str) -> str:
        """The file a loaded template came from, as messages name it."""
        filename = self.templates[name].filename or name
        return template_label(filename, self.config.root)

    def _stylesheet(self) -> weasyprint.CSS:
        """The print stylesheet with the bundled fonts, parsed once."""
        css = fonts.print_font_css() + self._css(PRINT_CSS)
        fetcher = make_fetcher(self.root, allowed_files=set())
        where = self._where(PRINT_CSS)
        return run_weasyprint(
            lambda: weasyprint.CSS(
                string=css,
                base_url=self.root.as_uri() + "/",
                url_fetcher=fetcher,
                font_config=self._font_config,
            ),
            fetcher,
            refers=f"{where}: the print stylesheet",
            failed=f"{where}: the print stylesheet failed",
        )

    def _check_brand(self, brand: Brand) -> PlaybookError | None:
        """Check the brand settings once and embed the logo; return their problem.

        A problem is kept rather than raised, so that constructing a renderer
        in a worker never fails; every render raises it instead.
        """
        for key in ("name", "contact", "website"):
            missing = fonts.missing_glyphs(getattr(brand, key))
            if missing:
                where = self._config_where("brand", key)
                return ConfigError(
                    f"{where}: {glyph_message(missing[0], f'`brand.{key}`')}"
                )
        if brand.logo:
            try:
                self.brand["logo"] = self._logo(brand.logo)
            except ConfigError as problem:
                return problem
        return None

    def _logo(self, logo: str) -> str:
        """The logo as a data: URL, once it is known to be a self-contained image."""
        where = self._config_where("brand", "logo")
        try:
            path = resolve_inside(self.root, logo)
        except FetchRefused as refusal:
            raise ConfigError(
                f"{where}: the brand logo `{logo}` cannot be used: {refusal.reason}; "
                f"put the logo file inside the project folder {self.root} and name "
                "it relative to that folder"
            ) from None
        data = path.read_bytes()
        mime = image_type(data)
        if mime is None:
            raise ConfigError(
                f"{where}: brand.logo `{logo}` is not a PNG, JPEG, GIF or SVG image"
            )
        url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        self._try_logo(url, f"{where}: brand.logo `{logo}`")
        return url

    def _try_logo(self, url: str, what: str) -> None:
        """Draw the logo alone, so a broken image or one that loads others fails here.

        A logo must be one self-contained file: the web page shows it from a
        data: URL, where a browser would load nothing it refers to.
        """
        fetcher = make_fetcher(self.root, allowed_files=set())
        html = f'<img src="{url}" alt="logo" style="width: 4cm">'
        run_weasyprint(
            lambda: weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(
                font_config=self._font_config
            ),
            fetcher,
            refers=what,
            failed=f"{what} cannot be drawn",
            error=ConfigError,
        )

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
            "playbook.html": self._page(motion, view),
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
        view["brand"] = self.brand
        html = self._web_page(CATALOG_TEMPLATE, view, self._catalog_css, "the catalog")
        return html.encode("utf-8")

    def _page(self, motion: Motion, view: dict[str, Any]) -> bytes:
        page_view = {**view, "medium": "web"}
        what = f"the web page of {motion.source}"
        html = self._web_page(PAGE_TEMPLATE, page_view, self._page_css, what)
        return html.encode("utf-8")

    def _web_page(self, name: str, view: dict[str, Any], css: str, what: str) -> str:
        """An HTML page with the bundled fonts inlined.

        The fallback font is inlined only when the page has letters Lato
        lacks, cut down to those letters, so the page is rendered again then.
        """
        html = self._render(
            name, {**view, "css": Markup(fonts.web_font_css() + css)}, what
        )
        if fonts.fallback_letters(html):
            font_css = fonts.web_font_css(html)
            html = self._render(name, {**view, "css": Markup(font_css + css)}, what)
        return html

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
        return run_weasyprint(
            lambda: self._write_pdf(html, fetcher, motion, view, build_date),
            fetcher,
            refers=f"{motion.source}: the playbook",
            failed=f"rendering the playbook of {motion.source} failed",
        )

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


def _brand_words(brand: Brand) -> dict[str, str]:
    """The brand as templates see it; the logo is added once it is checked."""
    return {
        "name": brand.name,
        "contact": brand.contact,
        "website": brand.website,
        "primary": colour(brand.primary, Brand.primary),
        "accent": colour(brand.accent, Brand.accent),
        "logo": "",
    }


# --- running WeasyPrint -----------------------------------------------------


def run_weasyprint(
    work: Callable[[], T],
    fetcher: ProjectFetcher,
    *,
    refers: str,
    failed: str,
    error: type[PlaybookError] = BuildError,
) -> T:
    """Run `work` with WeasyPrint; anything that goes wrong becomes one `error`.

    A refused file or address reads `<refers> refers to <url>, which a build
    may not read`; an exception WeasyPrint raises or an error it logs (a
    missing image, a font that cannot be loaded) reads `<failed>: <reason>`.
    Nothing escapes as a traceback, so a build worker never dies of it.
    """
    result: T | None = None
    with _weasyprint_problems() as problems:
        try:
            result = work()
        except (Exception, FatalURLFetchingError) as exc:
            problems.append(_exception_words(exc))
    if fetcher.refused:
        refusal = fetcher.refused[0]
        raise error(
            f"{refers} refers to {_short_url(refusal.url)}, which a build may not "
            f"read: {refusal.reason}"
        )
    if problems or result is None:
        reason = problems[0] if problems else "no output"
        # Files of the project are named as the user names them, not by URL.
        reason = reason.replace(fetcher.root.as_uri() + "/", "")
        raise error(f"{failed}: {_short_urls(reason)}")
    return result


def _exception_words(exc: BaseException) -> str:
    words = str(exc) or type(exc).__name__
    if not isinstance(exc, (FatalURLFetchingError, OSError, ValueError)):
        words = f"{type(exc).__name__}: {words}"
    cause = exc.__cause__
    return f"{words} ({cause})" if cause is not None else words


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


def _short_urls(text: str) -> str:
    """`text` with every URL in it cut to a readable length (data: URLs are huge)."""
    return _URL.sub(lambda found: _short_url(found.group()), text)


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


# --- the email --------------------------------------------------------------


def _email_file(motion: Motion, asset: Asset, root: Path) -> str:
    """The email to send from an email-copy asset (see `email_text`)."""
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
    return email_text(text, markdown=path.suffix.lower() in _MARKDOWN_SUFFIXES)


def email_text(text: str, *, markdown: bool) -> str:
    """The ready-to-send email in an email-copy file.

    A plain-text file is the email as it is. A Markdown file may hold sender
    notes and several emails: the email is the first one, from its first
    `Subject:` line up to the next horizontal rule or heading (the whole
    file when no line starts with `Subject:`), with Markdown's emphasis,
    link, code and heading marks turned into plain text.
    """
    if not markdown:
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = next((i for i, line in enumerate(lines) if _SUBJECT.match(line)), None)
    if start is not None:
        end = next(
            (
                i
                for i in range(start + 1, len(lines))
                if _RULE.match(lines[i]) or _HEADING.match(lines[i])
            ),
            len(lines),
        )
        lines = lines[start:end]
    return markdown_to_text("\n".join(lines))


def markdown_to_text(text: str) -> str:
    """Markdown as plain text: marks dropped, link addresses kept in brackets."""
    for pattern, replacement in _MARKDOWN_TO_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _link_text(found: re.Match[str]) -> str:
    words, address = found.group(1), found.group(2)
    shown = address.removeprefix("mailto:")
    return shown if words.strip() in (address, shown) else f"{words} ({shown})"


_MARKDOWN_SUFFIXES = (".md", ".markdown")
_SUBJECT = re.compile(r"^[ \t]{0,3}subject:", re.IGNORECASE)
_RULE = re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6}([ \t]|$)|=+[ \t]*$)")
# Inline marks never reach past a blank line.
_INLINE = r"(?:(?!\n[ \t]*\n).)+?"
_TITLE = r"(?:[ \t]+\"[^\"]*\")?"
_MARKDOWN_TO_TEXT: tuple[tuple[re.Pattern[str], Any], ...] = (
    # headings and quotes: the text stays, the marks go
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)([ \t]+#+)?[ \t]*$", re.M), r"\1"),
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),
    # code, images, links: `x` -> x, ![alt](src) -> alt, [text](url) -> text (url)
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(rf"!\[([^\]\n]*)\]\(([^)\s]+){_TITLE}\)"), r"\1"),
    (re.compile(rf"\[([^\]\n]+)\]\(([^)\s]+){_TITLE}\)"), _link_text),
    (re.compile(r"<(?:mailto:)?(https?://[^>\s]+|[^>\s@]+@[^>\s]+)>"), r"\1"),
    # strong and emphasis, but never inside words such as {{first_name}}
    (re.compile(rf"(?<!\\)\*\*(?!\s)({_INLINE})(?<![\s\\])\*\*", re.S), r"\1"),
    (re.compile(rf"(?<![\w\\])__(?!\s)({_INLINE})(?<![\s\\])__(?!\w)", re.S), r"\1"),
    (
        re.compile(rf"(?<![\w*\\])\*(?![\s*])({_INLINE})(?<![\s\\])\*(?![\w*])", re.S),
        r"\1",
    ),
    (re.compile(rf"(?<![\w\\])_(?![\s_])({_INLINE})(?<![\s\\])_(?!\w)", re.S), r"\1"),
    # a backslash at a line end breaks the line; before a mark it escapes it
    (re.compile(r"\\$", re.M), ""),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~|])"), r"\1"),
)


# --- the brand logo ---------------------------------------------------------


def image_type(data: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF or SVG image by its content, else None."""
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    head = data[:4096].decode("utf-8", "replace").removeprefix("\ufeff")
    return "image/svg+xml" if _SVG_START.match(head) else None


_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_SVG_START = re.compile(
    r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>/]",
    re.DOTALL | re.IGNORECASE,
)
_URL = re.compile(r"\b(?:data|https?|file|ftp):[^\s\"'<>)]+", re.IGNORECASE)


# --- what WeasyPrint says while it works -------------------------------------


class _Collector(logging.Handler):
    """Collects WeasyPrint messages that mean the output would be incomplete."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = _record_words(record)
        hole = any(word in message.lower() for word in _HOLES)
        if record.levelno >= logging.ERROR or hole:
            self.problems.append(message)
        else:
            logger.warning("weasyprint: %s", _short_urls(message))


def _record_words(record: logging.LogRecord) -> str:
    """A WeasyPrint message, with the cause of an error that has no words itself."""
    message = record.getMessage()
    args = record.args if isinstance(record.args, tuple) else ()
    for arg in args:
        cause = getattr(arg, "__cause__", None)
        if isinstance(arg, BaseException) and not str(arg) and cause is not None:
            return f"{message.rstrip(': ')}: {type(cause).__name__}: {cause}"
    return message


@contextmanager
def _weasyprint_problems() -> Iterator[list[str]]:
    """Collect, while rendering, WeasyPrint's errors and failed resources.

    WeasyPrint's messages go to the collector only: an error it logs with
    its traceback becomes a problem here, never a traceback on stderr.
    """
    collector = _Collector()
    level, propagate = weasyprint.LOGGER.level, weasyprint.LOGGER.propagate
    # A quiet root logger must not hide the warnings this check relies on.
    if weasyprint.LOGGER.getEffectiveLevel() > logging.WARNING:
        weasyprint.LOGGER.setLevel(logging.WARNING)
    weasyprint.LOGGER.addHandler(collector)
    weasyprint.LOGGER.propagate = False
    try:
        yield collector.problems
    finally:
        weasyprint.LOGGER.removeHandler(collector)
        weasyprint.LOGGER.setLevel(level)
        weasyprint.LOGGER.propagate = propagate
