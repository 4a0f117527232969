"""The ready-to-send email of a kit, from the motion's email-copy asset.

A Markdown email-copy file gives its first email (from `Subject:` to the
next rule or heading) as plain text; a `.txt` file is used as written.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, TypeVar

from playbook.build.fetcher import (
    FetchRefused,
    resolve_inside,
)
from playbook.errors import (
    BuildError,
)
from playbook.model import (
    Asset,
    Motion,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")


_MAX_EMAIL_BYTES = 1_048_576


def email_file(motion: Motion, asset: Asset, root: Path) -> str:
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
