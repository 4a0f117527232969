"""The lint, rules and explain commands: output, formats and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from playbook.errors import Finding, Severity
from playbook.lint import RULES
from playbook.lint.docs import rules_markdown
from playbook.report import grouped
from tests.lint.helpers import CLEAN

REPO = Path(__file__).resolve().parents[2]
TODAY = ["--today", "2026-06-01"]
NO_OFFER = CLEAN.replace("  offer: 15% off new switches\n", "")
STALE = CLEAN.replace("review_by: 2027-03-31", "review_by: 2026-01-31")
CLEAN_PORTFOLIO = '[lint.rules]\nportfolio-lifecycle-gap = "off"\n'


def test_a_clean_project_passes_and_shows_scores(project, cli):
    run = cli(["lint", *TODAY], cwd=project(CLEAN, CLEAN_PORTFOLIO))
    assert run.exit_code == 0
    assert re.search(r"^\s+100\s+switch-refresh\s+active$", run.stdout, re.MULTILINE)
    portfolio = r"^\s+100\s+portfolio\s+1 active motion$"
    assert re.search(portfolio, run.stdout, re.MULTILINE)
    assert "No findings in 1 file." in run.stdout


@pytest.mark.parametrize(
    ("text", "args", "code"),
    [
        (NO_OFFER, [], 1),
        (NO_OFFER, ["--fail-on", "error"], 1),
        (NO_OFFER, ["--fail-on", "warning"], 1),
        (NO_OFFER, ["--fail-on", "never"], 0),
        (STALE, [], 0),
        (STALE, ["--fail-on", "warning"], 1),
        (STALE, ["--fail-on", "never"], 0),
        (CLEAN, ["--fail-on", "warning"], 0),
    ],
)
def test_fail_on_picks_the_exit_code(project, cli, text, args, code):
    run = cli(["lint", *TODAY, *args], cwd=project(text, CLEAN_PORTFOLIO))
    assert run.exit_code == code, run.output


def test_fail_on_from_the_config_and_the_option_wins(project, cli):
    root = project(STALE, '[lint]\nfail-on = "warning"\n' + CLEAN_PORTFOLIO)
    assert cli(["lint", *TODAY], cwd=root).exit_code == 1
    assert cli(["lint", *TODAY, "--fail-on", "error"], cwd=root).exit_code == 0


def test_the_clock_decides_freshness(project, cli):
    root = project(CLEAN, CLEAN_PORTFOLIO)
    run = cli(["lint", "--today", "2027-04-01", "--fail-on", "warning"], cwd=root)
    assert run.exit_code == 1
    assert "the review date passed on 2027-03-31" in run.stdout


def test_text_groups_findings_by_file_with_the_fix(project, cli):
    run = cli(["lint", *TODAY], cwd=project(NO_OFFER, CLEAN_PORTFOLIO))
    lines = run.stdout.splitlines()
    assert lines[0] == "motions/motion.yaml"
    assert re.match(r"\s+19:1\s+error\s+the pitch does not say what to offer", lines[1])
    assert lines[1].endswith("[one-sentence]")
    assert lines[2].strip() == "fix: add `offer:` under `pitch:`"
    assert "\x1b[" not in run.output  # no colour when not on a terminal
    row = r"^\s+80\s+switch-refresh\s+active\s+1 error$"
    assert re.search(row, run.stdout, re.MULTILINE)


def test_json_has_findings_and_a_lint_section(project, cli):
    run = cli(["lint", "--format", "json", *TODAY], cwd=project(NO_OFFER))
    data = json.loads(run.stdout)
    assert run.exit_code == 1
    assert [f["rule"] for f in data["findings"]] == [
        "portfolio-lifecycle-gap",
        "portfolio-lifecycle-gap",
        "one-sentence",
    ]
    assert data["lint"]["motions"] == [
        {
            "id": "switch-refresh",
            "file": "motions/motion.yaml",
            "status": "active",
            "score": 80,
        }
    ]
    assert data["lint"]["portfolio_score"] == 80 - 16


def test_github_annotations(project, cli):
    run = cli(["lint", "--format", "github", *TODAY], cwd=project(NO_OFFER))
    assert run.stdout.splitlines()[0] == (
        "::warning file=motions/motion.yaml,line=10,col=12,"
        "title=portfolio-lifecycle-gap::no active motion serves the activate stage "
        "of the partner lifecycle"
    )
    error = "::error file=motions/motion.yaml,line=19,col=1,title=one-sentence::"
    assert error in run.stdout


def test_naming_files_skips_the_portfolio_rules(project, cli):
    root = project(CLEAN)
    run = cli(["lint", *TODAY, "motions/motion.yaml"], cwd=root)
    assert run.exit_code == 0
    assert "portfolio" not in run.stdout
    folder = cli(["lint", *TODAY, "motions"], cwd=root)
    assert "portfolio-lifecycle-gap" in folder.stdout


def test_invalid_motions_are_reported_as_validate_does(project, cli):
    root = project("id: x\nname: y\nstatus: maybe\n")
    for fmt in ("text", "json", "github"):
        lint = cli(["lint", "--format", fmt], cwd=root)
        validate = cli(["validate", "--format", fmt], cwd=root)
        assert lint.exit_code == validate.exit_code == 1
        assert lint.output == validate.output


def test_bad_config_is_a_usage_error(project, cli):
    run = cli(["lint"], cwd=project(CLEAN, "[lint.rules]\nkit-complete = 'warn'\n"))
    assert run.exit_code == 2
    assert "playbook.toml:2: a rule's severity must be one of" in run.output


def test_today_is_hidden_and_checked(project, cli):
    assert "--today" not in cli(["lint", "--help"]).output
    assert cli(["lint", "--today", "tomorrow"], cwd=project(CLEAN)).exit_code == 2


def test_rules_lists_every_rule(cli):
    run = cli(["rules"])
    assert run.exit_code == 0
    ids = [line.split()[0] for line in run.stdout.splitlines()]
    assert ids == list(RULES)


def test_rules_as_markdown_and_json(cli):
    assert cli(["rules", "--format", "markdown"]).stdout == rules_markdown()
    data = json.loads(cli(["rules", "--format", "json"]).stdout)
    assert data[0] == {
        "id": "one-sentence",
        "severity": "error",
        "scope": "motion",
        "summary": RULES["one-sentence"].summary,
        "options": {"max-words": 45},
    }


@pytest.mark.parametrize("rule_id", list(RULES))
def test_explain_prints_every_heading(cli, rule_id):
    run = cli(["explain", rule_id])
    assert run.exit_code == 0
    headings = [
        "What it checks",
        "Why it matters",
        "Failing example",
        "The fix",
        "Options",
    ]
    positions = [run.stdout.index(f"\n{h}\n") for h in headings]
    assert positions == sorted(positions)
    assert run.stdout.startswith(rule_id)


def test_explain_an_unknown_rule(cli):
    run = cli(["explain", "kit-completed"])
    assert run.exit_code == 2
    assert "did you mean kit-complete?" in run.output


def test_bundled_motions_score_well(cli):
    run = cli(["lint", "--format", "json"], cwd=REPO)
    data = json.loads(run.stdout)
    assert run.exit_code == 0, run.output
    assert len(data["lint"]["motions"]) >= 6
    assert [f for f in data["findings"] if f["severity"] == "error"] == []
    low = {m["id"]: m["score"] for m in data["lint"]["motions"] if m["score"] < 90}
    assert low == {}
    assert data["lint"]["portfolio_score"] >= 90


def test_grouped_text_is_coloured_only_when_asked():
    finding = Finding("a.yaml", 1, 2, "kit-complete", Severity.ERROR, "no deck", "add")
    plain = grouped([finding])
    fix = " " * 16 + "fix: add"
    assert plain == f"a.yaml\n  1:2  error    no deck  [kit-complete]\n{fix}"
    coloured = grouped([finding], colour=True)
    assert "\x1b[31m" in coloured and click.unstyle(coloured) == plain
