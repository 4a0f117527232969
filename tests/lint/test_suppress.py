"""Inline suppressions: what they hide, and when they are findings themselves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.lint.helpers import CLEAN, TODAY, lint, positions

NO_OFFER = CLEAN.replace("  offer: 15% off new switches\n", "")
PITCH = "pitch:\n"
OFFER_FINDING = "motions/motion.yaml:19:1 one-sentence"


def _with(comment: str, line: str = PITCH, text: str = NO_OFFER) -> str:
    return text.replace(
        line,
        comment + line
        if comment.endswith("\n")
        else line.rstrip("\n") + comment + "\n",
        1,
    )


def test_without_suppression_the_finding_shows(project):
    assert positions(lint(project(NO_OFFER), portfolio=False)) == [OFFER_FINDING]


@pytest.mark.parametrize(
    "comment",
    [
        '  # playbook: ignore[one-sentence] reason="offer agreed next week"',
        "  # playbook: ignore[one-sentence] reason='single quotes'",
        '  #playbook: ignore[kit-complete,one-sentence] reason="two rules"',
        '# playbook: ignore[one-sentence] reason="on the line above"\n',
        '# playbook: ignore[one-sentence] reason="stacked"\n# another comment\n',
        f'  # playbook: ignore[one-sentence] reason="x" until={TODAY.isoformat()}',
    ],
)
def test_a_valid_suppression_hides_the_finding(project, comment):
    result = lint(project(_with(comment)), portfolio=False)
    rules = {f.rule for f in result.findings}
    assert "one-sentence" not in rules
    assert "suppression-invalid" not in rules and "suppression-expired" not in rules
    assert result.scores["switch-refresh"] == 100


def test_an_expired_suppression_is_reported_and_hides_nothing(project):
    until = (TODAY - timedelta(days=1)).isoformat()
    text = _with(f'  # playbook: ignore[one-sentence] reason="late" until={until}')
    result = lint(project(text), portfolio=False)
    expired = "motions/motion.yaml:19:9 suppression-expired"
    assert positions(result) == [OFFER_FINDING, expired]
    assert "expired on" in result.findings[1].message


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("  # playbook: ignore[one-sentence]", "no reason"),
        ('  # playbook: ignore[one-sentence] reason=""', "no reason"),
        ('  # playbook: ignore[one-sentense] reason="typo"', "one-sentense"),
        ('  # playbook: ignore[] reason="none"', "names no rule"),
        (
            '  # playbook: ignore[one-sentence] reason="x" until=31/12/2027',
            "not a date",
        ),
        ('  # playbook: ignore[one-sentence] reason="x" color=red', "color"),
        ('  # playbook: ignore[suppression-unused] reason="x"', "suppression-unused"),
        ('  # playbook: skip[one-sentence] reason="x"', "cannot read"),
    ],
)
def test_an_invalid_suppression_is_reported_and_hides_nothing(
    project, comment, message
):
    result = lint(project(_with(comment)), portfolio=False)
    invalid = "motions/motion.yaml:19:9 suppression-invalid"
    assert positions(result) == [OFFER_FINDING, invalid]
    assert message in result.findings[1].message


def test_an_unused_suppression_is_reported_per_rule(project):
    text = _with('  # playbook: ignore[one-sentence, lead-partner] reason="x"')
    result = lint(project(text), portfolio=False)
    assert positions(result) == ["motions/motion.yaml:19:9 suppression-unused"]
    assert "`lead-partner`" in result.findings[0].message


def test_a_suppression_of_a_rule_turned_off_is_not_unused(project):
    text = _with('  # playbook: ignore[lead-partner] reason="x"', text=CLEAN)
    root = project(text, config='[lint.rules]\nlead-partner = "off"\n')
    assert lint(root, portfolio=False).findings == []


def test_a_suppression_of_a_portfolio_rule_that_did_not_run_is_not_unused(project):
    comment = '  # playbook: ignore[portfolio-size] reason="x"'
    text = _with(comment, "status: active\n", CLEAN)
    assert lint(project(text), portfolio=False).findings == []


def test_a_suppression_covers_portfolio_findings(project):
    comment = '  # playbook: ignore[portfolio-lifecycle-gap] reason="one play only"'
    text = _with(comment, "lifecycle: expand\n", CLEAN)
    result = lint(project(text))
    assert result.findings == []
    assert result.portfolio == 100


SAY = "  say: a planned refresh costs less than the next outage\n"
IGNORE = "# playbook: ignore[one-sentence] reason=x"


@pytest.mark.parametrize(
    "say",
    [
        f'  say: "a refresh {IGNORE}"\n',
        f"  say: >-\n    a refresh\n    {IGNORE}\n",
    ],
)
def test_text_inside_a_value_is_not_a_suppression(project, say):
    text = CLEAN.replace(SAY, say)
    assert lint(project(text), portfolio=False).findings == []


def test_a_comment_on_its_own_line_covers_the_next_content_line(project):
    text = NO_OFFER.replace("pitch:\n", f"{IGNORE}\n\npitch:\n")
    assert lint(project(text), portfolio=False).findings == []
