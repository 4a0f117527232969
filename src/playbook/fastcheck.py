"""A fast yes/no check of data against the motion schema.

Almost every motion in a real project is valid, and a full JSON Schema
validator spends most of its time proving that. This module compiles the
schema once into nested Python closures that only answer "valid or not";
when the answer is "not", the full validator runs to explain why. The
schema stays the single source of truth: the closures are built from it,
and a keyword this compiler does not know makes it give up (return None),
so the full validator is used for everything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = {
    "$schema",
    "$id",
    "title",
    "description",
    "examples",
    "x-hint",
    "$defs",
    "default",
    "$comment",
}


class _Unsupported(Exception):
    """The schema uses a keyword the fast check does not implement."""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_uri(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    scheme, sep, rest = value.partition(":")
    return bool(
        sep
        and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", scheme)
        and rest
        and not any(c.isspace() for c in value)
    )


FORMATS: dict[str, Check] = {
    "date": _is_date,
    "email": lambda v: not isinstance(v, str) or bool(_EMAIL.match(v)),
    "uri": _is_uri,
}

_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class _Compiler:
    def __init__(self, schemas: dict[str, dict[str, Any]], root: str) -> None:
        self.schemas = schemas
        self.root = root
        self.cache: dict[tuple[str, str], Check] = {}

    def ref(self, base: str, ref: str) -> Check:
        document, _, pointer = ref.partition("#")
        document = document or base
        key = (document, pointer)
        if key not in self.cache:
            self.cache[key] = lambda v: self.cache[key](v)  # allows recursion
            node: Any = self.schemas[document]
            for part in filter(None, pointer.split("/")):
                node = node[part]
            self.cache[key] = self.compile(node, document)
        return self.cache[key]

    def compile(self, schema: dict[str, Any], base: str) -> Check:
        checks: list[Check] = []
        known: set[str] = set()
        for keyword, builder in _KEYWORDS.items():
            if keyword in schema:
                known.add(keyword)
                built = builder(self, schema, base)
                if built is not None:
                    checks.append(built)
        unknown = set(schema) - known - _ANNOTATIONS - _HANDLED_ELSEWHERE
        if unknown:
            raise _Unsupported(", ".join(sorted(unknown)))
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(check(v) for check in checks)

    def evaluated(self, schema: dict[str, Any], base: str) -> set[str] | None:
        """Property names a schema (with its allOf refs) evaluates, for unevaluated*."""
        names = set(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            if set(part) - {"$ref"}:
                return None
            document, _, pointer = part["$ref"].partition("#")
            node: Any = self.schemas[document or base]
            for piece in filter(None, pointer.split("/")):
                node = node[piece]
            if "oneOf" in node or "anyOf" in node or "additionalProperties" in node:
                return None
            names |= set(node.get("properties", {}))
        return names


_HANDLED_ELSEWHERE = {"unevaluatedProperties"}


def _is_calendar_date(v: Any) -> bool:
    return isinstance(v, (str, date)) and not isinstance(v, datetime)


def _type(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    wanted = s["type"]
    if wanted == "string" and s.get("format") == "date":
        return _is_calendar_date  # YAML reads unquoted dates as dates: what was meant
    if isinstance(wanted, list):
        checks = [_TYPES[w] for w in wanted]
        return lambda v: any(check(v) for check in checks)
    return _TYPES[wanted]


def _enum(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    allowed = s["enum"]
    return lambda v: any(v == a and type(v) is type(a) for a in allowed)


def _const(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    wanted = s["const"]
    return lambda v: v == wanted and type(v) is type(wanted)


def _pattern(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    search = re.compile(s["pattern"]).search
    return lambda v: not isinstance(v, str) or search(v) is not None


def _format(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    if s["format"] not in FORMATS:
        raise _Unsupported(f"format {s['format']}")
    return FORMATS[s["format"]]


def _min_length(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    least = s["minLength"]
    return lambda v: not isinstance(v, str) or len(v) >= least


def _max_length(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    most = s["maxLength"]
    return lambda v: not isinstance(v, str) or len(v) <= most


def _minimum(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    least = s["minimum"]
    return lambda v: not _TYPES["number"](v) or (not math.isnan(v) and v >= least)


def _min_items(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    least = s["minItems"]
    return lambda v: not isinstance(v, list) or len(v) >= least


def _unique(c: _Compiler, s: dict[str, Any], base: str) -> Check | None:
    if not s["uniqueItems"]:
        return None

    def check(v: Any) -> bool:
        if not isinstance(v, list):
            return True
        seen = [(type(x), x) for x in v]
        return all(seen[i] not in seen[:i] for i in range(len(seen)))

    return check


def _items(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    item = c.compile(s["items"], base)
    return lambda v: not isinstance(v, list) or all(item(x) for x in v)


def _required(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    names = s["required"]
    return lambda v: not isinstance(v, dict) or all(n in v for n in names)


def _properties(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    checks = {name: c.compile(sub, base) for name, sub in s["properties"].items()}
    closed: set[str] | None = None
    extra: Check | None = None
    additional = s.get("additionalProperties", True)
    if additional is False:
        closed = set(checks)
    elif isinstance(additional, dict):
        extra = c.compile(additional, base)
    if s.get("unevaluatedProperties", True) is False:
        closed = c.evaluated(s, base)
        if closed is None:
            raise _Unsupported("unevaluatedProperties")

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for name, value in v.items():
            sub = checks.get(name)
            if sub is not None:
                if not sub(value):
                    return False
            elif closed is not None:
                if name not in closed:
                    return False
            elif extra is not None and not extra(value):
                return False
        return True

    return check


def _additional(c: _Compiler, s: dict[str, Any], base: str) -> Check | None:
    if "properties" in s:
        return None  # handled together with properties
    additional = s["additionalProperties"]
    if additional is False:
        return lambda v: not isinstance(v, dict) or not v
    sub = c.compile(additional, base)
    return lambda v: not isinstance(v, dict) or all(sub(x) for x in v.values())


def _property_names(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    sub = c.compile(s["propertyNames"], base)
    return lambda v: not isinstance(v, dict) or all(sub(k) for k in v)


def _ref(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    return c.ref(base, s["$ref"])


def _all_of(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    checks = [c.compile(sub, base) for sub in s["allOf"]]
    return lambda v: all(check(v) for check in checks)


def _one_of(c: _Compiler, s: dict[str, Any], base: str) -> Check:
    checks = [c.compile(sub, base) for sub in s["oneOf"]]
    return lambda v: sum(1 for check in checks if check(v)) == 1


_KEYWORDS: dict[str, Callable[[_Compiler, dict[str, Any], str], Check | None]] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "format": _format,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minimum": _minimum,
    "minItems": _min_items,
    "uniqueItems": _unique,
    "items": _items,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    "propertyNames": _property_names,
    "$ref": _ref,
    "allOf": _all_of,
    "oneOf": _one_of,
}


def compile_schema(schemas: dict[str, dict[str, Any]], root: str) -> Check | None:
    """A yes/no check for `schemas[root]`, or None when the schema is beyond it."""
    compiler = _Compiler(schemas, root)
    try:
        return compiler.compile(schemas[root], root)
    except (_Unsupported, KeyError, re.error):
        return None
