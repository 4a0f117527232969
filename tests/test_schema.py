"""The schema is the single source of truth: complete, valid, shipped, documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from jsonschema import Draft202012Validator

from playbook.reference import format_reference
from playbook.validate import FRAGMENTS_SCHEMA, MOTION_SCHEMA, load_schema
from tests.conftest import REPO, run_cli

MODELINE = "# yaml-language-server: $schema="


def _properties(node, where="#"):
    """Every property schema with its location, walking the whole document."""
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", prop
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}/{i}")


def _resolved(schema, prop):
    ref = prop.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return {**schema["$defs"][ref.rsplit("/", 1)[-1]], **prop}
    if ref.startswith("motion.schema.json#/$defs/"):
        return {**load_schema(MOTION_SCHEMA)["$defs"][ref.rsplit("/", 1)[-1]], **prop}
    return prop


def test_schemas_are_valid_draft_2020_12_with_an_id() -> None:
    for name in (MOTION_SCHEMA, FRAGMENTS_SCHEMA):
        schema = load_schema(name)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"].endswith("2020-12/schema") and schema["$id"]


def test_every_property_has_title_description_and_example() -> None:
    missing = []
    for name in (MOTION_SCHEMA, FRAGMENTS_SCHEMA):
        schema = load_schema(name)
        for where, prop in _properties(schema):
            full = _resolved(schema, prop)
            for key in ("title", "description", "examples"):
                if not full.get(key):
                    missing.append(f"{name}{where}: {key}")
    assert missing == []


def test_the_format_reference_is_up_to_date() -> None:
    committed = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    assert committed == format_reference(), (
        "run: playbook schema --markdown > docs/format.md"
    )


def test_schema_command_prints_the_schema() -> None:
    result = run_cli(["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == load_schema(MOTION_SCHEMA)


def test_bundled_motions_carry_the_modeline_and_are_valid() -> None:
    files = sorted((REPO / "motions").rglob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(MODELINE), path
        target = (path.parent / first.removeprefix(MODELINE)).resolve()
        assert target.is_file() and target.parent == REPO / "schemas", path
    result = run_cli(["validate"], cwd=REPO)
    assert result.exit_code == 0, result.output
    assert "6 motions valid" in result.output


def test_the_wheel_carries_schema_and_templates(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("playbook-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "playbook/data/schemas/motion.schema.json" in names
    assert "playbook/data/templates/playbook.html.j2" in names
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import playbook.resources as r; print(r.bundled('templates'))",
        ],
        cwd=outside,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
    )
    assert (
        Path(done.stdout.strip())
        == tmp_path / "site" / "playbook" / "data" / "templates"
    )
