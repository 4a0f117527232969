"""The `playbook` command line: the only place that prints and picks exit codes.

Exit codes: 0 when all is well, 1 when the input has problems (invalid
motions, lint findings at or above --fail-on, a failed build), 2 when the
command is used wrongly or the environment is not usable.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from playbook import __version__, report
from playbook.config import Config, load_config
from playbook.errors import InvalidInput, PlaybookError
from playbook.project import Project, load_project
from playbook.resources import schema_path
from playbook.summary import summary as summary_of

log = logging.getLogger("playbook")


def _setup_logging(verbose: int) -> None:
    """One place configures logging: quiet by default, more with -v."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("playbook")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class _Group(click.Group):
    """A group that turns any error into a message and an exit code, never a traceback."""

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
@click.option("-v", "--verbose", count=True, help="Say more (-vv for debugging detail).")
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
    return load_project(config.root, targets)


_PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@main.command()
@_PATHS
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text",
              show_default=True, help="How to print the problems.")
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
        click.echo(report.as_json(findings, valid=project.ok, files=project.files, motions=valid))
    elif fmt == "github":
        if findings:
            click.echo(report.github(findings))
    elif findings:
        click.echo(report.text(findings, colour=_colour()))
    if fmt != "json":
        summary_line = (
            f"{_count(valid, 'motion')} valid ({_count(project.files, 'file')} checked)"
            if project.ok else report.count_line(findings, project.files, "files")
        )
        click.echo(summary_line, err=bool(findings))
    ctx.exit(0 if project.ok else 1)


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _valid_project(ctx: click.Context, paths: tuple[Path, ...]) -> Project:
    project = _load(_config(ctx), paths)
    if not project.ok:
        raise InvalidInput(project.findings)
    return project


@main.command()
@_PATHS
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="How to print the summaries.")
@click.pass_context
def summary(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Print each motion's one-sentence summary: who to call, what to say and offer."""
    project = _valid_project(ctx, paths)
    rows = [(m, summary_of(m)) for m in project.motions]
    if fmt == "json":
        data = [{"id": m.id, "name": m.name, "summary": s} for m, s in rows]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo("\n\n".join(f"**{m.name}** (`{m.id}`): {s}" for m, s in rows))
    else:
        click.echo("\n".join(f"{m.id}: {s}" for m, s in rows))


@main.command()
@click.option("--fragments", is_flag=True, help="Print the shared fragments schema instead.")
def schema(fragments: bool) -> None:
    """Print the JSON Schema of the motion format (for editors and CI)."""
    name = "fragments.schema.json" if fragments else "motion.schema.json"
    click.echo(schema_path(name).read_text(encoding="utf-8"), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
