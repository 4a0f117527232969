"""The one-sentence summary: who to call, what to say, what to offer, and when.

A motion is only a motion when a partner can say it in one sentence. The
sentence is built from the trigger, the lead partner types and the pitch:
"When <event>, <partners> call <who>, say that <say>, and offer <offer>."
"""

from __future__ import annotations

import re

from playbook.model import PARTNER_TYPE_NAMES, Motion

DEFAULT_MAX_WORDS = 45

_TRAILING = re.compile(r"[\s.;:,!?]+$")
_SPACES = re.compile(r"\s+")
_SENTENCE_BREAK = re.compile(r"[.!?;]\s+\S|[.!?;]$")
# Leading words that are safe to lower-case after "When".
_LOWER_FIRST = {"a", "an", "the", "their", "its", "our", "your", "this", "any", "every"}


def _clean(text: str) -> str:
    """Fold white space and drop final punctuation so a part fits mid-sentence."""
    return _TRAILING.sub("", _SPACES.sub(" ", text).strip())


def _after_when(event: str) -> str:
    first, _, rest = event.partition(" ")
    if first.lower() in _LOWER_FIRST and first[:1].isupper() and first[1:].islower():
        return f"{first.lower()} {rest}".strip()
    return event


def join_words(items: list[str], conjunction: str = "and") -> str:
    """Join as English: `a`, `a and b`, `a, b and c`."""
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def lead_phrase(partner_types: tuple[str, ...]) -> str:
    """Plural words for the lead partner types, or `partners` when none."""
    names = [PARTNER_TYPE_NAMES.get(t, (t, f"{t} partners"))[1] for t in partner_types]
    return join_words(names) or "partners"


def summary(motion: Motion) -> str:
    """The motion's one-sentence summary, in plain English."""
    pitch = motion.pitch
    say = _clean(pitch.say)
    if say and not say.lower().startswith("that "):
        say = f"that {say}"
    actions = [
        f"{verb} {part}"
        for verb, part in (
            ("call", _clean(pitch.who)),
            ("say", say),
            ("offer", _clean(pitch.offer)),
        )
        if part
    ]
    if len(actions) == 3:
        doing = f"{actions[0]}, {actions[1]}, and {actions[2]}"
    else:
        doing = join_words(actions) or "run this motion"
    event = _clean(motion.trigger.event)
    when = f"When {_after_when(event)}, " if event else ""
    sentence = f"{when}{lead_phrase(motion.partners.lead)} {doing}."
    return sentence[0].upper() + sentence[1:]


def word_count(sentence: str) -> int:
    """Words in a sentence, counted on white space."""
    return len(sentence.split())


def is_one_sentence(sentence: str) -> bool:
    """True when no sentence break (., !, ?, ;) occurs before the final period."""
    return len(_SENTENCE_BREAK.findall(sentence.strip())) <= 1
