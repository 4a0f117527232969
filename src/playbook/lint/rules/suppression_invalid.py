"""suppression-invalid: an inline suppression that cannot be used.

Findings of this rule are made by `playbook.lint.suppress`, which reads the
comments; this module only declares the rule and its docs.
"""

from playbook.errors import Severity

ID = "suppression-invalid"
SEVERITY = Severity.ERROR
SUMMARY = "A suppression comment has no reason, an unknown rule or a malformed date."
DOC = {
    "what": (
        "Every `# playbook: ignore[...]` comment names known rule ids, gives a "
        'non-empty `reason="..."`, and writes `until=` as a real date '
        "(YYYY-MM-DD). An invalid suppression suppresses nothing."
    ),
    "why": (
        "A suppression is a decision someone must be able to read later. Without a "
        "reason nobody knows whether it still holds, and a misspelt rule id "
        "silently hides nothing while looking like it does."
    ),
    "example": "  window: soon  # playbook: ignore[observable-trigger]",
    "fix": (
        'Add `reason="..."` with why the finding does not apply, and check the '
        "rule id with `playbook rules`."
    ),
}
