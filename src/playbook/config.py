"""Project configuration: where the project is, its brand, paths and lint options.

The project root is the nearest folder, from the current one upward, that
holds a `playbook.toml` or a `pyproject.toml` with a `[tool.playbook]`
table; without either, the current folder is the root.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playbook.errors import ConfigError

CONFIG_NAME = "playbook.toml"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_BRAND_FORMATS = {
    "website": (
        re.compile(r"^https://[^\s/@]+\.[^\s/@]+(/\S*)?$"),
        "an https:// address",
    ),
    "contact": (re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$"), "an email address"),
}


@dataclass(frozen=True)
class Brand:
    """What the templates show: company name, logo, colours and contact."""

    name: str = "Northwind"
    logo: str = ""
    primary: str = "#0b4f8a"
    accent: str = "#e8a317"
    contact: str = ""
    website: str = ""


@dataclass(frozen=True)
class Config:
    """Everything read from the project's configuration file."""

    root: Path
    file: Path | None = None
    text: str = ""
    brand: Brand = Brand()
    motions_dir: str = "motions"
    build_dir: str = "build"
    templates_dir: str = "templates"
    lint: dict[str, Any] = field(default_factory=dict)

    @property
    def motions(self) -> Path:
        """The folder holding motion files."""
        return self.root / self.motions_dir

    @property
    def build(self) -> Path:
        """The folder kits are written to."""
        return self.root / self.build_dir

    @property
    def templates(self) -> Path:
        """The project's template overrides folder."""
        return self.root / self.templates_dir

    def position(self, *keys: str) -> str:
        """`file:line` of a key in the config file, for error messages."""
        return f"{self.file}:{find_line(self.text, keys)}"


def find_line(text: str, keys: tuple[str, ...]) -> int:
    """Best-effort line of a dotted key in a TOML text (1 when not found).

    TOML parsers give no positions for values, so the line is found by
    looking for the innermost table header, then the key under it.
    """
    lines = text.splitlines()
    start = 0
    *tables, last = keys if keys else ("",)
    for depth in range(len(tables), 0, -1):
        header = re.compile(
            r"^\s*\[+\s*(tool\.playbook\.)?"
            + re.escape(".".join(tables[:depth]))
            + r"\s*\]"
        )
        found = next((i for i, line in enumerate(lines) if header.match(line)), None)
        if found is not None:
            start = found
            break
    pattern = re.compile(r"^\s*[\"']?" + re.escape(last) + r"[\"']?\s*=")
    for i in range(start, len(lines)):
        if pattern.match(lines[i]):
            return i + 1
    return start + 1


def find_root(start: Path) -> tuple[Path, Path | None]:
    """The project root and its config file, searching upward from `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return folder, candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.playbook" in _read(pyproject):
            return folder, pyproject
    return start, None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path}: the file is not UTF-8 text; save it as UTF-8"
        ) from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ConfigError(f"{path}: cannot read the configuration: {reason}") from None


_TOML_AT = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$")


def _toml_error(file: Path, exc: tomllib.TOMLDecodeError) -> ConfigError:
    """A TOML syntax error as `file:line:col: not valid TOML: what`."""
    match = _TOML_AT.match(str(exc))
    if not match:
        return ConfigError(f"{file}: not valid TOML: {exc}")
    what, line, col = match.groups()
    twice = re.match(r"Cannot declare \((.*)\) twice", what)
    if twice:
        table = ".".join(re.findall(r"'([^']*)'", twice.group(1)))
        what = f"the table [{table}] is written twice; merge the two into one"
    return ConfigError(f"{file}:{line}:{col}: not valid TOML: {what}")


def load_config(start: Path | None = None) -> Config:
    """Find and read the project configuration from `start` (default: cwd)."""
    root, file = find_root(start or Path.cwd())
    if file is None:
        return Config(root=root)
    text = _read(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(file, exc) from None
    if file.name == "pyproject.toml":
        data = data.get("tool", {}).get("playbook", {})
    return _parse(root, file, text, data)


_SECTIONS = {"brand", "paths", "lint"}


def _parse(root: Path, file: Path, text: str, data: dict[str, Any]) -> Config:
    config = Config(root=root, file=file, text=text)
    for key in data:
        if key not in _SECTIONS:
            raise ConfigError(
                f"{config.position(key)}: unknown section `{key}`; "
                f"known sections are {', '.join(sorted(_SECTIONS))}"
            )
    brand = _brand(config, data.get("brand", {}))
    paths = _table(config, data, "paths")
    for key, value in paths.items():
        if key not in ("motions", "build", "templates"):
            raise ConfigError(f"{config.position('paths', key)}: unknown path `{key}`")
        if (
            not isinstance(value, str)
            or not value
            or Path(value).is_absolute()
            or ".." in Path(value).parts
        ):
            raise ConfigError(
                f"{config.position('paths', key)}: `paths.{key}` must be a folder "
                "inside the project, written relative to it"
            )
    return Config(
        root=root,
        file=file,
        text=text,
        brand=brand,
        motions_dir=paths.get("motions", "motions"),
        build_dir=paths.get("build", "build"),
        templates_dir=paths.get("templates", "templates"),
        lint=_table(config, data, "lint"),
    )


def _table(config: Config, data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(
            f"{config.position(name)}: `{name}` must be a table ([{name}])"
        )
    return value


def _brand(config: Config, data: Any) -> Brand:
    if not isinstance(data, dict):
        raise ConfigError(
            f"{config.position('brand')}: `brand` must be a table ([brand])"
        )
    known = Brand.__dataclass_fields__
    for key, value in data.items():
        if key not in known:
            raise ConfigError(
                f"{config.position('brand', key)}: unknown brand setting `{key}`; "
                f"known settings are {', '.join(known)}"
            )
        if not isinstance(value, str):
            raise ConfigError(
                f"{config.position('brand', key)}: `brand.{key}` must be text in quotes"
            )
        if key in ("primary", "accent") and not _COLOUR.match(value):
            raise ConfigError(
                f"{config.position('brand', key)}: `brand.{key}` must be a colour "
                f'like "#0b4f8a", got "{value}"'
            )
        if key in _BRAND_FORMATS and value and not _BRAND_FORMATS[key][0].match(value):
            raise ConfigError(
                f"{config.position('brand', key)}: `brand.{key}` must be "
                f'{_BRAND_FORMATS[key][1]}, got "{value}"'
            )
    return Brand(**data)
