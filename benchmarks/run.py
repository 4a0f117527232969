"""Benchmark the playbook CLI on generated projects and check the targets.

Generates projects of realistic motions (benchmarks/generate.py), runs the
real commands as subprocesses, several times each and interleaved, and prints
three Markdown tables: the median wall time, CPU time and peak memory of
every measurement; every target with the ratio measured in the same run and
PASS or MISS; and a few ratios without a target that explain the others.

    python benchmarks/run.py             # the full run (about 25 minutes, 2 cores)
    python benchmarks/run.py --quick     # a smoke run of under a minute
    ./dev bench                          # the same, from a fresh clone

Wall time is `time.perf_counter` around each command. CPU time and peak
memory are what `os.wait4` reports for the command's process; on Linux they
cover the children it waited for too (the worker pool of a build).
docs/benchmarks.md explains every row and holds our machine's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402 - the generator sits beside this file

BIN = Path(sys.executable).parent
SCHEMA = REPO / "schemas" / "motion.schema.json"
COMPOSE = (
    "import sys, yaml\n"
    "for name in sys.argv[1:]:\n"
    "    with open(name, 'rb') as f:\n"
    "        yaml.compose(f.read().decode('utf-8'), Loader=yaml.CSafeLoader)\n"
)


@dataclass(frozen=True)
class Sizes:
    """How many motions each part of the benchmark uses."""

    validate: int
    growth: int
    build: int
    small_build: int
    pdfs: int
    plain: int


FULL = Sizes(validate=1000, growth=10000, build=100, small_build=20, pdfs=100, plain=10)
QUICK = Sizes(validate=30, growth=300, build=3, small_build=1, pdfs=2, plain=0)


@dataclass(frozen=True)
class Sample:
    """One run of one command: wall seconds, peak memory, exit code, output."""

    seconds: float
    peak_mib: float
    code: int
    out: str
    err: str = ""
    cpu: float = 0.0


@dataclass
class Results:
    """Every sample by label, and the facts the targets are judged on."""

    samples: dict[str, list[Sample]] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)

    def add(self, label: str, sample: Sample) -> None:
        """Keep one more sample of `label`."""
        self.samples.setdefault(label, []).append(sample)

    def seconds(self, label: str) -> list[float]:
        """The wall times of `label`, in run order."""
        return [s.seconds for s in self.samples[label]]

    def median(self, label: str) -> float:
        """The median wall time of `label`."""
        return statistics.median(self.seconds(label))

    def peak(self, label: str) -> float:
        """The median peak memory of `label`, in MiB."""
        return statistics.median(s.peak_mib for s in self.samples[label])

    def ratio(self, top: str, bottom: str) -> float:
        """Median over runs of top/bottom, each ratio taken within one run."""
        pairs = zip(self.seconds(top), self.seconds(bottom), strict=False)
        return statistics.median(a / b for a, b in pairs)


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the tables."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_once(argv: list[str], cwd: Path) -> Sample:
    """Run a command to its end; measure its wall time and peak resident memory."""
    env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        texts = []
        for stream in (out, err):
            stream.seek(0)
            texts.append(stream.read().decode("utf-8", errors="replace"))
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, usage.ru_maxrss / scale, process.returncode, *texts, cpu)


class CommandFailed(Exception):
    """A measured command exited with an unexpected code: its figures mean nothing."""

    def __init__(self, label: str, sample: Sample, expect: int) -> None:
        output = (sample.out + sample.err).splitlines()
        shown = output if len(output) <= 60 else [*output[:20], "...", *output[-40:]]
        super().__init__(
            f"{label}: exit code {sample.code}, expected {expect}:\n" + "\n".join(shown)
        )


def measure(
    results: Results, label: str, argv: list[str], cwd: Path, expect: int = 0
) -> Sample:
    """Run a command once, check its exit code and keep the sample under `label`."""
    sample = run_once(argv, cwd)
    if sample.code != expect:
        raise CommandFailed(label, sample, expect)
    results.add(label, sample)
    say(f"  {label}: {sample.seconds:.2f} s, {sample.peak_mib:.0f} MiB")
    return sample


def tool(name: str) -> str:
    """The path of a command installed beside this Python, or stop with a hint."""
    path = BIN / name
    if not path.exists():
        raise SystemExit(
            f"{path} is missing; install the test extras: "
            "pip install -e '.[test]' (./dev setup does it)"
        )
    return str(path)


# --- the projects -------------------------------------------------------------


class Projects:
    """The generated projects, made the first time a measurement needs one.

    Each holds the first motions of the same sequence, so a smaller project is
    a prefix of a larger one.
    """

    def __init__(self, work: Path, sizes: Sizes, seed: int) -> None:
        self.work, self.sizes, self.seed = work, sizes, seed
        self._made: dict[str, Path] = {}

    def get(self, use: str) -> Path:
        """The project for `use` (a field of `Sizes`), generated when first asked."""
        if use not in self._made:
            count = getattr(self.sizes, use)
            folder = self.work / f"{use}-{count}"
            say(f"generating {count} motions into {folder}")
            generate(folder, count, self.seed)
            self._made[use] = folder
        return self._made[use]


def warm_up() -> None:
    """Import (and so compile) every playbook module once, outside the timings."""
    modules = (
        "playbook.cli, playbook.build.pipeline, playbook.build.render, playbook.lint"
    )
    sample = run_once([sys.executable, "-c", f"import {modules}"], REPO)
    if sample.code != 0:
        raise SystemExit(f"playbook does not import:\n{sample.err}")


def motion_files(project: Path) -> list[str]:
    """The motion files of a project, relative to it, without the fragments."""
    return sorted(
        p.relative_to(project).as_posix() for p in (project / "motions").glob("*.yaml")
    )


# --- the measurements ---------------------------------------------------------


def bench_validate(
    results: Results, projects: Projects, runs: int, sizes: Sizes
) -> None:
    """validate vs check-jsonschema vs yaml.compose on the same files; lint."""
    project = projects.get("validate")
    files = motion_files(project)
    n = len(files)
    playbook, python = tool("playbook"), sys.executable
    commands = {
        f"validate {n} files": [playbook, "validate", *files],
        f"check-jsonschema {n} files": [
            tool("check-jsonschema"),
            "--schemafile",
            str(SCHEMA),
            *files,
        ],
        f"yaml.compose (C) {n} files": [python, "-c", COMPOSE, *files],
        f"validate motions/ ({n})": [playbook, "validate"],
        f"lint motions/ ({n})": [playbook, "lint"],
    }
    for run in range(runs):
        say(f"validate and lint, {n} motions, run {run + 1}/{runs}")
        for label, argv in commands.items():
            measure(results, label, argv, project)
    results.facts["n_validate"] = n


def bench_growth(results: Results, projects: Projects, runs: int, sizes: Sizes) -> None:
    """The same validate at the larger size, for the growth in N."""
    project = projects.get("growth")
    files = motion_files(project)
    for run in range(runs):
        say(f"validate, {len(files)} motions, run {run + 1}/{runs}")
        measure(
            results,
            f"validate {len(files)} files",
            [tool("playbook"), "validate", *files],
            project,
        )
    results.facts["n_growth"] = len(files)


def clean_build(project: Path) -> None:
    """Remove the build folder and any build cache, for a cold build."""
    for name in ("build", ".playbook-cache"):
        shutil.rmtree(project / name, ignore_errors=True)


def snapshot(folder: Path) -> dict[str, int]:
    """Inode of every file under `folder`: a rewritten file gets a new one."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino
        for p in folder.rglob("*")
        if p.is_file()
    }


def rewritten_kits(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """Ids of the kits with a file written anew (not linked) between snapshots."""
    kits = set()
    for name, inode in after.items():
        parts = name.split("/")
        if parts[0] == "kits" and before.get(name) != inode:
            kits.add(parts[1].removesuffix(".zip"))
    return sorted(kits)


def bumped(text: str, run: int) -> str:
    """The motion with a pre-release version: a one-line change, as people make."""
    changed, count = re.subn(
        r"(?m)^version: (\S+?)(-\S+)?$", rf"version: \1-bench.{run + 1}", text, count=1
    )
    if count != 1:
        raise SystemExit("no `version:` line to change in the motion")
    return changed


def _build_label(n: int, what: str, jobs: int) -> str:
    return f"build {n}, {what}, --jobs {jobs}"


def bench_build(results: Results, projects: Projects, runs: int, sizes: Sizes) -> None:
    """Full builds with 1 and 2 workers, a no-op rebuild, one changed motion."""
    project = projects.get("build")
    files = motion_files(project)
    n, playbook = len(files), tool("playbook")
    for run in range(runs):
        say(f"build, {n} motions, run {run + 1}/{runs}")
        for jobs in (1, 2) if run % 2 == 0 else (2, 1):
            clean_build(project)
            measure(
                results,
                _build_label(n, "full", jobs),
                [playbook, "build", "--jobs", str(jobs)],
                project,
            )
        _rebuilds(results, project, project / files[n // 2], run)
    clean_build(project)
    results.facts.update(n_build=n, changed_id=Path(files[n // 2]).stem)


def _rebuilds(results: Results, project: Path, changed: Path, run: int) -> None:
    """A no-op rebuild, then one with `changed` edited; note what each rewrote."""
    n, argv = len(motion_files(project)), [tool("playbook"), "build", "--jobs", "2"]
    noop = measure(results, _build_label(n, "no-op rebuild", 2), argv, project)
    before = snapshot(project / "build")
    original = changed.read_text(encoding="utf-8")
    changed.write_text(bumped(original, run), encoding="utf-8")
    try:
        one = measure(results, _build_label(n, "one motion changed", 2), argv, project)
    finally:
        changed.write_text(original, encoding="utf-8")
    facts = results.facts
    rewritten = rewritten_kits(before, snapshot(project / "build"))
    facts.setdefault("rewritten", []).append(rewritten)
    facts.setdefault("noop_up_to_date", []).append("up to date" in noop.out + noop.err)
    facts.setdefault("one_changed_says", []).append(_rendered_line(one.out + one.err))


def _rendered_line(output: str) -> str:
    found = re.search(r"\d+ rendered, \d+ reused", output)
    return found.group(0) if found else "?"


def bench_memory(results: Results, projects: Projects, runs: int, sizes: Sizes) -> None:
    """Peak memory of one-worker builds that render about as many kits at sizes N.

    A full build of the small project, and one shard of the validate project
    sized to render about as many kits: the difference is what loading more
    motions costs. The full build of the build project is measured above.
    """
    small, large = projects.get("small_build"), projects.get("validate")
    n, n_large = len(motion_files(small)), len(motion_files(large))
    shards = max(1, n_large // n)
    shard_label = f"build {n_large}, shard 1/{shards}, --jobs 1"
    shard = ["--shard", f"1/{shards}"]
    for run in range(runs):
        say(f"build, {n} motions and 1/{shards} of {n_large}, run {run + 1}/{runs}")
        for project, label, extra in (
            (small, _build_label(n, "full", 1), []),
            (large, shard_label, shard),
        ):
            clean_build(project)
            sample = measure(
                results,
                label,
                [tool("playbook"), "build", "--jobs", "1", *extra],
                project,
            )
            clean_build(project)
    results.facts.update(
        n_small_build=n,
        n_sharded=n_large,
        shard_label=shard_label,
        shard_kits=_kits_built(sample),
    )


def _kits_built(sample: Sample) -> str:
    found = re.search(r"Built (\d+) kits?", sample.out + sample.err)
    return found.group(1) if found else "?"


def bench_pdf(results: Results, projects: Projects, runs: int, sizes: Sizes) -> None:
    """playbook's PDF step vs WeasyPrint alone on the same HTML, in one process.

    Each motion is one sample of each side, so `runs` does not apply here.
    """
    say(f"PDF step, {sizes.pdfs} motions, both sides in one process")
    argv = [
        sys.executable,
        str(HERE / "pdf_step.py"),
        str(projects.get("build")),
        "--limit",
        str(sizes.pdfs),
        "--plain",
        str(sizes.plain),
    ]
    sample = measure(
        results, f"PDF step script ({sizes.pdfs} motions)", argv, projects.get("build")
    )
    results.facts["pdf"] = json.loads(sample.out)


PARTS = {
    "validate": bench_validate,
    "growth": bench_growth,
    "build": bench_build,
    "memory": bench_memory,
    "pdf": bench_pdf,
}
"""The parts of the benchmark, in the order a full run takes them."""


# --- the report ---------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One target of the issue: what was measured, the limit, whether it holds."""

    name: str
    measured: str
    limit: str
    met: bool


def _pct(value: float) -> str:
    return f"{value * 100:.2f} %"


def _validate_target(results: Results) -> Target:
    n = results.facts["n_validate"]
    ratio = results.ratio(f"validate {n} files", f"check-jsonschema {n} files")
    name = f"validate {n} / check-jsonschema"
    return Target(name, f"{ratio:.3f}x", "<= 0.1x", ratio <= 0.1)


def _lint_target(results: Results) -> Target:
    n = results.facts["n_validate"]
    ratio = results.ratio(f"lint motions/ ({n})", f"validate motions/ ({n})")
    return Target(f"lint {n} / validate {n}", f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5)


def _pdf_target(results: Results) -> Target:
    pdf = results.facts["pdf"]
    ratio = statistics.median(pdf["playbook"]) / statistics.median(pdf["weasyprint"])
    name = f"PDF: playbook / WeasyPrint alone ({len(pdf['ids'])} PDFs)"
    return Target(name, f"{ratio:.3f}x", "<= 1.1x", ratio <= 1.1)


def _jobs_target(results: Results) -> Target:
    nb = results.facts["n_build"]
    full1, full2 = _build_label(nb, "full", 1), _build_label(nb, "full", 2)
    speedup = results.ratio(full1, full2)
    name = f"build {nb}: --jobs 1 / --jobs 2"
    return Target(name, f"{speedup:.2f}x", ">= 1.7x", speedup >= 1.7)


def _noop_target(results: Results) -> Target:
    nb = results.facts["n_build"]
    noop = _build_label(nb, "no-op rebuild", 2)
    ratio = results.ratio(noop, _build_label(nb, "full", 2))
    said = all(results.facts["noop_up_to_date"])
    note = "" if said else " (not reported up to date)"
    name = f"build {nb}: no-op / full"
    return Target(name, _pct(ratio) + note, "<= 2 %", ratio <= 0.02 and said)


def _one_changed_target(results: Results) -> Target:
    facts = results.facts
    expected = [facts["changed_id"]]
    ok = all(kits == expected for kits in facts["rewritten"])
    seen = "; ".join(sorted({", ".join(k) or "none" for k in facts["rewritten"]}))
    said = ", ".join(sorted(set(facts["one_changed_says"])))
    name = f"build {facts['n_build']}: one motion changed"
    return Target(name, f"kits rewritten: {seen} ({said})", "only its own kit", ok)


def _growth_target(results: Results) -> Target:
    n, big = results.facts["n_validate"], results.facts["n_growth"]
    ratio = results.ratio(f"validate {big} files", f"validate {n} files") * n / big
    name = f"validate: time per file at {big} / at {n}"
    return Target(name, f"{ratio:.2f}x", "<= 1.2x (linear)", ratio <= 1.2)


def _memory_target(results: Results) -> Target:
    facts = results.facts
    nb, ns, shard = facts["n_build"], facts["n_small_build"], facts["shard_label"]
    base = results.peak(_build_label(ns, "full", 1))
    full = results.peak(_build_label(nb, "full", 1)) / base
    sharded = results.peak(shard) / base
    name = f"build --jobs 1 peak memory, against {ns} motions"
    measured = (
        f"{full:.2f}x at {nb}; {sharded:.2f}x at {facts['n_sharded']} "
        f"(1 shard, {facts['shard_kits']} kits)"
    )
    return Target(name, measured, "<= 1.1x (flat)", max(full, sharded) <= 1.1)


TARGETS: tuple[Callable[[Results], Target], ...] = (
    _validate_target,
    _lint_target,
    _pdf_target,
    _jobs_target,
    _noop_target,
    _one_changed_target,
    _growth_target,
    _memory_target,
)


def targets(results: Results) -> list[Target]:
    """Every target whose measurements were taken, judged on same-run ratios."""
    found = []
    for judge in TARGETS:
        try:
            found.append(judge(results))
        except KeyError:  # that part of the benchmark did not run (--only)
            continue
    return found


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> str:
    rule = ["---"] * len(head)
    return "\n".join(_row(r) for r in [head, rule, *rows])


def measurement_table(results: Results) -> str:
    """Median, spread and peak memory of every command, in the order run."""
    rows = []
    for label, samples in results.samples.items():
        times = [s.seconds for s in samples]
        rows.append(
            [
                label,
                str(len(samples)),
                f"{statistics.median(times):.2f}",
                f"{min(times):.2f} - {max(times):.2f}",
                f"{statistics.median(s.cpu for s in samples):.2f}",
                f"{results.peak(label):.0f}",
            ]
        )
    rows += _pdf_rows(results.facts.get("pdf"))
    head = ["measurement", "runs", "median s", "min - max s", "CPU s", "peak MiB"]
    return _table(head, rows)


def _pdf_rows(pdf: dict | None) -> list[list[str]]:
    if not pdf:
        return []
    rows = []
    for key, what in (
        ("playbook", "per PDF, playbook's PDF step"),
        ("weasyprint", "per PDF, WeasyPrint alone, same HTML and options"),
        ("plain", "per PDF, WeasyPrint alone, default options"),
    ):
        times = pdf[key]
        if times:
            rows.append(
                [
                    what,
                    f"{len(times)} PDFs",
                    f"{statistics.median(times):.3f}",
                    f"{min(times):.3f} - {max(times):.3f}",
                    "",
                    "",
                ]
            )
    return rows


def target_table(found: list[Target]) -> str:
    """Every target with its measured ratio and PASS or MISS."""
    rows = [[t.name, t.measured, t.limit, "PASS" if t.met else "MISS"] for t in found]
    return _table(["target", "measured", "limit", "result"], rows)


def _floor_row(results: Results) -> list[str]:
    n = results.facts["n_validate"]
    ratio = results.ratio(f"validate {n} files", f"yaml.compose (C) {n} files")
    return [f"validate {n} / yaml.compose with the C loader", f"{ratio:.2f}x"]


def _cpu_row(results: Results) -> list[str]:
    n = results.facts["n_validate"]
    mine, theirs = (
        statistics.median(s.cpu for s in results.samples[label])
        for label in (f"validate {n} files", f"check-jsonschema {n} files")
    )
    return [f"validate {n} / check-jsonschema, in CPU seconds", f"{mine / theirs:.3f}x"]


def _forms_row(results: Results) -> list[str]:
    n = results.facts["n_validate"]
    ratio = results.ratio(f"validate {n} files", f"validate motions/ ({n})")
    return [f"validate {n} files / validate motions/", f"{ratio:.2f}x"]


def _one_changed_row(results: Results) -> list[str]:
    nb = results.facts["n_build"]
    one = _build_label(nb, "one motion changed", 2)
    ratio = results.ratio(one, _build_label(nb, "full", 2))
    return [f"build {nb}: one motion changed / full", _pct(ratio)]


def _per_kit_row(results: Results) -> list[str]:
    nb = results.facts["n_build"]
    per_kit = results.median(_build_label(nb, "full", 1)) / nb
    pdf = statistics.median(results.facts["pdf"]["weasyprint"])
    return [
        f"build {nb} --jobs 1: seconds per kit / WeasyPrint per PDF",
        f"{per_kit:.2f} s / {pdf:.2f} s = {per_kit / pdf:.2f}x",
    ]


def extra_table(results: Results) -> str:
    """Ratios with no target that explain the others."""
    rows = []
    for row in (_floor_row, _cpu_row, _forms_row, _one_changed_row, _per_kit_row):
        try:
            rows.append(row(results))
        except KeyError:  # that part of the benchmark did not run (--only)
            continue
    return _table(["ratio (no target)", "measured"], rows)


def machine() -> str:
    """What the figures were measured on."""
    return (
        f"{platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}"
    )


def load_average() -> float:
    """The one-minute load average: other work on the machine skews the times."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


# --- the command --------------------------------------------------------------


def run_all(
    results: Results, work: Path, sizes: Sizes, runs: int, seed: int, parts: list[str]
) -> None:
    """Run the measurements of `parts`, generating projects as they are needed."""
    projects = Projects(work, sizes, seed)
    results.facts["load_start"] = load_average()
    warm_up()
    for part in parts:
        PARTS[part](results, projects, runs, sizes)


def report(results: Results, runs: int, minutes: float) -> str:
    """The tables, as Markdown, and a closing count of missed targets."""
    found = targets(results)
    missed = [t.name for t in found if not t.met]
    parts = [
        f"Machine: {machine()}",
        f"Load average (1 min): {results.facts['load_start']:.2f} at the start, "
        f"{load_average():.2f} at the end",
        f"Runs per measurement: {runs}; total time {minutes:.1f} min",
        "",
        measurement_table(results),
        "",
        target_table(found),
        "",
        extra_table(results),
        "",
        f"{len(found) - len(missed)} of {len(found)} targets met"
        + (f"; missed: {', '.join(missed)}" if missed else ""),
    ]
    return "\n".join(parts)


@dataclass(frozen=True)
class _Folder:
    path: Path
    remove: bool


def _work_folder(given: Path | None, keep: bool) -> _Folder:
    if given is not None:
        if given.exists() and any(given.iterdir()):
            raise SystemExit(f"{given}: give an empty or new folder for --work")
        given.mkdir(parents=True, exist_ok=True)
        return _Folder(given, remove=False)
    path = Path(tempfile.mkdtemp(prefix="playbook-bench-"))
    return _Folder(path, remove=not keep)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="runs of each measurement (default 3, 1 with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small projects and one run: a smoke test of the script",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="folder for the generated projects (default: a temporary one)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary folder of generated projects",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generator")
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts to run (default: all of {','.join(PARTS)})",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="also write every sample and fact to this JSON file",
    )
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    args.only = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = [part for part in args.only if part not in PARTS]
    if unknown or not args.only:
        parser.error(f"--only takes parts among {', '.join(PARTS)}")
    return args


def write_json(path: Path, results: Results) -> None:
    """Every sample (without command output) and fact, for later study."""
    data = {
        "machine": machine(),
        "samples": {
            label: [
                {"seconds": s.seconds, "cpu": s.cpu, "peak_mib": s.peak_mib}
                for s in samples
            ]
            for label, samples in results.samples.items()
        },
        "facts": results.facts,
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the tables.

    Exits 0 even when targets miss (the tables say so), 1 when a command fails.
    """
    args = parse_args(argv)
    sizes = QUICK if args.quick else FULL
    runs = args.runs or (1 if args.quick else 3)
    folder = _work_folder(args.work, args.keep)
    say(f"{machine()}; projects in {folder.path}")
    results, failure, started = Results(), None, time.perf_counter()
    try:
        run_all(results, folder.path, sizes, runs, args.seed, args.only)
    except CommandFailed as exc:  # report what was measured before it
        failure = exc
    finally:
        if folder.remove:
            shutil.rmtree(folder.path, ignore_errors=True)
    if args.json:
        write_json(args.json, results)
    minutes = (time.perf_counter() - started) / 60
    print(report(results, runs, minutes))
    if failure is not None:
        print(f"\nStopped early: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
