"""Inline suppressions: silence one finding in the YAML, with a reason.

Write a comment on the line a finding points at, or on its own line right
above it (several such comments may stand one above the other):

```yaml
review_by: 2025-01-31  # playbook: ignore[ownership-freshness] reason="review booked"
# playbook: ignore[kit-complete, one-sentence] reason="pilot kit" until=2027-06-30
assets:
```

- `ignore[...]` names one or more rule ids, separated by commas.
- `reason="..."` is required: why the finding does not apply here.
- `until=YYYY-MM-DD` is optional: the last day the suppression applies.

A suppression without a reason, with an unknown rule id or with a date
that is not a date is reported as `suppression-invalid` and hides nothing.
After its `until` day it is reported as `suppression-expired` and the
findings it hid come back. A rule it names that reports nothing on its
line is reported as `suppression-unused`, unless that rule is turned off
for the file or did not run. Suppression findings themselves cannot be
suppressed; turn those rules off in the configuration instead. Comments
starting with `# playbook:` are reserved for suppressions.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import yaml

from playbook.errors import Finding
from playbook.lint.rules import RULES
from playbook.loader import Document

log = logging.getLogger(__name__)

_COMMENT = re.compile(r"(?:^|\s)(#\s*playbook:(.*))$")
_IGNORE = re.compile(r"^\s*ignore\[([^\]]*)\](.*)$")
_PAIR = re.compile(r"\s+([a-z]+)=(?:\"([^\"]*)\"|'([^']*)'|([^\s\"']+))")
INVALID = "suppression-invalid"
EXPIRED = "suppression-expired"
UNUSED = "suppression-unused"
_SYNTAX = 'write # playbook: ignore[rule-id] reason="why" until=YYYY-MM-DD'


@dataclass
class Suppression:
    """One suppression comment: where it is, what it covers, whether it holds."""

    file: str
    line: int
    col: int
    target: int
    rules: tuple[str, ...] = ()
    reason: str = ""
    until: date | None = None
    problem: str = ""
    used: set[str] = field(default_factory=set)

    def expired(self, today: date) -> bool:
        """True after the `until` day."""
        return self.until is not None and self.until < today


def parse(doc: Document, known: Collection[str]) -> list[Suppression]:
    """Every `# playbook:` comment of a document, read and checked."""
    if "playbook:" not in doc.text:
        return []
    lines = doc.text.splitlines()
    inside = _scalar_spans(doc.text)
    found = []
    for number, text in enumerate(lines, start=1):
        match = _COMMENT.search(text)
        if not match or _in_scalar(inside, number, match.start(1) + 1):
            continue
        col = match.start(1) + 1
        target = number if text[: col - 1].strip() else _next_content(lines, number)
        item = Suppression(doc.name, number, col, target)
        _read(item, match.group(2), known)
        found.append(item)
    return found


def _read(item: Suppression, body: str, known: Collection[str]) -> None:
    """Fill in rules, reason and until from the comment text, or a problem."""
    match = _IGNORE.match(body)
    if not match:
        item.problem = "cannot read this suppression"
        return
    item.rules = tuple(r.strip() for r in match.group(1).split(",") if r.strip())
    pairs, rest = _pairs(match.group(2))
    item.reason = pairs.get("reason", "").strip()
    item.problem = _problem(item, pairs, rest, known)
    if not item.problem and "until" in pairs:
        item.until = date.fromisoformat(pairs["until"])


def _pairs(text: str) -> tuple[dict[str, str], str]:
    pairs: dict[str, str] = {}
    while match := _PAIR.match(text):
        key = match.group(1)
        pairs[key] = next(g for g in match.groups()[1:] if g is not None)
        text = text[match.end() :]
    return pairs, text.strip()


def _problem(
    item: Suppression, pairs: dict[str, str], rest: str, known: Collection[str]
) -> str:
    unknown = [r for r in item.rules if r not in known]
    extra = [k for k in pairs if k not in ("reason", "until")]
    if not item.rules:
        return "the suppression names no rule; write the rule id inside ignore[...]"
    if unknown:
        return f"`{unknown[0]}` is not a rule that can be suppressed here"
    if rest or extra:
        return f"cannot read `{rest or extra[0]}` in this suppression"
    if not item.reason:
        return 'the suppression gives no reason; add reason="why this does not apply"'
    if "until" in pairs and not _is_date(pairs["until"]):
        return f"until={pairs['until']} is not a date; write it as YYYY-MM-DD"
    return ""


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None


def _next_content(lines: list[str], number: int) -> int:
    """The first line after `number` that holds more than a comment."""
    for i in range(number, len(lines)):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i + 1
    return number


def _scalar_spans(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) line and column of every scalar, where `#` is not a comment."""
    spans = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark, token.end_mark
                spans.append(
                    ((start.line + 1, start.column + 1), (end.line + 1, end.column + 1))
                )
    except yaml.YAMLError:  # the document loaded already; be lenient
        log.debug("could not scan for suppression comments", exc_info=True)
    return spans


def _in_scalar(spans: list, line: int, col: int) -> bool:
    return any(start <= (line, col) < end for start, end in spans)


class Suppressions:
    """The suppressions of a set of documents, applied to findings."""

    def __init__(self, docs: Iterable[Document], today: date, known: Collection[str]):
        self.today = today
        self.items = [item for doc in docs for item in parse(doc, known)]
        self._active: dict[tuple[str, int], list[Suppression]] = {}
        for item in self.items:
            if not item.problem and not item.expired(today):
                self._active.setdefault((item.file, item.target), []).append(item)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings no suppression hides; remember which were used."""
        kept = []
        for finding in findings:
            covering = [
                s
                for s in self._active.get((finding.file, finding.line), [])
                if finding.rule in s.rules
            ]
            for item in covering:
                item.used.add(finding.rule)
            if not covering:
                kept.append(finding)
        return kept

    def findings(self, ran: Callable[[str, str], bool]) -> Iterator[Finding]:
        """Invalid, expired and unused suppressions; `ran(rule, file)` tells
        whether a rule ran on a file, so suppressions of rules that did not
        run are not called unused."""
        for item in self.items:
            if item.problem:
                yield _meta(item, INVALID, item.problem)
            elif item.expired(self.today):
                yield _meta(item, EXPIRED, _expired_message(item))
            else:
                yield from self._unused(item, ran)

    def _unused(
        self, item: Suppression, ran: Callable[[str, str], bool]
    ) -> Iterator[Finding]:
        for rule in item.rules:
            if rule not in item.used and ran(rule, item.file):
                yield _meta(
                    item,
                    UNUSED,
                    f"`{rule}` reports nothing on line {item.target}, so this "
                    "suppression hides nothing",
                )


def _expired_message(item: Suppression) -> str:
    until = item.until.isoformat() if item.until else ""
    return (
        f"the suppression of {', '.join(item.rules)} expired on {until}; "
        "what it hid is reported again"
    )


def _meta(item: Suppression, rule_id: str, message: str) -> Finding:
    rule = RULES[rule_id]
    hint = _SYNTAX if rule_id == INVALID else rule.doc["fix"]
    return Finding(
        item.file,
        item.line,
        item.col,
        rule.id,
        severity=rule.severity,
        message=message,
        hint=hint,
    )
