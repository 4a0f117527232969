"""Lint settings: rule severities, options and per-path overrides from the config.

They live in the `[lint]` table of `playbook.toml`, or `[tool.playbook.lint]`
of `pyproject.toml`, found from the current folder upward:

```toml
[lint]
fail-on = "error"                      # default of --fail-on: error, warning, never

[lint.rules]
ownership-freshness = "error"          # a severity: error, warning, info, or off
portfolio-size = "off"
one-sentence = { max-words = 40 }      # options, keeping the default severity

[lint.rules.kit-complete]              # a severity and options together
severity = "warning"
required = ["pitch-deck", "email-copy", "pricing-calculator|roi-calculator"]

[[lint.overrides]]                     # for some files only; later ones win
paths = ["motions/legacy/*.yaml"]      # globs relative to the project folder
rules = { ownership-freshness = "off", kit-complete = { severity = "info" } }
```

In `paths`, `*` matches within one folder and `**` across folders. An
option set in the configuration replaces the default value as a whole (a
list or table is not merged). Portfolio rules take their options from
`[lint.rules]`; overrides set the severity of their findings by file. A
mistake (an unknown rule or option, a value of the wrong kind) stops the
run with the file and line of the mistake.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from playbook.config import Config
from playbook.errors import ConfigError, Severity
from playbook.lint.base import Rule
from playbook.lint.rules import RULES

SEVERITIES: dict[str, Severity | None] = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "off": None,
}
FAIL_ON = ("error", "warning", "never")
_KEYS = ("fail-on", "rules", "overrides")
_Keys = tuple[str | int, ...]
"""A setting's place in the config: table keys, and an index in [[overrides]]."""
_OVERRIDE_KEYS = ("paths", "rules")


@dataclass(frozen=True)
class RuleSetting:
    """How one rule runs for one file: its severity (None when off), its options."""

    severity: Severity | None
    options: Mapping[str, Any]


@dataclass(frozen=True)
class _Change:
    """A partial rule setting: what one config entry changes."""

    options: Mapping[str, Any] = field(default_factory=dict)
    sets_severity: bool = False
    severity: Severity | None = None

    def apply(self, setting: RuleSetting) -> RuleSetting:
        """The setting with this change made on top of it."""
        severity = self.severity if self.sets_severity else setting.severity
        return RuleSetting(severity, {**setting.options, **self.options})


@dataclass(frozen=True)
class _Override:
    patterns: tuple[re.Pattern[str], ...]
    changes: Mapping[str, _Change]

    def matches(self, path: str) -> bool:
        """True when a project-relative path matches one of the globs."""
        return any(pattern.fullmatch(path) for pattern in self.patterns)


@dataclass(frozen=True)
class LintSettings:
    """Every rule's base setting plus the overrides that apply by path."""

    base: Mapping[str, RuleSetting]
    overrides: tuple[_Override, ...] = ()
    fail_on: str = "error"

    def rule(self, rule_id: str, path: str | None = None) -> RuleSetting:
        """The setting of a rule for a file (a path relative to the project)."""
        setting = self.base[rule_id]
        for override in self.overrides:
            change = override.changes.get(rule_id)
            if change and path is not None and override.matches(path):
                setting = change.apply(setting)
        return setting


def default_settings() -> LintSettings:
    """Every rule at its default severity and options."""
    return LintSettings(
        {
            rule_id: RuleSetting(rule.severity, rule.defaults())
            for rule_id, rule in RULES.items()
        }
    )


def load_settings(config: Config | None) -> LintSettings:
    """Read and check the lint settings of a project configuration."""
    defaults = default_settings()
    data = config.lint if config else {}
    if not data:
        return defaults
    reader = _Reader(config)  # type: ignore[arg-type]
    reader.keys(data, ("lint",), _KEYS)
    fail_on = data.get("fail-on", "error")
    if not isinstance(fail_on, str) or fail_on not in FAIL_ON:
        reader.fail(("lint", "fail-on"), f"`fail-on` must be one of {_or(FAIL_ON)}")
    rules = reader.table(data.get("rules", {}), ("lint", "rules"))
    base = dict(defaults.base)
    for rule_id, value in rules.items():
        change = reader.change(rule_id, value, ("lint", "rules", rule_id))
        base[rule_id] = change.apply(base[rule_id])
    overrides = tuple(reader.overrides(data.get("overrides", [])))
    return LintSettings(base, overrides, fail_on)


def glob_pattern(glob: str) -> re.Pattern[str]:
    """A path glob as a pattern: `*` within a folder, `**` across folders."""
    glob = glob.strip()
    while glob.startswith("./"):
        glob = glob[2:]
    parts = re.split(r"(\*\*/?|\*|\?)", glob or "*")
    tokens = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(tokens.get(p, re.escape(p)) for p in parts))


def relative_path(path: Path, root: Path) -> str:
    """A file's path relative to the project folder, with forward slashes."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


class _Reader:
    """Check config values one by one, raising a positioned ConfigError."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def fail(self, keys: _Keys, message: str) -> NoReturn:
        """Stop with `file:line: message` for the setting at `keys`."""
        file = self.config.file or "configuration"
        line = config_line(self.config.text, keys)
        raise ConfigError(f"{file}:{line}: {message}")

    def table(self, value: Any, keys: _Keys) -> dict[str, Any]:
        """The value, which must be a TOML table."""
        if not isinstance(value, dict):
            self.fail(keys, f"`{_dotted(keys)}` must be a table")
        return value

    def keys(self, data: dict, keys: _Keys, known: Iterable[str]) -> None:
        """Refuse keys of a table that are not among `known`."""
        for key in data:
            if key not in known:
                self.fail((*keys, key), _unknown(f"setting `{key}`", key, known))

    def change(self, rule_id: str, value: Any, keys: _Keys) -> _Change:
        """A rule entry: a severity, or a table of severity and options."""
        rule = RULES.get(rule_id)
        if rule is None:
            self.fail(keys, _unknown(f"rule `{rule_id}`", rule_id, RULES))
        if isinstance(value, str):
            return _Change(sets_severity=True, severity=self.severity(value, keys))
        table = self.table(value, keys)
        options = {k: v for k, v in table.items() if k != "severity"}
        for name, option_value in options.items():
            self.option(rule, name, option_value, (*keys, name))
        if "severity" not in table:
            return _Change(options)
        severity = self.severity(table["severity"], (*keys, "severity"))
        return _Change(options, True, severity)

    def severity(self, value: Any, keys: _Keys) -> Severity | None:
        """A severity name as a Severity, or None for off."""
        if not isinstance(value, str) or value not in SEVERITIES:
            self.fail(
                keys,
                f"a rule's severity must be one of {_or(SEVERITIES)}, not {value!r}",
            )
        return SEVERITIES[value]

    def option(self, rule: Rule, name: str, value: Any, keys: _Keys) -> None:
        """Refuse an unknown option or a value of the wrong kind."""
        if name not in rule.options:
            known = ["severity", *rule.options]
            what = f"option `{name}` of rule `{rule.id}`"
            self.fail(keys, _unknown(what, name, known))
        problem = _type_problem(rule.options[name].default, value)
        if problem is None and rule.check_option:
            problem = rule.check_option(name, value)
        if problem:
            self.fail(keys, f"{rule.id}: {problem}")

    def overrides(self, value: Any) -> Iterable[_Override]:
        """Every [[lint.overrides]] table, checked."""
        if not isinstance(value, list):
            self.fail(
                ("lint", "overrides"),
                "`overrides` must be written as [[lint.overrides]] tables",
            )
        for index, entry in enumerate(value):
            keys: _Keys = ("lint", "overrides", index)
            entry = self.table(entry, keys)
            self.keys(entry, keys, _OVERRIDE_KEYS)
            paths = entry.get("paths")
            if not _is_text_list(paths) or not paths:
                self.fail(
                    (*keys, "paths"),
                    "an override needs `paths`, a list of "
                    'globs such as ["motions/legacy/*.yaml"]',
                )
            rules = self.table(entry.get("rules", {}), (*keys, "rules"))
            changes = {
                rid: self.change(rid, v, (*keys, "rules", rid))
                for rid, v in rules.items()
            }
            yield _Override(tuple(glob_pattern(p) for p in paths), changes)


def _type_problem(default: Any, value: Any) -> str | None:
    """Why `value` cannot replace `default`, judged by the default's kind."""
    if isinstance(default, bool):
        ok, kind = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
        kind = "a whole number"
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        kind = "a number"
    elif isinstance(default, list):
        ok, kind = _is_text_list(value), "a list of texts in quotes"
    elif isinstance(default, dict):
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        kind = "a table of texts in quotes"
    else:
        ok, kind = isinstance(value, str), "a text in quotes"
    return None if ok else f"the value must be {kind}, not {value!r}"


def _or(items: Iterable[str]) -> str:
    return ", ".join(items)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"unknown {what}" + (f"; did you mean `{close[0]}`?" if close else "")


def _dotted(keys: _Keys) -> str:
    return ".".join(str(k) for k in keys if isinstance(k, str))


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")


def config_line(text: str, keys: _Keys) -> int:
    """Best-effort line of a setting in a TOML text (1 when not found).

    TOML parsers give no positions, so the line is found from the table
    headers (`[lint.rules]`, the n-th `[[lint.overrides]]`; a
    `tool.playbook.` prefix is ignored) and the keys written under them.
    """
    lines = text.splitlines()
    sections = _sections(lines)
    for depth in range(len(keys), 0, -1):
        name, index = _dotted(keys[:depth]), _index(keys[:depth])
        found = [s for s in sections if s[1] == name]
        if len(found) > index:
            start, _, end = found[index]
            rest = [k for k in keys[depth:] if isinstance(k, str)]
            return _key_line(lines, start, end, rest) or start + 1
    return _key_line(lines, 0, len(lines), [str(keys[-1])] if keys else []) or 1


def _sections(lines: list[str]) -> list[tuple[int, str, int]]:
    """(header line index, table name, end index) of every table header."""
    heads = []
    for i, line in enumerate(lines):
        match = _HEADER.match(line)
        if match:
            name = re.sub(r"[\"'\s]", "", match.group(2)).removeprefix("tool.playbook.")
            heads.append((i, name))
    ends = [i for i, _ in heads[1:]] + [len(lines)]
    return [(i, name, end) for (i, name), end in zip(heads, ends, strict=False)]


def _index(keys: _Keys) -> int:
    return keys[-1] if keys and isinstance(keys[-1], int) else 0  # type: ignore[return-value]


def _key_line(lines: list[str], start: int, end: int, keys: list[str]) -> int | None:
    """The line under a header where the first of `keys` is set, if any."""
    if not keys:
        return None
    pattern = re.compile(r"(^|[\s{,])[\"']?" + re.escape(keys[0]) + r"[\"']?\s*=")
    for i in range(start, end):
        if pattern.search(lines[i].split("#", 1)[0]):
            return i + 1
    return None
