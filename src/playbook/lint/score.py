"""The repeatability score: 0 to 100 per motion and for the portfolio.

A motion starts at 100 and loses points for each finding of a motion rule
that remains after configuration and suppressions: 20 for an error, 8 for a
warning, 2 for an info. One rule takes at most 30 points from a motion, so
a single weak area cannot hide how the rest of the motion does. The score
never goes below 0:

    motion score = max(0, 100 - sum over rules of min(30, sum of weights))

The portfolio score is the mean of the active motions' scores (of all
motions, when none is active), rounded half up to a whole number, minus the same
capped penalties for the findings of the portfolio rules, and never below 0:

    portfolio score = max(0, round(mean of motion scores)
                             - sum over portfolio rules of min(30, sum of weights))

Suppression findings (`suppression-*`) do not count: they are about the
comments, not the motion. A motion that scores 90 or more is ready to
repeat; below 70 it needs work before partners see it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from playbook.errors import Finding, Severity

WEIGHTS = {Severity.ERROR: 20, Severity.WARNING: 8, Severity.INFO: 2}
RULE_CAP = 30
PERFECT = 100


def penalty(findings: Iterable[Finding]) -> int:
    """Points lost for a set of findings: weights summed, capped per rule."""
    per_rule: dict[str, int] = defaultdict(int)
    for finding in findings:
        per_rule[finding.rule] += WEIGHTS[finding.severity]
    return sum(min(RULE_CAP, points) for points in per_rule.values())


def motion_score(findings: Iterable[Finding]) -> int:
    """The score of one motion from the findings of motion rules in its file."""
    return max(0, PERFECT - penalty(findings))


def portfolio_score(
    motion_scores: Iterable[int], findings: Iterable[Finding]
) -> int | None:
    """The portfolio's score from its motions' scores and the portfolio findings.

    None when there is no motion to score.
    """
    scores = list(motion_scores)
    if not scores:
        return None
    mean = (2 * sum(scores) + len(scores)) // (2 * len(scores))  # half up
    return max(0, mean - penalty(findings))
