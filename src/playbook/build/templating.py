"""Where templates come from and how they run.

Project templates override the bundled ones; both are read only from inside
the project or the bundle and run in Jinja's sandbox. Any template failure
becomes one `BuildError` naming the template file and line.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from playbook.build.view import duration_words, label, phrase, upfirst
from playbook.config import Config
from playbook.errors import (
    BuildError,
    PlaybookError,
)
from playbook.resources import bundled

logger = logging.getLogger(__name__)
T = TypeVar("T")


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
        reason = short_urls(_template_reason(exc))
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


_URL = re.compile(r"\b(?:data|https?|file|ftp):[^\s\"'<>)]+", re.IGNORECASE)


def short_url(url: str) -> str:
    """A URL cut to 80 characters for messages."""
    return url if len(url) <= 80 else f"{url[:77]}..."


def short_urls(text: str) -> str:
    """`text` with every URL in it cut to a readable length (data: URLs are huge)."""
    return _URL.sub(lambda found: short_url(found.group()), text)
