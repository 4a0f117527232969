"""Run the lint rules over a project and collect findings and scores.

The engine reads the settings, runs each motion rule on each motion with
the options that apply to its file, drops what suppressions hide, scores
the motions, then runs the portfolio rules over the active motions and
scores the portfolio. Severities come from the configuration; a rule
turned off for a file does not run on it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from playbook.config import Config
from playbook.errors import Finding, Severity
from playbook.lint.base import MOTION, PORTFOLIO, SUPPRESSION, LintContext, Rule
from playbook.lint.rules import RULES
from playbook.lint.score import motion_score, portfolio_score
from playbook.lint.settings import LintSettings, load_settings, relative_path
from playbook.lint.suppress import Suppressions
from playbook.model import Motion
from playbook.project import Project

log = logging.getLogger(__name__)

_FAIL_RANK = {
    "error": Severity.ERROR.rank,
    "warning": Severity.WARNING.rank,
    "never": -1,
}


@dataclass
class LintResult:
    """Every lint finding of a run, the motion scores and the portfolio score."""

    findings: list[Finding] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    portfolio: int | None = None
    fail_on: str = "error"

    def fails(self, fail_on: str | None = None) -> bool:
        """True when a finding is at or above `fail_on` (error, warning, never)."""
        worst = _FAIL_RANK[fail_on or self.fail_on]
        return any(f.severity.rank <= worst for f in self.findings)


class _Run:
    """One lint run: settings, clock and which rule ran on which file."""

    def __init__(
        self,
        project: Project,
        settings: LintSettings,
        today: date,
        config: Config | None,
    ) -> None:
        root = config.root if config else project.root
        self.settings = settings
        self.today = today
        self.paths = {
            m.source: relative_path(m.doc.path, root) for m in project.motions
        }
        self.ran: set[tuple[str, str]] = set()

    def motion_findings(self, motion: Motion) -> Iterator[Finding]:
        """Findings of the motion rules on one motion, at their set severity."""
        for rule in _scoped(MOTION):
            setting = self.settings.rule(rule.id, self.paths[motion.source])
            if setting.severity is None:
                continue
            self.ran.add((rule.id, motion.source))
            ctx = LintContext(self.today, setting.options)
            for found in rule.check(motion, ctx):
                yield replace(found, severity=setting.severity)

    def portfolio_findings(
        self, motions: list[Motion], scores: dict[str, int]
    ) -> Iterator[Finding]:
        """Findings of the portfolio rules over the active motions."""
        for rule in _scoped(PORTFOLIO):
            files = [m.source for m in motions if self.enabled(rule.id, m.source)]
            if not files:
                continue
            self.ran.update((rule.id, file) for file in files)
            ctx = LintContext(self.today, self.settings.rule(rule.id).options, scores)
            yield from self.configured(rule.check(motions, ctx))

    def enabled(self, rule_id: str, file: str) -> bool:
        """True unless the rule is turned off for this file."""
        return self.settings.rule(rule_id, self.paths.get(file)).severity is not None

    def configured(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        """Findings with the severity set for their file; those turned off dropped."""
        for found in findings:
            path = self.paths.get(found.file)
            severity = self.settings.rule(found.rule, path).severity
            if severity is not None:
                yield replace(found, severity=severity)


def _scoped(scope: str) -> list[Rule]:
    return [rule for rule in RULES.values() if rule.scope == scope]


def lint_project(
    project: Project,
    config: Config | None = None,
    today: date | None = None,
    portfolio: bool = True,
    settings: LintSettings | None = None,
) -> LintResult:
    """Lint the valid motions of a project; `today` fixes the clock.

    Portfolio rules run only when `portfolio` is true (a run over the whole
    project rather than a few named files). `settings` defaults to those
    read from `config`.
    """
    settings = settings or load_settings(config)
    run = _Run(project, settings, today or date.today(), config)
    suppressible = [r.id for r in RULES.values() if r.scope != SUPPRESSION]
    docs = (m.doc for m in project.motions)
    suppressions = Suppressions(docs, run.today, suppressible)
    result = LintResult(fail_on=settings.fail_on)

    # Motion rules, then the score of each motion.
    for motion in project.motions:
        found = suppressions.apply(run.motion_findings(motion))
        result.scores[motion.id] = motion_score(found)
        result.findings += found
        log.debug("%s: %d findings", motion.id, len(found))

    # Portfolio rules over the active motions, then the portfolio score.
    if portfolio:
        active = [m for m in project.motions if m.status == "active"]
        found = suppressions.apply(run.portfolio_findings(active, result.scores))
        scored = active or project.motions
        result.portfolio = portfolio_score((result.scores[m.id] for m in scored), found)
        result.findings += found

    # Suppressions that are invalid, expired or unused.
    ran = run.ran
    result.findings += run.configured(suppressions.findings(lambda r, f: (r, f) in ran))
    result.findings.sort()
    return result


def score_motions(
    project: Project, config: Config | None = None, today: date | None = None
) -> dict[str, int]:
    """The repeatability score of each motion of a valid project, by motion id."""
    return lint_project(project, config, today, portfolio=False).scores


def scores_for(
    project: Project, config: Config | None = None, today: date | None = None
) -> tuple[dict[str, int], int | None]:
    """Motion scores by id and the portfolio score, for the build's catalog and PDF.

    Pass `today` (such as the build date) for scores that do not change with
    the clock; only `ownership-freshness` reads it.
    """
    result = lint_project(project, config, today)
    return result.scores, result.portfolio
