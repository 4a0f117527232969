"""Lint: repeatability rules over valid motions, with findings and a score.

Use `lint_project` for every finding and the scores, `scores_for` for the
motion and portfolio scores the build shows in the catalog and the PDF, or
`score_motions` for the motion scores alone.
"""

from playbook.lint.engine import LintResult, lint_project, score_motions, scores_for
from playbook.lint.rules import RULES

__all__ = ["RULES", "LintResult", "lint_project", "score_motions", "scores_for"]
