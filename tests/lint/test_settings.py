"""Lint settings: severities, options, per-path overrides and positioned errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook.config import Config, load_config
from playbook.errors import ConfigError, Severity
from playbook.lint.settings import config_line, glob_pattern, load_settings
from tests.lint.helpers import CLEAN, lint, positions, write_project

NO_OFFER = CLEAN.replace("  offer: 15% off new switches\n", "")


def _settings(root: Path, config: str):
    (root / "playbook.toml").write_text(config, encoding="utf-8")
    return load_settings(load_config(root))


def test_defaults_without_config(tmp_path):
    settings = load_settings(load_config(tmp_path))
    one = settings.rule("one-sentence")
    assert one.severity is Severity.ERROR
    assert one.options == {"max-words": 45}
    assert settings.fail_on == "error"


def test_a_rule_turned_off_reports_nothing(project):
    root = project(NO_OFFER, '[lint.rules]\none-sentence = "off"\n')
    result = lint(root, portfolio=False)
    assert result.findings == []
    assert result.scores["switch-refresh"] == 100


def test_a_severity_set_in_config_is_used_and_scored(project):
    root = project(NO_OFFER, '[lint.rules]\none-sentence = "info"\n')
    result = lint(root, portfolio=False)
    assert [f.severity for f in result.findings] == [Severity.INFO]
    assert result.scores["switch-refresh"] == 98
    assert not result.fails("warning")


def test_an_option_changes_what_is_checked(project):
    root = project(CLEAN, "[lint.rules.one-sentence]\nmax-words = 20\n")
    result = lint(root, portfolio=False)
    assert positions(result) == ["motions/motion.yaml:19:1 one-sentence"]
    assert "at most 20" in result.findings[0].message
    assert result.findings[0].severity is Severity.ERROR


def test_severity_and_options_in_one_inline_table(project):
    config = (
        '[lint.rules]\nkit-complete = { severity = "warning", '
        'required = ["pitch-deck", "battlecard"] }\n'
    )
    result = lint(project(CLEAN, config), portfolio=False)
    assert [(f.rule, f.severity) for f in result.findings] == [
        ("kit-complete", Severity.WARNING)
    ]
    assert "battlecard" in result.findings[0].message


def test_an_override_applies_to_matching_paths_only(project):
    config = (
        '[[lint.overrides]]\npaths = ["motions/legacy/*.yaml"]\n'
        'rules = { one-sentence = "off" }\n'
    )
    other = NO_OFFER.replace("id: switch-refresh", "id: legacy-refresh")
    root = project({"motion.yaml": NO_OFFER}, config)
    (root / "motions" / "legacy").mkdir()
    (root / "motions" / "legacy" / "old.yaml").write_text(other, encoding="utf-8")
    result = lint(root, portfolio=False)
    assert positions(result) == ["motions/motion.yaml:19:1 one-sentence"]
    assert result.scores == {"legacy-refresh": 100, "switch-refresh": 80}


def test_later_overrides_win_and_options_apply_per_path(project):
    config = (
        '[[lint.overrides]]\npaths = ["**/*.yaml"]\n'
        'rules = { one-sentence = { severity = "off" } }\n'
        '[[lint.overrides]]\npaths = ["motions/motion.yaml"]\n'
        'rules = { one-sentence = { severity = "warning", max-words = 20 } }\n'
    )
    result = lint(project(CLEAN, config), portfolio=False)
    assert [(f.rule, f.severity) for f in result.findings] == [
        ("one-sentence", Severity.WARNING)
    ]


def test_portfolio_findings_follow_overrides_of_their_file(project):
    config = (
        '[[lint.overrides]]\npaths = ["motions/motion.yaml"]\n'
        'rules = { portfolio-lifecycle-gap = "off" }\n'
    )
    result = lint(project(CLEAN, config))
    assert result.findings == []


def test_settings_from_pyproject(tmp_path):
    write_project(tmp_path, {"motion.yaml": NO_OFFER})
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.playbook.lint.rules]\none-sentence = "off"\n',
        encoding="utf-8",
    )
    assert lint(tmp_path, portfolio=False).findings == []


def test_fail_on_from_config(tmp_path):
    assert _settings(tmp_path, '[lint]\nfail-on = "warning"\n').fail_on == "warning"


TWO_OVERRIDES = (
    '[[lint.overrides]]\npaths = ["a"]\n\n'
    '[[lint.overrides]]\npaths = ["b"]\nrules = { nope = "off" }\n'
)
BAD = [
    ('[lint]\nfail-on = "sometimes"\n', 2, "`fail-on` must be one of"),
    ('[lint]\nfail_on = "error"\n', 2, "did you mean `fail-on`?"),
    ('[lint.rules]\nkit-complet = "off"\n', 2, "did you mean `kit-complete`?"),
    ('[lint.rules]\n\nkit-complete = "warn"\n', 3, "severity must be one of"),
    ("[lint.rules]\nkit-complete = 3\n", 2, "must be a table"),
    ('[lint.rules.kit-complete]\nseverity = "x"\n', 2, "severity must be one of"),
    ("[lint.rules.kit-complete]\nseverity = []\n", 2, "severity must be one of"),
    ("[lint]\nfail-on = []\n", 2, "`fail-on` must be one of"),
    ("[lint.rules.one-sentence]\n\nmax-word = 40\n", 3, "did you mean `max-words`?"),
    ('[lint.rules.one-sentence]\nmax-words = "40"\n', 2, "a whole number"),
    ("[lint.rules.one-sentence]\nmax-words = 3\n", 2, "at least 10"),
    ('[lint.rules.kit-complete]\nrequired = ["deck"]\n', 2, "unknown asset types"),
    (
        '[lint.rules.sla-accountability]\nevents = { se-assigned = "soon" }\n',
        2,
        "must be a duration",
    ),
    (
        '[lint.rules.sla-accountability]\nevents = { se-signed = "2d" }\n',
        2,
        "unknown SLA events",
    ),
    ("[lint.rules.portfolio-size]\nmax-active = true\n", 2, "a whole number"),
    ("[lint.rules.portfolio-duplicate-trigger]\nsimilarity = 2\n", 2, "at most 1"),
    ('[lint.rules.no-channel-manager]\nforbidden = ["boss"]\n', 2, "unknown actors"),
    ('[lint]\noverrides = "x"\n', 2, "[[lint.overrides]]"),
    ('[[lint.overrides]]\nrules = { kit-complete = "off" }\n', 1, "needs `paths`"),
    (TWO_OVERRIDES, 6, "unknown rule `nope`"),
    ('[[lint.overrides]]\npaths = ["a"]\nwhere = "b"\n', 3, "unknown setting `where`"),
]


@pytest.mark.parametrize(
    ("config", "line", "message"), BAD, ids=[str(i) for i in range(len(BAD))]
)
def test_a_bad_setting_is_a_positioned_config_error(tmp_path, config, line, message):
    with pytest.raises(ConfigError) as caught:
        _settings(tmp_path, config)
    text = caught.value.format_message()
    assert text.startswith(f"{tmp_path / 'playbook.toml'}:{line}: ")
    assert message in text
    assert caught.value.exit_code == 2


def test_config_line_in_pyproject_tables():
    text = '[project]\nname = "x"\n[tool.playbook.lint.rules]\nkit-complete = "no"\n'
    assert config_line(text, ("lint", "rules", "kit-complete")) == 4


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("motions/legacy/*.yaml", "motions/legacy/a.yaml", True),
        ("motions/legacy/*.yaml", "motions/legacy/deep/a.yaml", False),
        ("motions/**/*.yaml", "motions/legacy/deep/a.yaml", True),
        ("motions/**/*.yaml", "motions/a.yaml", True),
        ("./motions/a.yaml", "motions/a.yaml", True),
        ("motions/?.yaml", "motions/ab.yaml", False),
        (".hidden/*.yaml", ".hidden/a.yaml", True),
    ],
)
def test_glob_patterns(glob, path, matches):
    assert bool(glob_pattern(glob).fullmatch(path)) is matches


KEYS = st.sampled_from(
    [
        "rules",
        "overrides",
        "fail-on",
        "paths",
        "severity",
        "one-sentence",
        "kit-complete",
        "max-words",
        "required",
        "events",
        "se-assigned",
        "x",
    ]
)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 50)
    | st.floats(0, 2)
    | st.sampled_from(["off", "error", "48h", "pitch-deck", "*.yaml", "x"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=4))
def test_any_lint_table_is_read_or_refused_with_a_config_error(data):
    config = Config(root=Path("."), file=Path("playbook.toml"), text="", lint=data)
    try:
        load_settings(config)
    except ConfigError as error:
        assert error.format_message().startswith("playbook.toml:")
