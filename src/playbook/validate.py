"""Schema validation with messages an enablement manager understands.

The JSON Schema in `schemas/` is the single source of truth for the format.
This module runs it (compiled once per process) and turns each raw schema
error into one positioned sentence: a missing field names the field and its
parent, a bad choice lists the allowed values and suggests the nearest, a
union (`oneOf`) speaks only of the branch the author clearly meant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from difflib import get_close_matches
from functools import cache
from typing import TYPE_CHECKING, Any

from playbook.errors import Finding
from playbook.fastcheck import FORMATS, compile_schema
from playbook.loader import Document, Path_, describe_written
from playbook.resources import schema_path

if TYPE_CHECKING:  # jsonschema is imported only when a document is invalid
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError

MOTION_SCHEMA = "motion.schema.json"
FRAGMENTS_SCHEMA = "fragments.schema.json"

_SHAPE_KEYWORDS = {"required", "additionalProperties", "unevaluatedProperties", "const"}


def _format_checker() -> FormatChecker:
    """Format checks that are really enforced, the same as the fast check's."""
    from jsonschema import FormatChecker

    checker = FormatChecker([])
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The bundled JSON Schema called `name`, parsed."""
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    """A compiled validator for one bundled schema, built once per process."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry = Registry()
    for other in (MOTION_SCHEMA, FRAGMENTS_SCHEMA):
        resource = Resource.from_contents(load_schema(other))
        registry = registry.with_resources(
            [(other, resource), (resource.id(), resource)]
        )
    return Draft202012Validator(
        load_schema(name), registry=registry, format_checker=_format_checker()
    )


def schema_for(doc: Document) -> str:
    """Which schema a document follows: fragment files hold `fragments:`."""
    if isinstance(doc.data, dict) and "fragments" in doc.data and "id" not in doc.data:
        return FRAGMENTS_SCHEMA
    return MOTION_SCHEMA


@cache
def fast_check(name: str) -> Callable[[Any], bool] | None:
    """The compiled yes/no check of a schema (see `fastcheck`), built once."""
    schemas = {other: load_schema(other) for other in (MOTION_SCHEMA, FRAGMENTS_SCHEMA)}
    return compile_schema(schemas, name)


def validate_document(doc: Document) -> list[Finding]:
    """Every schema problem of one document, as positioned plain-word findings."""
    quick = fast_check(schema_for(doc))
    valid = quick is not None and quick(doc.data)
    findings = [] if valid else explain_document(doc)
    taken = {(f.line, f.col) for f in findings}
    for path in sorted(doc.unplain, key=str):
        finding = _unplain_number(doc, path)
        if (finding.line, finding.col) not in taken:
            findings.append(finding)
    return sorted(findings)


def _unplain_number(doc: Document, path: Path_) -> Finding:
    """A number YAML 1.1 reads otherwise than written: 010 is 8, 1:30 is 90."""
    written, value = doc.written[path], _value_at(doc.data, path)
    return _finding(
        doc,
        path,
        f"{_field(path)} is written `{written}`, which YAML reads as the number "
        f"{value}; write plain digits (like {value}) for a number, or put it in "
        f'quotes ("{written}") if it is text',
    )


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def explain_document(doc: Document) -> list[Finding]:
    """Run the full validator and translate each error (the slow, thorough path)."""
    errors = validator(schema_for(doc)).iter_errors(doc.data)
    findings: dict[tuple, Finding] = {}
    for error in errors:
        for finding in _explain(doc, error):
            findings.setdefault((finding.line, finding.col, finding.message), finding)
    return sorted(findings.values())


def _path(error: ValidationError) -> Path_:
    return tuple(error.absolute_path)


_SINGULAR = {
    "assets": "asset",
    "slas": "SLA",
    "steps": "step",
    "metrics": "metric",
    "signals": "signal",
    "lead": "lead partner type",
    "support": "supporting partner type",
    "tags": "tag",
}


def _field(path: Path_) -> str:
    """How a field is named in a message: `trigger.window`, `url` (asset 2)."""
    context, keys = "", []
    for part in path:
        if isinstance(part, int):
            name = keys.pop() if keys else ""
            context = f"{_SINGULAR.get(name, name)} {part + 1}"
            keys = []
        else:
            keys.append(part)
    if not keys:
        return context or "the motion"
    dotted = ".".join(keys)
    return f"`{dotted}` (in {context})" if context else f"`{dotted}`"


def _explain(doc: Document, error: ValidationError) -> Iterator[Finding]:
    """One or more findings for a raw schema error."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        yield from _explain_union(doc, error)
        return
    handler = _HANDLERS.get(str(error.validator), _generic)
    yield from handler(doc, error)


def _branches(error: ValidationError) -> dict[int, list[ValidationError]]:
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    return branches


def _shape_misses(errors: list[ValidationError]) -> int:
    """How many errors say the data has a different shape than the branch."""
    count = 0
    for sub in errors:
        if sub.validator in _SHAPE_KEYWORDS or (
            sub.validator == "type" and not sub.path
        ):
            count += 1
        elif sub.validator in ("oneOf", "anyOf") and sub.context and not sub.path:
            count += min(_shape_misses(errs) for errs in _branches(sub).values())
    return count


def _explain_union(doc: Document, error: ValidationError) -> Iterator[Finding]:
    """Speak of the branch the author clearly meant, never of all of them.

    A branch is meant when the data names it (`kind: asset`), else when the
    data has its shape (`url:` present); when every branch only misses its
    own key, say which keys would do.
    """
    branches = _branches(error)
    if not branches:
        yield from _generic(doc, error)
        return
    path = _path(error)
    named = _named_branch(error)
    if isinstance(named, str):
        yield _finding(doc, (*path, named), _wrong_kind(error, named))
        return
    missing = _only_missing(branches)
    if named is None and missing:
        keys = " or ".join(f"`{key}`" for key in missing)
        yield _finding(doc, path, f"{_field(path)} needs {keys}", at_key=True)
        return
    best = (
        named
        if named is not None
        else min(
            branches, key=lambda i: (_shape_misses(branches[i]), len(branches[i]), i)
        )
    )
    for sub in branches.get(best, []):
        yield from _explain(doc, sub)


def _discriminators(error: ValidationError) -> dict[str, list[Any]]:
    """Properties whose `const` tells the branches apart, with each branch's value."""
    found: dict[str, list[Any]] = {}
    for branch in error.validator_value:
        schema = _resolve_ref(branch["$ref"]) if "$ref" in branch else branch
        for name, prop in schema.get("properties", {}).items():
            if "const" in prop:
                found.setdefault(name, []).append(prop["const"])
    return {k: v for k, v in found.items() if len(v) == len(error.validator_value)}


def _named_branch(error: ValidationError) -> int | str | None:
    """The branch the data names, the property naming none, or None."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    for name, values in _discriminators(error).items():
        if name in instance:
            return values.index(instance[name]) if instance[name] in values else name
    return None


def _wrong_kind(error: ValidationError, name: str) -> str:
    allowed = ", ".join(f"`{v}`" for v in _discriminators(error)[name])
    return f"`{error.instance[name]}` is not a known `{name}`; use one of {allowed}"


def _only_missing(branches: dict[int, list[ValidationError]]) -> list[str]:
    """The keys that would each satisfy a branch, when nothing else is wrong."""
    keys = []
    for errors in branches.values():
        if len(errors) != 1 or errors[0].validator != "required" or errors[0].path:
            return []
        instance = errors[0].instance if isinstance(errors[0].instance, dict) else {}
        keys += [k for k in errors[0].validator_value if k not in instance]
    return keys


def _finding(doc: Document, path: Path_, message: str, at_key: bool = False) -> Finding:
    mark = doc.key_mark(path) if at_key else doc.mark(path)
    return Finding(doc.name, mark.line, mark.col, "format/schema", message=message)


def _title(schema: dict[str, Any]) -> str:
    return schema.get("title", "")


def _required(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    properties = error.schema.get("properties", {})
    for name in error.validator_value:
        if isinstance(error.instance, dict) and name not in error.instance:
            described = _describe_property(properties.get(name, {}))
            where = _field(path)
            if not path and doc.data and "fragments" in doc.data:
                where = "the fragments file"
            yield _finding(
                doc, path, f"{where} needs the field `{name}`{described}", at_key=True
            )


def _describe_property(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    target = _resolve_ref(ref) if ref else schema
    title = schema.get("title") or target.get("title", "")
    choices = target.get("enum")
    if choices:
        return f" ({title}: one of {', '.join(map(str, choices))})" if title else ""
    return f" ({title})" if title else ""


def _resolve_ref(ref: str) -> dict[str, Any]:
    if not ref.startswith("#/$defs/") and "#/$defs/" not in ref:
        return {}
    name = ref.rsplit("/", 1)[-1]
    for schema in (MOTION_SCHEMA, FRAGMENTS_SCHEMA):
        found = load_schema(schema).get("$defs", {}).get(name)
        if found:
            return found
    return {}


def _unknown(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = list(error.schema.get("properties", {}))
    for ref in error.schema.get("allOf", []):
        known += list(_resolve_ref(ref.get("$ref", "")).get("properties", {}))
    extra = [key for key in instance if key not in known]
    if error.validator == "additionalProperties" and isinstance(
        error.schema.get("additionalProperties"), dict
    ):
        return
    for key in extra:
        near = get_close_matches(key, known, n=1, cutoff=0.6)
        hint = (
            f"; did you mean `{near[0]}`?"
            if near
            else f"; known fields here: {', '.join(known)}"
        )
        if key in ("file", "url") and {"file", "url"} <= set(instance):
            hint = "; an asset has either a `file` or a `url`, not both"
        yield _finding(doc, (*path, key), f"unknown field `{key}`{hint}", at_key=True)


def _enum(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    allowed = [str(v) for v in error.validator_value]
    value = error.instance
    shown = _shown(doc, path, value)
    near = (
        get_close_matches(str(value).lower(), allowed, n=1, cutoff=0.5)
        if isinstance(value, str)
        else []
    )
    hint = f"; did you mean `{near[0]}`?" if near else ""
    what = _title(error.schema).lower() or "value"
    yield _finding(
        doc,
        path,
        f"{shown} is not a known {what} for {_field(path)}{hint} "
        f"(allowed: {', '.join(allowed)})",
    )


def _const(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    yield _finding(doc, path, f"{_field(path)} must be `{error.validator_value}`")


def _shown(doc: Document, path: Path_, value: Any) -> str:
    """How a value is quoted in a message: as written in the file."""
    if path in doc.written:
        return describe_written(value, doc.written[path])
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, (dict, list)):
        return "a list" if isinstance(value, list) else "a block of fields"
    return f"`{value}`"


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list (lines starting with `- `)",
    "object": "a block of `field: value` lines",
    "boolean": "true or false",
}


def _type(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    value = error.instance
    wanted = error.validator_value
    if (
        isinstance(value, date)
        and not isinstance(value, datetime)
        and error.schema.get("format") == "date"
    ):
        return  # a YAML date where the schema wants a date: exactly what was meant
    needs = (
        _TYPE_WORDS.get(wanted, str(wanted))
        if isinstance(wanted, str)
        else "another kind of value"
    )
    hint = error.schema.get("x-hint")
    if wanted == "string" and hint and error.schema.get("pattern") != r"\S":
        needs = f"text ({hint})"
    if error.schema.get("format") == "date":
        needs = "a date written YYYY-MM-DD"
    written = doc.written.get(path)
    if value is None:
        yield _finding(doc, path, f"{_field(path)} is empty; it needs {needs}")
    elif written is not None and wanted == "string" and _fits(error.schema, written):
        yield _finding(
            doc,
            path,
            f"{_field(path)} needs {needs}, but got "
            f"{describe_written(value, written)}; "
            f'put it in quotes: "{written}"',
        )
    else:
        got = _shown(doc, path, value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            got = f"the number {doc.written.get(path, value)}"
        yield _finding(
            doc,
            path,
            f"{_field(path)} needs {needs}, but got {got}{_number_hint(wanted, value)}",
        )


def _number_hint(wanted: Any, value: Any) -> str:
    """When text was given where a number is wanted, say how to write the number."""
    if wanted not in ("number", "integer") or not isinstance(value, str):
        return ""
    try:
        number = float(value.strip().replace(",", "").replace("_", ""))
    except ValueError:
        return ""
    plain = int(number) if number.is_integer() else number
    return f"; write it as a plain number without quotes, like {plain}"


def _fits(schema: dict[str, Any], text: str) -> bool:
    """True when `text`, written in quotes, would satisfy `schema`."""
    return validator(MOTION_SCHEMA).evolve(schema=schema).is_valid(text)


def _pattern(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    hint = error.schema.get("x-hint") or f"text matching {error.validator_value}"
    if "propertyNames" in error.schema_path:  # a key, not a value, is at fault
        key = (*path, error.instance)
        message = f"`{error.instance}` is not a usable name here; use {hint}"
        yield _finding(doc, key, message, at_key=True)
        return
    yield _finding(doc, path, f"{_field(path)} must be {hint}; got `{error.instance}`")


_FORMAT_WORDS = {
    "date": "a real date written YYYY-MM-DD",
    "email": "an email address like name@example.com",
    "uri": "a full web address like https://example.com/page",
}


def _format(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    words = _FORMAT_WORDS.get(error.validator_value, f"a valid {error.validator_value}")
    yield _finding(doc, path, f"{_field(path)} must be {words}; got `{error.instance}`")


def _length(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    if error.validator == "minLength":
        yield _finding(doc, path, f"{_field(path)} is empty; it needs text")
    else:
        yield _finding(
            doc,
            path,
            f"{_field(path)} is longer than {error.validator_value} characters; "
            "shorten it",
        )


def _items(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    if error.validator == "uniqueItems":
        yield _finding(doc, path, f"{_field(path)} lists the same value more than once")
    elif error.validator == "minItems":
        yield _finding(
            doc, path, f"{_field(path)} needs at least {error.validator_value} item(s)"
        )
    else:
        yield from _generic(doc, error)


def _minimum(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    yield _finding(doc, path, f"{_field(path)} must be {error.validator_value} or more")


def _property_names(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    yield _finding(
        doc,
        path,
        f"`{error.instance}` is not a usable id; "
        "use lower-case letters, digits and dashes",
    )


def _union_multiple(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    yield _finding(
        doc, path, f"{_field(path)} fits more than one form; keep only one of them"
    )


def _generic(doc: Document, error: ValidationError) -> Iterator[Finding]:
    path = _path(error)
    yield _finding(doc, path, f"{_field(path)}: {error.message}")


_HANDLERS = {
    "required": _required,
    "additionalProperties": _unknown,
    "unevaluatedProperties": _unknown,
    "enum": _enum,
    "const": _const,
    "type": _type,
    "pattern": _pattern,
    "format": _format,
    "minLength": _length,
    "maxLength": _length,
    "uniqueItems": _items,
    "minItems": _items,
    "minimum": _minimum,
    "propertyNames": _property_names,
    "oneOf": _union_multiple,
    "anyOf": _union_multiple,
}
