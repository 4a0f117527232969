"""A complete motion passes every rule and scores 100."""

from __future__ import annotations

from tests.lint.helpers import CLEAN, lint


def test_clean_motion_has_no_findings(project):
    result = lint(project(CLEAN), portfolio=False)
    assert result.findings == []
    assert result.scores == {"switch-refresh": 100}


def test_clean_motion_alone_is_a_portfolio_with_lifecycle_gaps(project):
    result = lint(project(CLEAN))
    assert {f.rule for f in result.findings} == {"portfolio-lifecycle-gap"}
    assert result.scores == {"switch-refresh": 100}
    assert result.portfolio == 100 - 16
