"""Rule docs: complete for every rule, and docs/rules.md generated from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from playbook.config import load_config
from playbook.errors import Severity
from playbook.lint import settings, suppress
from playbook.lint.base import DOC_HEADINGS
from playbook.lint.docs import rules_markdown
from playbook.lint.rules import RULES
from playbook.lint.settings import load_settings
from playbook.loader import Document

REPO = Path(__file__).resolve().parents[2]
RULES_DIR = REPO / "src" / "playbook" / "lint" / "rules"


def test_docs_rules_md_is_up_to_date():
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), (
        "docs/rules.md is stale: run `playbook rules --format markdown > docs/rules.md`"
    )


def test_every_rule_module_is_registered_under_its_id():
    modules = {p.stem for p in RULES_DIR.glob("*.py") if p.stem != "__init__"}
    assert {rule_id.replace("-", "_") for rule_id in RULES} == modules


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_every_rule_is_documented(rule):
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id)
    assert isinstance(rule.severity, Severity)
    assert set(rule.doc) == set(DOC_HEADINGS)
    assert all(text.strip() for text in rule.doc.values())
    assert rule.summary.endswith(".") and len(rule.summary) <= 80
    for name, option in rule.options.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name) and option.help.strip()


def _block(doc: str, language: str) -> str:
    return doc.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_documented_config_example_is_valid(tmp_path):
    example = _block(settings.__doc__ or "", "toml")
    (tmp_path / "playbook.toml").write_text(example, encoding="utf-8")
    loaded = load_settings(load_config(tmp_path))
    assert loaded.fail_on == "error"
    assert loaded.rule("portfolio-size").severity is None
    legacy = loaded.rule("kit-complete", "motions/legacy/old.yaml")
    assert legacy.severity is Severity.INFO


def test_the_documented_suppressions_parse(tmp_path):
    example = _block(suppress.__doc__ or "", "yaml")
    doc = Document(tmp_path / "m.yaml", "m.yaml", example, {})
    items = suppress.parse(doc, RULES)
    assert [(i.rules, i.problem) for i in items] == [
        (("ownership-freshness",), ""),
        (("kit-complete", "one-sentence"), ""),
    ]
    assert [i.target for i in items] == [1, 3]
