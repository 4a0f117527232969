"""suppression-unused: an inline suppression that hides nothing.

Findings of this rule are made by `playbook.lint.suppress`; this module only
declares the rule and its docs.
"""

from playbook.errors import Severity

ID = "suppression-unused"
SEVERITY = Severity.WARNING
SUMMARY = "A suppression names a rule that reports nothing on its line."
DOC = {
    "what": (
        "Each rule named in a valid, unexpired suppression hides at least one "
        "finding on the line it covers. A suppression of a rule that is turned "
        "off for the file, or that did not run, is not reported."
    ),
    "why": (
        "Once the problem is fixed, a leftover suppression would silently hide the "
        "next real problem on that line."
    ),
    "example": (
        "  window: 6 to 12 months before end of support"
        '  # playbook: ignore[observable-trigger] reason="no window yet"'
    ),
    "fix": "Delete the suppression, or the rule id that no longer applies.",
}
