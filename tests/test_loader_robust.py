"""No input crashes the loader: the public YAML test suite and random mutations.

Every input must give either data or findings that each carry a real
position and a message; never an exception.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbook.loader import load_bytes
from playbook.project import load_project
from tests.conftest import SHARED

SUITE = SHARED / "peer" / "yaml-test-suite"
SUITE_CASES = sorted(SUITE.glob("**/in.yaml"))


def _assert_clean(findings, text: str) -> None:
    lines = max(1, text.count("\n") + 1)
    for finding in findings:
        assert finding.message, finding
        assert 1 <= finding.line <= lines + 1, finding
        assert finding.col >= 1, finding


def test_the_suite_is_there() -> None:
    assert len(SUITE_CASES) > 300


@pytest.mark.parametrize(
    "case", SUITE_CASES, ids=lambda p: p.parent.relative_to(SUITE).as_posix()
)
def test_yaml_suite_case_gives_data_or_positioned_error(case: Path) -> None:
    raw = case.read_bytes()
    doc, findings = load_bytes(raw, case, "in.yaml")
    assert doc is not None or findings
    _assert_clean(findings, raw.decode("utf-8", "replace"))
    if doc is not None:
        json.dumps(
            doc.data, default=lambda v: v.isoformat() if isinstance(v, date) else None
        )
        project = load_project(case.parent, [case])
        _assert_clean(project.findings, raw.decode("utf-8", "replace"))


def test_suite_errors_are_refused_where_the_suite_says_so() -> None:
    """Most inputs the suite marks invalid are refused (libyaml is lenient on a few)."""
    invalid = [c for c in SUITE_CASES if (c.parent / "error").exists()]
    refused = [c for c in invalid if load_bytes(c.read_bytes(), c, "x")[0] is None]
    assert len(refused) >= 0.8 * len(invalid)


VALID = """\
id: fuzz-me
name: Fuzzed motion
version: "1.0.0"
status: active
domain: security
lifecycle: activate
trigger:
  event: a new regulation is announced
  signals: [press coverage, auditor letter]
  window: "within 30 days"
partners: {lead: [mssp], support: [msp]}
pitch:
  who: the CISO
  say: a scan this week beats a fine next year
  offer: a free vulnerability scan
steps:
  - actor: partner-ae
    action: Call the CISO
    sla: first-meeting-booked
slas:
  - {event: first-meeting-booked, within: 3d, owner: partner-ae}
metrics:
  - {metric: replication-rate, target: 12, unit: partners, direction: at-least}
offer: {incentive: free-assessment, description: a scan, expires: 2027-01-31}
internal:
  notes: &n keep it quiet
  escalation: *n
"""

_ALPHABET = st.sampled_from(
    list(":-[]{}&*!|>'\"#%@`,?\t\n \\~0123456789abcyesno\ufeff\x00é")
)


@st.composite
def _mutations(draw) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate-line", "swap"]))
        if kind == "insert":
            text = (
                text[:at] + draw(st.text(_ALPHABET, min_size=1, max_size=4)) + text[at:]
            )
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 6)) :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate-line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_random_mutations_never_raise(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "motion.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        project = load_project(Path(folder), [path], base=Path(folder))
        _assert_clean(project.findings, text)
        assert project.findings or len(project.motions) == 1
