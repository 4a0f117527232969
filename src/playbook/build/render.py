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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import weasyprint
import weasyprint.text.ffi
from jinja2 import (
    Template,
)
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from playbook import __version__
from playbook.build import catalog_page, fonts
from playbook.build.email import email_file
from playbook.build.fetcher import (
    FetchRefused,
    ProjectFetcher,
    make_fetcher,
    resolve_inside,
)
from playbook.build.glyphs import check_glyphs, glyph_message
from playbook.build.templating import (
    TemplateFolders,
    make_environment,
    short_url,
    short_urls,
    template_errors,
    template_label,
)
from playbook.build.view import colour, motion_view, tint
from playbook.config import Brand, Config
from playbook.errors import (
    BuildError,
    ConfigError,
    PlaybookError,
)
from playbook.model import (
    Motion,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

PDF_TEMPLATE = "playbook.html.j2"
PAGE_TEMPLATE = "page.html.j2"
EMAIL_TEMPLATE = "email.txt.j2"
PRINT_CSS = "print.css.j2"
PAGE_CSS = "page.css.j2"
CATALOG_TEMPLATE = "catalog.html.j2"
CATALOG_CSS = "catalog.css.j2"

# WeasyPrint messages that mean a resource is missing from the output.
_HOLES = ("failed to load", "cannot be loaded", "unable to", "relative uri")


# --- which text reaches a partner, and where it was written -----------------


# --- the view: what templates see --------------------------------------------


# --- templates: where they are read from and how their errors read ----------


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
            text = email_file(motion, asset, self.root)
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
            f"{refers} refers to {short_url(refusal.url)}, which a build may not "
            f"read: {refusal.reason}"
        )
    if problems or result is None:
        reason = problems[0] if problems else "no output"
        # Files of the project are named as the user names them, not by URL.
        reason = reason.replace(fetcher.root.as_uri() + "/", "")
        raise error(f"{failed}: {short_urls(reason)}")
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
            logger.warning("weasyprint: %s", short_urls(message))


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
