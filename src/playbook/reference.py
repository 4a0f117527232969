"""The field reference (docs/format.md), generated from the JSON Schema.

The schema is the single source of truth for the format, so the reference
is written from its titles, descriptions, allowed values and examples;
a test fails when the committed page is stale.
"""

from __future__ import annotations

import json
from typing import Any

from playbook.validate import FRAGMENTS_SCHEMA, MOTION_SCHEMA, load_schema

_HEADER = """\
# Motion format reference (v1)

Generated from `schemas/motion.schema.json` by `playbook schema --markdown`;
do not edit by hand. Each motion is one YAML file under `motions/`.
Required fields are marked **required**.

"""


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        target = schema["$defs"][ref.rsplit("/", 1)[-1]]
        merged = {
            **_resolve(schema, target),
            **{k: v for k, v in node.items() if k != "$ref"},
        }
        return merged
    if ref.startswith("motion.schema.json#/$defs/"):
        return _resolve(load_schema(MOTION_SCHEMA), {"$ref": ref.split("#", 1)[1]})
    return node


def _kind(schema: dict[str, Any], node: dict[str, Any]) -> str:
    node = _resolve(schema, node)
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    kind = node.get("type")
    if kind == "array":
        return f"list of {_kind(schema, node.get('items', {}))}"
    if kind == "object" or "properties" in node:
        return "block of fields"
    if "oneOf" in node:
        return " or ".join(
            _resolve(schema, b).get("title", "?").lower() for b in node["oneOf"]
        )
    extra = f" ({node['format']})" if "format" in node else ""
    return {"string": "text", "number": "number"}.get(kind, str(kind)) + extra


def _example(node: dict[str, Any]) -> str:
    examples = node.get("examples")
    if not examples:
        return ""
    return f" Example: `{json.dumps(examples[0], ensure_ascii=False)}`."


def _section(
    schema: dict[str, Any], title: str, node: dict[str, Any], level: int
) -> list[str]:
    node = _resolve(schema, node)
    lines = [f"{'#' * level} {title}", "", node.get("description", ""), ""]
    properties = dict(node.get("properties", {}))
    for part in node.get("allOf", []):
        properties = {**_resolve(schema, part).get("properties", {}), **properties}
    required = set(node.get("required", []))
    for branch in node.get("oneOf", []):
        branch = _resolve(schema, branch)
        if "properties" in branch or "allOf" in branch:
            lines += _section(schema, branch.get("title", "form"), branch, level + 1)
    if not properties:
        return lines
    lines += ["| field | what | value |", "|---|---|---|"]
    nested = []
    for name, prop in properties.items():
        resolved = _resolve(schema, prop)
        mark = " **required**" if name in required else ""
        text = f"{resolved.get('title', '')}: {resolved.get('description', '')}".strip(
            ": "
        )
        lines.append(
            f"| `{name}`{mark} | {text}{_example(resolved)} | {_kind(schema, prop)} |"
        )
        inner = (
            resolved.get("items", resolved)
            if resolved.get("type") == "array"
            else resolved
        )
        inner = _resolve(schema, inner)
        if "properties" in inner or "oneOf" in inner:
            nested.append((name, inner))
    lines.append("")
    for name, inner in nested:
        lines += _section(
            schema, f"`{name}`: {inner.get('title', name)}", inner, level + 1
        )
    return lines


def format_reference() -> str:
    """The whole reference page as Markdown."""
    motion = load_schema(MOTION_SCHEMA)
    fragments = load_schema(FRAGMENTS_SCHEMA)
    lines = [_HEADER, *_section(motion, "Motion file", motion, 2)]
    lines += _section(fragments, "Shared fragments file", fragments, 2)
    for name in ("slaProfile", "sharedAsset"):
        lines += _section(
            fragments, fragments["$defs"][name]["title"], fragments["$defs"][name], 3
        )
    text = "\n".join(line.rstrip() for line in lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"
