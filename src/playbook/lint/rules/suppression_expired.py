"""suppression-expired: an inline suppression whose `until` date has passed.

Findings of this rule are made by `playbook.lint.suppress`; this module only
declares the rule and its docs.
"""

from playbook.errors import Severity

ID = "suppression-expired"
SEVERITY = Severity.WARNING
SUMMARY = "A suppression's `until` date has passed, so it no longer applies."
DOC = {
    "what": (
        "A suppression with `until=YYYY-MM-DD` applies up to and including that "
        "day. After it, the suppression is reported and the findings it hid are "
        "reported again."
    ),
    "why": (
        "Exceptions are meant to be temporary: a kit waiting for its customer "
        "reference, an SLA being renegotiated. An expiry date makes sure someone "
        "looks again."
    ),
    "example": (
        'assets:  # playbook: ignore[kit-complete] reason="reference due" '
        "until=2024-06-30"
    ),
    "fix": (
        "Fix what the suppression hid and delete the comment, or, if the "
        "exception still holds, set a new `until` date and update the reason."
    ),
}
