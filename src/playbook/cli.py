"""The `playbook` command line: the only place that prints and picks exit codes.

Exit codes: 0 when all is well, 1 when the input has problems (invalid
motions, lint findings at or above --fail-on, a failed build), 2 when the
command is used wrongly or the environment is not usable.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from playbook import __version__, report
from playbook.config import Config, load_config
from playbook.errors import BuildError, InvalidInput, PlaybookError
from playbook.lint import RULES, LintResult, lint_project
from playbook.lint import docs as lint_docs
from playbook.lint.settings import FAIL_ON, load_settings
from playbook.project import Project, load_project
from playbook.report.sarif import sarif
from playbook.resources import schema_path
from playbook.summary import summary as summary_of

log = logging.getLogger("playbook")


def _setup_logging(verbose: int) -> None:
    """One place configures logging: quiet by default, more with -v."""
    level = (
        logging.WARNING
        if verbose == 0
        else logging.INFO
        if verbose == 1
        else logging.DEBUG
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("playbook")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class _Group(click.Group):
    """A group that turns any error into a message and an exit code, no traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - click hook
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
            sys.exit(code if isinstance(code, int) else 0)
        except InvalidInput as exc:
            _echo_findings(exc.findings)
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Stopped.", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except OSError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except Exception as exc:  # a bug: say so in one line, no traceback
            if os.environ.get("PLAYBOOK_DEBUG"):
                raise
            click.echo(
                f"internal error: {exc.__class__.__name__}: {exc}. This is a bug in "
                "playbook; run again with PLAYBOOK_DEBUG=1 to see where.",
                err=True,
            )
            sys.exit(2)


def _echo_findings(findings: list, fmt: str = "text") -> None:
    if fmt == "json":
        click.echo(report.as_json(findings))
    elif fmt == "github":
        click.echo(report.github(findings))
    else:
        click.echo(report.text(findings, colour=_colour()))


def _colour() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="playbook")
@click.option(
    "-v", "--verbose", count=True, help="Say more (-vv for debugging detail)."
)
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """Partner sales motions as code: validate, lint and build partner kits.

    Run the commands from your project folder (the one holding motions/), or
    from any folder below it.
    """
    _setup_logging(verbose)
    ctx.obj = {}


def _config(ctx: click.Context) -> Config:
    if "config" not in ctx.obj:
        ctx.obj["config"] = load_config()
    return ctx.obj["config"]


def _load(config: Config, paths: tuple[Path, ...]) -> Project:
    targets = list(paths) or [config.motions]
    if not paths and not config.motions.is_dir():
        raise PlaybookError(
            f"no motions folder at {config.motions}; run playbook inside a project "
            "folder, or name the motion files to check"
        )
    return load_project(config.root, targets, fragments_from=config.motions)


_PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@main.command()
@_PATHS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(report.FORMATS),
    default="text",
    show_default=True,
    help="How to print the problems.",
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Check motion files against the format and each other.

    PATHS are motion files or folders (default: the project's motions/).
    Every problem of every file is printed as file:line:col: message.
    """
    project = _load(_config(ctx), paths)
    findings = project.findings
    valid = len(project.motions)
    if fmt == "json":
        click.echo(
            report.as_json(
                findings, valid=project.ok, files=project.files, motions=valid
            )
        )
    elif fmt == "github":
        if findings:
            click.echo(report.github(findings))
    elif findings:
        click.echo(report.text(findings, colour=_colour()))
    if fmt != "json":
        summary_line = (
            f"{_count(valid, 'motion')} valid ({_count(project.files, 'file')} checked)"
            if project.ok
            else report.count_line(findings, project.files, "files")
        )
        click.echo(summary_line)
    ctx.exit(0 if project.ok else 1)


def _md(text: str) -> str:
    """Text for Markdown: markup characters are shown, never interpreted."""
    return re.sub(r"([\\`*_{}\[\]<>#|!])", r"\\\1", text)


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _valid_project(ctx: click.Context, paths: tuple[Path, ...]) -> Project:
    project = _load(_config(ctx), paths)
    if not project.ok:
        raise InvalidInput(project.findings)
    return project


@main.command()
@_PATHS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="How to print the summaries.",
)
@click.pass_context
def summary(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Print each motion's one-sentence summary: who to call, what to say and offer."""
    project = _valid_project(ctx, paths)
    rows = [(m, summary_of(m)) for m in project.motions]
    if fmt == "json":
        data = [{"id": m.id, "name": m.name, "summary": s} for m, s in rows]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(
            "\n\n".join(f"**{_md(m.name)}** (`{m.id}`): {_md(s)}" for m, s in rows)
        )
    else:
        click.echo("\n".join(f"{m.id}: {s}" for m, s in rows))


class _ProgressReport:
    """Build progress: a bar on a terminal, one line per stage in CI logs."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty() and not os.environ.get("CI")
        self.bar: Any = None

    def stage(self, name: str, total: int = 0) -> None:
        self.close()
        if self.tty and total > 1:
            self.bar = click.progressbar(length=total, label=name, file=sys.stderr)
            self.bar.__enter__()
        else:
            click.echo(f"{name}...", err=True)

    def advance(self, steps: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(steps)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    number, _, count = value.partition("/")
    if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
        raise click.BadParameter(
            "write it as K/N with 1 <= K <= N, like 2/4", param_hint="--shard"
        )
    return int(number), int(count)


@main.command()
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Kits rendered in parallel (default: one per CPU core).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Build folder (default: the project's build/).",
)
@click.option(
    "--shard",
    default=None,
    metavar="K/N",
    help="Build only shard K of N (a stable split of the motions, for CI matrices).",
)
@click.pass_context
def build(ctx: click.Context, jobs: int, out: Path | None, shard: str | None) -> None:
    """Build partner kits (PDF, web page, summary, email, assets, zip) and a catalog.

    Every motion of the project is built (use --shard to split a large build).
    Invalid motions stop the build with the same messages as `validate`; the
    previous build/ is only replaced once the whole new build is written.
    """
    from playbook.build.pipeline import BuildOptions, source_commit, source_date
    from playbook.build.pipeline import build as run_build

    config = _config(ctx)
    shard_value = _shard(shard)
    project = _valid_project(ctx, ())
    options = BuildOptions(
        out=out,
        jobs=jobs,
        shard=shard_value,
        build_date=source_date(),
        source_commit=source_commit(config.root),
    )
    _add_scores(config, project, options)
    progress = _ProgressReport()
    try:
        with _stopped_by_sigterm():
            result = run_build(config, project, options, progress)
    except OSError as exc:
        raise BuildError(_cannot_write(options.out or config.build, exc)) from None
    finally:
        progress.close()
    where = display_path(result.out)
    if result.up_to_date:
        click.echo(f"{where} is up to date ({_count(result.kits, 'kit')}).")
    else:
        click.echo(
            f"Built {_count(result.kits, 'kit')} into {where}: "
            f"{result.rendered} rendered, {result.reused} reused, "
            f"{_count(result.files, 'file')} in {result.seconds:.1f} s."
        )


@main.command()
@click.argument(
    "shards",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Build folder (default: the project's build/).",
)
@click.pass_context
def merge(ctx: click.Context, shards: tuple[Path, ...], out: Path | None) -> None:
    """Assemble shard builds (`build --shard K/N`, every K once) into one build.

    The result is the same, byte for byte, as one build of all the motions.
    """
    from playbook.build.shards import merge as run_merge

    progress = _ProgressReport()
    config = _config(ctx)
    try:
        with _stopped_by_sigterm():
            result = run_merge(config, list(shards), out, progress)
    except OSError as exc:
        raise BuildError(_cannot_write(out or config.build, exc)) from None
    finally:
        progress.close()
    click.echo(
        f"Merged {_count(len(shards), 'shard')} into {display_path(result.out)}: "
        f"{_count(result.kits, 'kit')}, {_count(result.files, 'file')}."
    )


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C, so half-written output is removed."""

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cannot_write(out: Path, exc: OSError) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return f"{out}: cannot write the build here ({reason}); the previous build is kept"


def _add_scores(config: Config, project: Project, options: Any) -> None:
    """Put repeatability scores on the kits (as of the build date, when one is set)."""
    from playbook.lint import scores_for

    scores = scores_for(project, config, today=options.build_date)
    options.scores, options.portfolio_score = scores


def display_path(path: Path) -> str:
    """A path relative to the current folder when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


@main.command()
@click.option(
    "--fragments", is_flag=True, help="Print the shared fragments schema instead."
)
@click.option(
    "--markdown", is_flag=True, help="Print the field reference (docs/format.md)."
)
def schema(fragments: bool, markdown: bool) -> None:
    """Print the JSON Schema of the motion format (for editors and CI)."""
    if markdown:
        from playbook.reference import format_reference

        click.echo(format_reference(), nl=False)
        return
    name = "fragments.schema.json" if fragments else "motion.schema.json"
    click.echo(schema_path(name).read_text(encoding="utf-8"), nl=False)


_LINT_FORMATS = (*report.FORMATS, "sarif")


@main.command()
@_PATHS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_LINT_FORMATS),
    default="text",
    show_default=True,
    help="How to print the findings.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Exit 1 when a finding is at least this severe "
    "[default: lint.fail-on of the config, else error].",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    hidden=True,
    help="Check dates against this day instead of today (for tests).",
)
@click.pass_context
def lint(
    ctx: click.Context,
    paths: tuple[Path, ...],
    fmt: str,
    fail_on: str | None,
    today: Any,
) -> None:
    """Check that motions will repeat across partners, and score them 0-100.

    PATHS are motion files or folders (default: the project's motions/).
    Motions are validated first; invalid ones are reported as `validate`
    does. Portfolio rules run unless PATHS names single files. `playbook
    rules` lists the rules, `playbook explain RULE` explains one.
    """
    config = _config(ctx)
    settings = load_settings(config)
    project = _load(config, paths)
    if not project.ok:
        _lint_invalid(ctx, project, paths, fmt)
    portfolio = all(path.is_dir() for path in paths)
    day = today.date() if today else None
    result = lint_project(project, config, day, portfolio, settings)
    _echo_lint(project, result, fmt)
    ctx.exit(1 if result.fails(fail_on) else 0)


def _lint_invalid(
    ctx: click.Context, project: Project, paths: tuple[Path, ...], fmt: str
) -> None:
    """Report invalid motions exactly as `validate` does, then exit 1."""
    if fmt != "sarif":
        ctx.invoke(validate, paths=paths, fmt=fmt)
    click.echo(sarif(project.findings, lint_docs.sarif_rules(), version=__version__))
    ctx.exit(1)


def _echo_lint(project: Project, result: LintResult, fmt: str) -> None:
    findings = result.findings
    if fmt == "json":
        click.echo(report.as_json(findings, lint=_lint_data(project, result)))
    elif fmt == "sarif":
        click.echo(sarif(findings, lint_docs.sarif_rules(), version=__version__))
    else:
        if fmt == "github" and findings:
            click.echo(report.github(findings))
        elif findings:
            click.echo(report.grouped(findings, colour=_colour()) + "\n")
        click.echo(report.score_table(_score_rows(project, result)))
        if findings:
            click.echo(report.count_line(findings, project.files, "files"))
        else:
            click.echo(f"No findings in {_count(project.files, 'file')}.")


def _score_rows(
    project: Project, result: LintResult
) -> list[tuple[int, str, str, str]]:
    """(score, motion id, status, finding counts) per motion, then the portfolio."""
    by_file: dict[str, list] = {}
    for finding in result.findings:
        by_file.setdefault(finding.file, []).append(finding)
    rows = []
    for motion in project.motions:
        found = by_file.get(motion.source, [])
        remark = report.count_line(found, 1).partition(" in ")[0] if found else ""
        remark = remark.removeprefix("0 errors, ")
        rows.append((result.scores[motion.id], motion.id, motion.status, remark))
    if result.portfolio is not None:
        active = sum(m.status == "active" for m in project.motions)
        motions = _count(active, "active motion")
        rows.append((result.portfolio, "portfolio", "", motions))
    return rows


def _lint_data(project: Project, result: LintResult) -> dict[str, Any]:
    return {
        "motions": [
            {
                "id": m.id,
                "file": m.source,
                "status": m.status,
                "score": result.scores[m.id],
            }
            for m in project.motions
        ],
        "portfolio_score": result.portfolio,
    }


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown prints the reference kept in docs/rules.md.",
)
def rules(fmt: str) -> None:
    """List every lint rule with its default severity and what it checks."""
    if fmt == "markdown":
        click.echo(lint_docs.rules_markdown(), nl=False)
    elif fmt == "json":
        data = [
            {
                "id": r.id,
                "severity": r.severity.value,
                "scope": r.scope,
                "summary": r.summary,
                "options": r.defaults(),
            }
            for r in RULES.values()
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(lint_docs.rules_table())


@main.command()
@click.argument("rule_id", metavar="RULE")
def explain(rule_id: str) -> None:
    """Explain a lint rule: what it checks, why, an example, the fix, options."""
    click.echo(lint_docs.explain(lint_docs.rule_named(rule_id)))


if __name__ == "__main__":  # pragma: no cover
    main()
