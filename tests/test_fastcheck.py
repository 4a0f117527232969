"""The fast yes/no check never calls an invalid motion valid.

It exists for speed only: whenever it says "valid", the full validator must
find nothing. Checked on every golden case, the bundled motions and many
random edits of a valid motion.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from playbook.loader import load_bytes
from playbook.validate import explain_document, fast_check, schema_for
from tests.conftest import REPO


def _agrees(doc) -> bool:
    quick = fast_check(schema_for(doc))
    assert quick is not None, "the fast check must cover the whole schema"
    full = explain_document(doc)
    return not (quick(doc.data) and full)


def test_fast_check_agrees_on_every_file_in_the_repository() -> None:
    files = [*REPO.glob("motions/**/*.yaml"), *REPO.glob("tests/cases/**/*.yaml")]
    assert len(files) > 20
    for path in files:
        doc, _ = load_bytes(path.read_bytes(), path, path.name)
        if doc is not None:
            assert _agrees(doc), path


def test_fast_check_says_valid_for_the_bundled_motions() -> None:
    for path in REPO.glob("motions/**/*.yaml"):
        doc, _ = load_bytes(path.read_bytes(), path, path.name)
        assert fast_check(schema_for(doc))(doc.data), path


_SAMPLE = (REPO / "motions" / "threat-health-check.yaml").read_text(encoding="utf-8")
_LINES = _SAMPLE.splitlines()
_REPLACEMENTS = st.sampled_from(
    [
        "",
        "x",
        "42",
        "-1",
        "yes",
        "2027-02-30",
        "[]",
        "{}",
        "[a, a]",
        "~",
        "https://x.y",
        "ftp://x",
        "not an email",
        "a@b.co",
        "48h",
        "0h",
        "var",
        "channel-manager",
        "'1.2.3'",
        "{use: nothing}",
        "{file: x, url: 'https://x'}",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(_LINES) - 1), _REPLACEMENTS)
def test_fast_check_agrees_after_replacing_a_value(line: int, value: str) -> None:
    key, sep, _ = _LINES[line].partition(": ")
    edited = list(_LINES)
    edited[line] = f"{key}{sep}{value}" if sep else f"{_LINES[line]} {value}"
    doc, _ = load_bytes("\n".join(edited).encode(), Path("m.yaml"), "m.yaml")
    if doc is not None:
        assert _agrees(doc)
