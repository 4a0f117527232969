"""The benchmark scripts work: generated motions are valid, the smoke run finishes.

No timing is asserted here: the targets are judged by benchmarks/run.py only.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.conftest import REPO, run_cli

BENCHMARKS = REPO / "benchmarks"
QUICK_TIMEOUT = 120
"""Seconds the smoke run may take (it needs about 40 on an idle 2-core machine)."""


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_generate", BENCHMARKS / "generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_generated_motions_are_valid(tmp_path: Path) -> None:
    project = tmp_path / "project"
    subprocess.run(
        [sys.executable, str(BENCHMARKS / "generate.py"), str(project), "--count", "5"],
        check=True,
        capture_output=True,
    )
    motions = sorted((project / "motions").glob("*.yaml"))
    assert len(motions) == 5
    assert len({path.stem for path in motions}) == 5
    assert (project / "motions" / "shared" / "fragments.yaml").is_file()
    assert (project / "playbook.toml").is_file()
    result = run_cli(["validate"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "5 motions valid" in result.output


def test_generator_is_deterministic_and_writes_what_it_means(tmp_path: Path) -> None:
    generate = _generator()
    first = generate.generate(tmp_path / "a", 6, seed=3)
    second = generate.generate(tmp_path / "b", 12, seed=3)
    for path in first:
        twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
        assert path.read_bytes() == twin.read_bytes()
    bases = generate.load_bases()
    for number, path in enumerate(second):
        base = bases[number % len(bases)]
        rank = number // len(bases)
        meant, _, _ = generate.make_motion(base, number, rank, 3)
        written = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert yaml.safe_load(yaml.safe_dump(meant)) == written


def test_quick_benchmark_runs(tmp_path: Path) -> None:
    argv = [sys.executable, str(BENCHMARKS / "run.py"), "--quick"]
    argv += ["--work", str(tmp_path / "work")]
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=QUICK_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the script and the builds it runs
        process.communicate()
        pytest.skip(f"the quick benchmark took over {QUICK_TIMEOUT} s (busy machine?)")
    assert process.returncode == 0, err[-3000:]
    assert "| target |" in out
    assert "targets met" in out
