"""portfolio-duplicate-trigger: each active motion answers its own customer event."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding, locate
from playbook.model import Motion

ID = "portfolio-duplicate-trigger"
SEVERITY = Severity.WARNING
SUMMARY = "No two active motions respond to the same trigger event."
OPTIONS = {
    "similarity": Option(
        0.8,
        "How alike two trigger events must be to count as the same, from 0 to 1: "
        "the share of their meaningful words they have in common.",
    ),
}
DOC = {
    "what": (
        "Compares the `trigger.event` of every pair of active motions. Two events "
        "are the same when the words they share, ignoring case, punctuation and "
        'small words such as "a" or "the", make up at least `similarity` of '
        "all the words they use. Each later motion (by id) is reported once, at "
        "its event, naming the first motion with the same trigger."
    ),
    "why": (
        "When two plays fire on the same event, partners do not know which to run, "
        "customers hear two pitches, and the results of both are muddied."
    ),
    "example": (
        "# motions/refresh-a.yaml\n"
        "trigger:\n"
        "  event: a customer's network switches approach end of support\n"
        "# motions/refresh-b.yaml\n"
        "trigger:\n"
        "  event: the customer's network switches approach end of support"
    ),
    "fix": (
        "Merge the two motions into one, or narrow one trigger to a different "
        "event, and retire the weaker play."
    ),
}

_WORD = re.compile(r"[a-z0-9]+")
_SMALL = frozenset(
    {
        "a",
        "an",
        "and",
        "any",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "its",
        "it",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "with",
    }
)


def check_option(name: str, value: Any) -> str | None:
    """Refuse a similarity outside 0..1."""
    if name == "similarity" and not 0 < value <= 1:
        return "`similarity` must be above 0 and at most 1"
    return None


def _words(event: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(event.lower()) if w not in _SMALL)


def check_portfolio(motions: list[Motion], ctx: LintContext) -> Iterator[Finding]:
    """Yield a finding for each active motion whose trigger an earlier one has."""
    ordered = sorted(motions, key=lambda m: m.id)
    events = [_words(m.trigger.event) for m in ordered]
    for i, j in _alike(events, ctx.options["similarity"]):
        first, second = ordered[i], ordered[j]
        mark = locate(first, ("trigger", "event"))
        yield finding(
            ID,
            SEVERITY,
            second,
            ("trigger", "event"),
            f"the same trigger as `{first.id}` ({first.source}:{mark.line}:{mark.col})",
            "merge the two motions or give one a different trigger event",
        )


def _alike(
    events: list[frozenset[str]], similarity: float
) -> Iterator[tuple[int, int]]:
    """For each set j alike an earlier one, the pair (i, j) with the first such i.

    Each motion is reported once, so a thousand copies of one trigger give a
    thousand findings, not half a million.

    Not every pair is compared: two sets can only be that alike if they share
    one of the rarest words of each (prefix filtering). With words ordered
    from rare to common, a set of n words needs only its first
    n - ceil(similarity * n) + 1 words looked up.
    """
    counts = Counter(word for words in events for word in words)
    seen: dict[str, list[int]] = defaultdict(list)
    for j, words in enumerate(events):
        ordered = sorted(words, key=lambda w: (counts[w], w))
        # The tolerance keeps 0.7 * 10 (7.000000000000001 in floats) at 7.
        needed = math.ceil(similarity * len(ordered) - 1e-9)
        prefix = ordered[: len(ordered) - needed + 1]
        candidates: set[int] = set()
        for word in prefix:
            candidates.update(seen[word])
            seen[word].append(j)
        for i in sorted(candidates):
            other = events[i]
            if len(words & other) >= similarity * len(words | other):
                yield i, j
                break  # one finding per motion, naming the first it repeats
