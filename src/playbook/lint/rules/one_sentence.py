"""one-sentence: partners can say the motion in one sentence.

The pitch must name who to call, what to say and what to offer, and the
summary built from it must be a single sentence of a bounded length.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from playbook.errors import Finding, Severity
from playbook.lint.base import LintContext, Option, finding
from playbook.model import Motion
from playbook.summary import DEFAULT_MAX_WORDS, is_one_sentence, summary, word_count

ID = "one-sentence"
SEVERITY = Severity.ERROR
SUMMARY = "The pitch names who, what and offer, and the summary is one short sentence."
OPTIONS = {
    "max-words": Option(
        DEFAULT_MAX_WORDS,
        "Longest summary sentence allowed, in words (trigger and partners included).",
    ),
}
DOC = {
    "what": (
        "The `pitch` has all three parts: `who` (the person to call), `say` (what "
        "to tell them) and `offer` (what the partner offers). The summary that "
        "`playbook summary` builds from the trigger, the lead partners and the pitch "
        "must be one sentence of at most `max-words` words."
    ),
    "why": (
        "If partners cannot say the motion in one sentence (who to call, what to "
        "say, what to offer), it is not a motion yet: each partner improvises a "
        "different play and none of them repeats."
    ),
    "example": (
        "pitch:\n"
        "  who: the IT infrastructure manager\n"
        "  say: refreshing now is cheaper. It also cuts outages.\n"
        "  # no offer"
    ),
    "fix": (
        "Fill in the missing part. Cut the message to one clause that follows "
        '"say that", with no full stop or semicolon inside it. Check the result '
        "with `playbook summary`."
    ),
}

_PARTS = (
    ("who", "who to call"),
    ("say", "what to say"),
    ("offer", "what to offer"),
)


def check_option(name: str, value: Any) -> str | None:
    """Refuse a word limit too small to hold any real pitch."""
    if name == "max-words" and value < 10:
        return "`max-words` must be at least 10"
    return None


def check(motion: Motion, ctx: LintContext) -> Iterator[Finding]:
    """Yield a finding per missing pitch part, then for the summary sentence."""
    missing = [(key, words) for key, words in _PARTS if not getattr(motion.pitch, key)]
    for key, words in missing:
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("pitch", key),
            f"the pitch does not say {words} (`pitch.{key}`)",
            f"add `{key}:` under `pitch:`",
        )
    if missing:
        return
    yield from _sentence(motion, ctx.options["max-words"])


def _sentence(motion: Motion, max_words: int) -> Iterator[Finding]:
    sentence = summary(motion)
    if not is_one_sentence(sentence):
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("pitch", "say"),
            f'the summary is more than one sentence: "{sentence}"',
            "remove full stops, question marks and semicolons inside the pitch parts",
        )
        return
    count = word_count(sentence)
    if count > max_words:
        yield finding(
            ID,
            SEVERITY,
            motion,
            ("pitch",),
            f"the summary has {count} words; partners can repeat at most {max_words}",
            "shorten `pitch.say`, `pitch.offer` or `trigger.event`, then check "
            "`playbook summary`",
        )
