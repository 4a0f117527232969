"""Strict YAML loading: motion files become plain data that remembers positions.

Only safe YAML is read: no tags, no object construction, no duplicate keys,
no tabs in indentation, a bounded alias expansion and a bounded file size.
Every key and value keeps the line and column where it was written, and
plain scalars that YAML 1.1 turns into something other than text keep the
text as written, so later stages can say "`on` was read as a yes/no value".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from playbook.errors import Finding

try:  # libyaml is an order of magnitude faster; PyYAML falls back without it.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]
"""A position in the data: keys and list indexes from the top."""

MAX_BYTES = 1_048_576
MAX_DEPTH = 64
MAX_ALIAS_VALUES = 10_000

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "bool", "int", "float", "null")}
_TIMESTAMP = f"{_TAG}timestamp"
_STR, _SEQ, _MAP = f"{_TAG}str", f"{_TAG}seq", f"{_TAG}map"
_BLOCK_STYLES = {"|", ">"}
_QUOTED_STYLES = {"'", '"'}
# Characters YAML does not allow in a stream (printable set of YAML 1.2).
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    "|[\u202a-\u202e\u2066-\u2069]"  # bidirectional overrides hide what text says
)
_PLAIN_NUMBER = re.compile(r"^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
_COMMENT_IN_TEXT = re.compile(r"[ \t]+#\S")

_constructor = SafeConstructor()
_resolver = Resolver()
_CONSTRUCT = {
    f"{_TAG}bool": _constructor.construct_yaml_bool,
    f"{_TAG}int": _constructor.construct_yaml_int,
    f"{_TAG}float": _constructor.construct_yaml_float,
    f"{_TAG}null": _constructor.construct_yaml_null,
    _TIMESTAMP: _constructor.construct_yaml_timestamp,
}


class Mark(NamedTuple):
    """A 1-based line and column in a source file."""

    line: int
    col: int


_mark = Mark._make


@dataclass
class Document:
    """One loaded YAML file: its data and where each part was written.

    `written` keeps the text of plain scalars that YAML 1.1 reads as something
    other than text; `unplain` lists the numbers among them not written as
    plain digits (010, 1:30, 1_000), which YAML reads as other numbers.
    """

    path: Path
    name: str
    text: str
    data: Any
    marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)
    written: dict[Path_, str] = field(default_factory=dict)
    unplain: set[Path_] = field(default_factory=set)

    def mark(self, path: Path_) -> Mark:
        """Position of the value at `path`, or of its nearest written parent.

        An empty value has no position of its own, so its key's is used.
        """
        for end in range(len(path), -1, -1):
            sub = path[:end]
            if (
                sub in self.written
                and self.written[sub] == ""
                and sub in self.key_marks
            ):
                return self.key_marks[sub]
            if sub in self.marks:
                return self.marks[sub]
        return Mark(1, 1)

    def key_mark(self, path: Path_) -> Mark:
        """Position of the key that holds `path`, falling back to the value."""
        return self.key_marks.get(path) or self.mark(path)

    def finding(self, path: Path_, message: str, rule: str, hint: str = "") -> Finding:
        """Build an error finding positioned at the value at `path`."""
        mark = self.mark(path)
        return Finding(self.name, mark.line, mark.col, rule, message=message, hint=hint)


class _Problems(Exception):
    """Raised inside the loader when a file cannot be read any further."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(findings)
        self.findings = findings


def load_file(
    path: Path, name: str | None = None
) -> tuple[Document | None, list[Finding]]:
    """Read and load one YAML file; return the document and its findings.

    The document is None when the file cannot be read as data at all.
    """
    name = name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return None, [
            Finding(
                name, 1, 1, "format/file", message=f"cannot read the file: {reason}"
            )
        ]
    return load_bytes(raw, path, name)


def load_bytes(
    raw: bytes, path: Path, name: str
) -> tuple[Document | None, list[Finding]]:
    """Load YAML from bytes already read from `path` (shown as `name`)."""
    try:
        text = _decode(raw, name)
        root = _compose(text, name)
        builder = _Builder(name, text)
        data = builder.build(root)
    except _Problems as problems:
        return None, problems.findings
    doc = Document(
        path,
        name,
        text,
        data,
        builder.marks,
        builder.key_marks,
        builder.written,
        builder.unplain,
    )
    return doc, builder.findings + _tab_findings(text, name, builder.multiline)


def _error(
    name: str, line: int, col: int, message: str, rule: str = "format/yaml"
) -> _Problems:
    return _Problems([Finding(name, line, col, rule, message=message)])


def _decode(raw: bytes, name: str) -> str:
    """Decode UTF-8 (an optional BOM is dropped) and refuse what YAML cannot hold."""
    if len(raw) > MAX_BYTES:
        size = f"{len(raw) / 1_048_576:.1f} MiB"
        raise _error(
            name, 1, 1, f"the file is {size}; motion files are limited to 1 MiB"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        byte = raw[exc.start]
        raise _error(
            name,
            line,
            col,
            f"byte 0x{byte:02x} is not UTF-8 text; save the file with UTF-8 encoding",
            "format/encoding",
        ) from None
    text = text.removeprefix("\ufeff")
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        code = f"U+{ord(bad.group()):04X}"
        raise _error(
            name,
            line,
            col,
            f"the invisible control character {code} is not allowed; delete it",
            "format/encoding",
        )
    return text


def _compose(text: str, name: str) -> Node:
    """Parse into a node graph (no Python objects are ever constructed)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "scanning a quoted scalar" in (exc.context or ""):
            mark = exc.context_mark  # point at the opening quote, not the end of file
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        line, col, message = _explain_parse_error(exc, text, line, col)
        raise _error(name, line, col, message) from None
    except yaml.YAMLError as exc:  # a reader error without a mark
        raise _error(name, 1, 1, f"the file is not valid YAML: {exc}") from None
    if root is None:
        raise _error(
            name, 1, 1, "the file is empty; a motion needs at least an id and a name"
        )
    return root


_PARSE_HINTS = (
    (
        "expected a single document",
        "the file holds more than one YAML document "
        "(a second `---`); keep one motion per file",
    ),
    (
        "found undefined alias",
        "this alias (a name after `*`) has no anchor of that name (after `&`) above it",
    ),
    (
        "mapping values are not allowed",
        "a colon followed by a space cannot appear in "
        "unquoted text; put the whole value in quotes",
    ),
    (
        "could not find expected ':'",
        "this line is not a `field: value` pair; check for a "
        "missing colon or a wrong indentation",
    ),
    (
        "did not find expected key",
        "this line does not line up with the fields around it; check its indentation",
    ),
    (
        "did not find expected '-' indicator",
        "this list item does not line up with the "
        "items above it; check its indentation",
    ),
    ("scanning a quoted scalar", "a quote is opened here but never closed"),
    (
        "found unknown escape character",
        "this backslash escape is not valid inside double "
        "quotes; use single quotes or write \\\\ for a backslash",
    ),
    ("did not find expected ',' or ']'", "this [list] is not closed with `]`"),
    ("did not find expected ',' or '}'", "this {mapping} is not closed with `}`"),
    ("did not find expected node content", "a value is missing here"),
    (
        "found character that cannot start any token",
        "this character cannot start a value; put the value in quotes",
    ),
    (
        "block sequence entries are not allowed",
        "a list item (-) cannot start on the "
        "same line as a field; move it to its own line",
    ),
)


def _explain_parse_error(
    exc: yaml.MarkedYAMLError, text: str, line: int, col: int
) -> tuple[int, int, str]:
    """Turn a YAML parser complaint into a positioned sentence in plain words."""
    problem = f"{exc.context or ''} {exc.problem or ''}"
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    if "\t" in indent:
        return line, indent.index("\t") + 1, _TAB_MESSAGE
    if "did not find expected key" in problem and col > len(indent) + 1:
        before = source[: col - 1]
        if "'" in before or '"' in before:
            return line, col, _AFTER_QUOTE_MESSAGE
    if "mapping values are not allowed" in problem:
        better = _misplaced_field(lines, line, col)
        if better:
            return better
    for needle, message in _PARSE_HINTS:
        if needle in problem:
            return line, col, message
    detail = " ".join(problem.split())
    return line, col, f"the file is not valid YAML here ({detail})"


def _comment_message(comment: str, value: str) -> str:
    return (
        f"the text from `{comment.strip()[:20]}` on is read as a comment, so the "
        f"value ends at `{value}`; put the whole value in quotes to keep it"
    )


_AFTER_QUOTE_MESSAGE = (
    "the text goes on after a closing quote; if the value itself holds a quote or "
    'an apostrophe, wrap the whole value in double quotes ("it\'s")'
)
_FIELD_START = re.compile(r"^(\s*)(- )?[\w.-]+$")


def _misplaced_field(
    lines: list[str], line: int, col: int
) -> tuple[int, int, str] | None:
    """Blame the right line when a normal `field:` line confuses the parser.

    Either the line above lacks its colon, or this line is indented deeper
    than the complete `field: value` line above it.
    """
    source = lines[line - 1]
    head = source.split(":", 1)[0]
    if col - 1 != len(head) or not _FIELD_START.match(head):
        return None
    above = next(
        (
            n
            for n in range(line - 1, 0, -1)
            if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")
        ),
        None,
    )
    if above is None:
        return None
    previous = lines[above - 1]
    indent = len(source) - len(source.lstrip())
    if ":" not in previous:
        col = len(previous) - len(previous.lstrip()) + 1
        return (
            above,
            col,
            "this line has no colon after its field name (`field: value`)",
        )
    if indent > len(previous) - len(previous.lstrip()):
        return (
            line,
            indent + 1,
            (
                "this line is indented deeper than the field above it; line it up "
                "with the fields around it"
            ),
        )
    return None


_TAB_MESSAGE = "a tab is used for indentation; YAML needs spaces, so indent with spaces"


def _tab_findings(text: str, name: str, multiline: set[int]) -> list[Finding]:
    """Refuse tabs in indentation that the parser happened to accept."""
    if "\t" not in text:
        return []
    findings = []
    for number, source in enumerate(text.splitlines(), start=1):
        indent = source[: len(source) - len(source.lstrip(" \t"))]
        rest = source[len(indent) :]
        if (
            "\t" in indent
            and rest
            and not rest.startswith("#")
            and number not in multiline
        ):
            col = indent.index("\t") + 1
            findings.append(
                Finding(name, number, col, "format/tab", message=_TAB_MESSAGE)
            )
    return findings


class _Builder:
    """Turn a node graph into plain data, recording positions and refusals.

    Alias bookkeeping runs only when the text holds a `*`, tag checks only
    when it holds a `!`, and tab bookkeeping only when it holds a tab: a
    plain motion pays for none of them.
    """

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.marks: dict[Path_, Mark] = {}
        self.key_marks: dict[Path_, Mark] = {}
        self.written: dict[Path_, str] = {}
        self.unplain: set[Path_] = set()
        self.findings: list[Finding] = []
        self.multiline: set[int] = set()
        self._aliases = "*" in text
        self._tags = "!" in text
        self._tabs = "\t" in text
        self._comments = "#" in text
        self.text = text
        self._lines: list[str] | None = None
        self._on_stack: set[int] = set()
        self._first_path: dict[int, Path_] = {}
        self._reported_aliases: set[Node] = set()
        self._alias_values = 0
        self._alias_depth = 0
        self._alias_root: Node | None = None

    def build(self, root: Node) -> Any:
        if not isinstance(root, MappingNode):
            mark = root.start_mark
            raise _error(
                self.name,
                mark.line + 1,
                mark.column + 1,
                "a motion file must be a set of `field: value` lines (id, name, ...), "
                f"not a {'list' if isinstance(root, SequenceNode) else 'single value'}",
            )
        return self._node(root, ())

    def _finding(self, node: Node, message: str, rule: str) -> None:
        mark = node.start_mark
        self.findings.append(
            Finding(self.name, mark.line + 1, mark.column + 1, rule, message=message)
        )

    def _node(self, node: Node, path: Path_) -> Any:
        start = node.start_mark
        self.marks[path] = _mark((start.line + 1, start.column + 1))
        if len(path) > MAX_DEPTH:
            raise _error(
                self.name,
                start.line + 1,
                start.column + 1,
                f"values are nested more than {MAX_DEPTH} levels deep",
            )
        if self._aliases:
            return self._counted(node, path)
        return self._value(node, path)

    def _value(self, node: Node, path: Path_) -> Any:
        kind = node.__class__
        if kind is ScalarNode:
            return self._scalar(node, path)
        if kind is SequenceNode:
            return self._sequence(node, path)
        return self._mapping(node, path)

    def _counted(self, node: Node, path: Path_) -> Any:
        """Build a value while bounding how far aliases expand."""
        key = id(node)
        if key in self._on_stack:
            raise self._alias_error(node, "refers to itself")
        first = self._first_path.setdefault(key, path)
        if first is not path:
            self._check_internal_alias(node, first, path)
        repeated = node.__class__ is not ScalarNode and first is not path
        if repeated and not self._alias_depth:
            self._alias_root = node
        self._alias_depth += repeated
        self._on_stack.add(key)
        try:
            if self._alias_depth:
                self._alias_values += 1
                if self._alias_values > MAX_ALIAS_VALUES:
                    raise self._alias_error(
                        self._alias_root,
                        f"expands to more than {MAX_ALIAS_VALUES} values",
                    )
            return self._value(node, path)
        finally:
            self._on_stack.discard(key)
            self._alias_depth -= repeated

    def _check_internal_alias(self, node: Node, first: Path_, path: Path_) -> None:
        """Vendor-only text must not reach partner fields through an alias."""
        inside = first[:1] == ("internal",)
        if inside == (path[:1] == ("internal",)) or node in self._reported_aliases:
            return
        self._reported_aliases.add(node)
        self._finding(
            node,
            "this anchor (&) is used both inside `internal:` and outside it, which "
            "would copy vendor-only text into partner-facing fields; write the "
            "values out separately",
            "format/alias",
        )

    def _alias_error(self, node: Node, what: str) -> _Problems:
        mark = node.start_mark
        return _error(
            self.name,
            mark.line + 1,
            mark.column + 1,
            "the anchor (&) here is used by aliases (*) so often that the data "
            f"{what}; "
            "write the values out or use a shared fragment",
            "format/alias",
        )

    def _sequence(self, node: SequenceNode, path: Path_) -> list:
        if node.tag != _SEQ:
            self._tag_refused(node)
        build = self._node
        return [build(item, (*path, i)) for i, item in enumerate(node.value)]

    def _mapping(self, node: MappingNode, path: Path_) -> dict:
        if node.tag != _MAP:
            self._tag_refused(node)
        result: dict[str, Any] = {}
        key_marks = self.key_marks
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag == _STR:
                key = key_node.value
            else:
                key = self._key(key_node)
                if key is None:
                    continue
            child = (*path, key)
            start = key_node.start_mark
            if key in result:
                first = key_marks[child]
                self._finding(
                    key_node,
                    f"`{key}` is given twice in the same block (first on line "
                    f"{first.line}); the second would silently replace the first, "
                    "so merge them into one",
                    "format/duplicate-key",
                )
                continue
            key_marks[child] = _mark((start.line + 1, start.column + 1))
            result[key] = self._node(value_node, child)
        return result

    def _key(self, node: Node) -> str | None:
        if not isinstance(node, ScalarNode):
            self._finding(
                node,
                "a field name must be plain text, not a list or block",
                "format/key",
            )
            return None
        if node.tag == f"{_TAG}merge":
            self._finding(
                node,
                "merge keys (<<) are not supported; write the fields "
                "out or use a shared fragment",
                "format/key",
            )
            return None
        if node.tag not in _SCALAR_TAGS and node.tag != _TIMESTAMP:
            self._tag_refused(node)
        return node.value

    def _tag_refused(self, node: Node) -> None:
        tag = (
            "!!" + node.tag.removeprefix(_TAG)
            if node.tag.startswith(_TAG)
            else node.tag
        )
        self._finding(
            node,
            f"tags such as `{tag}` are not allowed in motion files; remove the tag "
            "(put text in quotes to keep it as text)",
            "format/tag",
        )

    def _checked_text(self, node: ScalarNode) -> None:
        """Refuse text that hides characters or loses its end to a comment."""
        if node.style == '"':
            bad = _NOT_PRINTABLE.search(node.value)
            if bad:
                code = f"U+{ord(bad.group()):04X}"
                self._finding(
                    node,
                    f"the text holds the invisible character {code} (written as an "
                    "escape with a backslash); remove it",
                    "format/encoding",
                )
        elif not node.style and node.start_mark.line == node.end_mark.line:
            line = self._line(node.end_mark.line)
            cut = _COMMENT_IN_TEXT.match(line, node.end_mark.column)
            if cut:
                self.findings.append(
                    Finding(
                        self.name,
                        node.end_mark.line + 1,
                        cut.end() - 1,
                        "format/comment",
                        message=_comment_message(line[cut.end() - 2 :], node.value),
                    )
                )

    def _line(self, number: int) -> str:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines[number] if number < len(self._lines) else ""

    def _scalar(self, node: ScalarNode, path: Path_) -> Any:
        if self._tabs and (
            node.style in _BLOCK_STYLES or node.end_mark.line > node.start_mark.line
        ):
            self.multiline.update(
                range(node.start_mark.line + 2, node.end_mark.line + 2)
            )
        tag = node.tag
        if self._tags:
            plain = not node.style
            implicit = (
                _resolver.resolve(ScalarNode, node.value, (True, False))
                if plain
                else _STR
            )
            if tag != implicit:
                self._tag_refused(node)
                return node.value
        if tag == _STR:
            if self._comments or node.style == '"':
                self._checked_text(node)
            return node.value
        self.written[path] = node.value
        value = self._typed(node)
        if type(value) in (int, float) and not _PLAIN_NUMBER.match(node.value):
            self.unplain.add(path)  # 010 is 8 and 1:30 is 90 in YAML 1.1
        return value

    def _typed(self, node: ScalarNode) -> Any:
        """Build the YAML 1.1 value of a plain scalar that is not text."""
        try:
            value = _CONSTRUCT[node.tag](node)
        except (ValueError, ConstructorError, OverflowError):
            what = "date (written YYYY-MM-DD)" if node.tag == _TIMESTAMP else "number"
            self._finding(node, f"`{node.value}` is not a real {what}", "format/value")
            return node.value
        if isinstance(value, float) and not math.isfinite(value):
            self._finding(
                node, f"`{node.value}` is not a usable number", "format/value"
            )
        return value


def describe_written(value: Any, written: str) -> str:
    """Say in words what YAML 1.1 made of a plain scalar written as `written`."""
    if written == "" or value is None:
        return (
            "empty" if written in ("", "~", "null", "Null", "NULL") else f"`{written}`"
        )
    if isinstance(value, bool):
        return f"`{written}`, which YAML reads as the yes/no value {str(value).lower()}"
    if isinstance(value, datetime):
        return f"`{written}`, which YAML reads as a date and time"
    if isinstance(value, date):
        return f"`{written}`, which YAML reads as a date"
    if isinstance(value, (int, float)) and str(value) != written:
        return f"`{written}`, which YAML reads as the number {value}"
    return f"the number {written}"
