"""The repeatability score formula."""

from __future__ import annotations

import pytest

from playbook.errors import Finding, Severity
from playbook.lint.score import motion_score, penalty, portfolio_score


def _found(rule: str, severity: Severity, count: int = 1) -> list[Finding]:
    return [Finding("m.yaml", i + 1, 1, rule, severity=severity) for i in range(count)]


@pytest.mark.parametrize(
    ("findings", "score"),
    [
        ([], 100),
        (_found("a", Severity.ERROR), 80),
        (_found("a", Severity.WARNING), 92),
        (_found("a", Severity.INFO), 98),
        (_found("a", Severity.ERROR, 2), 70),  # one rule takes at most 30
        (_found("a", Severity.WARNING, 10), 70),
        (_found("a", Severity.ERROR) + _found("b", Severity.WARNING), 72),
        ([f for r in "abcd" for f in _found(r, Severity.ERROR, 2)], 0),  # never below 0
    ],
)
def test_motion_score(findings, score):
    assert motion_score(findings) == score


def test_penalty_is_capped_per_rule():
    assert penalty(_found("a", Severity.ERROR, 3) + _found("b", Severity.INFO)) == 32


def test_portfolio_score_is_the_mean_minus_portfolio_penalties():
    assert portfolio_score([100, 80], []) == 90
    assert portfolio_score([100, 80], _found("p", Severity.WARNING)) == 82
    assert portfolio_score([100, 80], _found("p", Severity.WARNING, 5)) == 60


def test_portfolio_mean_rounds_half_up():
    assert portfolio_score([100, 91], []) == 96
    assert portfolio_score([92, 91], []) == 92


def test_portfolio_score_of_nothing_is_none():
    assert portfolio_score([], []) is None


def test_portfolio_score_never_below_zero():
    many = [f for r in "abcd" for f in _found(r, Severity.ERROR, 2)]
    assert portfolio_score([10], many) == 0
