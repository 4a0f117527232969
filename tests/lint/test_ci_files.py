"""The CI integration files: pre-commit hooks and the example workflow."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import yaml

from playbook.cli import main

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "docs" / "github-workflow.yml"


def _command_works(line: str) -> None:
    """A `playbook ...` command line names a real command and real options."""
    words = shlex.split(line.split(">")[0])
    command = main.commands[words[1]]
    ctx = click.Context(command, info_name=words[1])
    command.parse_args(ctx, words[2:])


def test_pre_commit_hooks_offer_validate_and_lint():
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = yaml.safe_load(text)
    assert [h["id"] for h in hooks] == ["playbook-validate", "playbook-lint"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["pass_filenames"] is False
        assert re.compile(hook["files"]).search("motions/hardware-refresh.yaml")
        _command_works(hook["entry"])


def test_workflow_is_a_valid_github_workflow():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflow_validates_lints_uploads_sarif_builds_and_uploads_kits():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["motions"]["steps"]
    runs = [s["run"] for s in steps if s.get("run", "").startswith("playbook ")]
    assert [r.split()[1] for r in runs] == ["validate", "lint", "lint", "build"]
    assert "--format sarif" in runs[1]
    for line in runs:
        _command_works(line)
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert "github/codeql-action/upload-sarif" in uses
    assert "actions/upload-artifact" in uses
