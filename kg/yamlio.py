"""Read curation YAML safely, keeping the line of every value.

The reader composes YAML nodes itself instead of constructing Python objects, so:

* no object is ever constructed from a tag (it is ``safe`` by construction);
* every scalar stays a string (:class:`YStr`) and is typed later by the schema, which
  avoids YAML 1.1 surprises (``no`` read as ``False``, ``1.10`` as ``1.1``, ``012`` as 10);
* aliases are refused (a few hundred bytes of anchors can expand to gigabytes);
* a key given twice is an error, not a silent overwrite;
* files larger than :data:`MAX_BYTES`, not UTF-8, or with a tab in the indentation
  are refused with the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from kg.errors import CurationError

MAX_BYTES = 5 * 1024 * 1024

try:  # the C parser is an order of magnitude faster on large curation sets
    _SafeLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _SafeLoader = yaml.SafeLoader

_DEFAULT_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


class _BaseLoader(_SafeLoader):  # type: ignore[misc]
    """Composes nodes without implicit typing: the schema types every scalar itself.

    Skipping PyYAML's resolver (a regular-expression match per scalar) halves load time on
    large curations, and leaves no room for YAML 1.1's implicit booleans and octals.
    """

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return _DEFAULT_TAGS[kind]


class YStr(str):
    """A YAML scalar: a string that remembers its line and whether it was quoted."""

    line: int
    quoted: bool

    def __new__(cls, value: str, line: int = 0, quoted: bool = False) -> YStr:
        obj = super().__new__(cls, value)
        obj.line = line
        obj.quoted = quoted
        return obj


class YMap(dict[str, Any]):
    """A YAML mapping that remembers its line and each key's line."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key`` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A YAML sequence that remembers its line."""

    line: int


def read_yaml(path: Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Read one YAML file into :class:`YMap`/:class:`YList`/:class:`YStr` values.

    Args:
        path: the file to read.
        max_bytes: refuse files larger than this.

    Returns:
        The document's root value, or ``None`` for an empty document.

    Raises:
        CurationError: the file is unreadable, too large, not UTF-8 or not valid YAML.
    """
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CurationError.single(
                name, 0, f"file is {size} bytes, over the {max_bytes}-byte limit; split it", "yaml"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise CurationError.single(name, 0, f"cannot read file: {exc.strerror}", "yaml") from exc
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes, name: str) -> Any:
    """Parse YAML bytes; see :func:`read_yaml`.

    >>> doc = parse_yaml(b"a: no\\nb: 1.10\\n", "x.yaml")
    >>> doc["a"], doc["b"], doc["b"].line
    ('no', '1.10', 2)
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte order mark carries no meaning; drop it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CurationError.single(
            name, line, f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", "yaml"
        ) from exc
    tab = _TAB_INDENT.search(text)
    if tab is not None:
        number = text.count("\n", 0, tab.start()) + 1
        raise CurationError.single(
            name, number, "tab in indentation; YAML indents with spaces only", "yaml"
        )
    if "*" in text or "&" in text:
        _refuse_aliases(text, name)
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(getattr(mark, "line", -1)) + 1
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        raise CurationError.single(name, line, f"invalid YAML: {problem}{context}", "yaml") from exc
    except yaml.YAMLError as exc:
        raise CurationError.single(name, 0, f"invalid YAML: {exc}", "yaml") from exc
    finally:
        loader.dispose()
    if node is None:
        return None
    return _convert(node, name, set())


def _refuse_aliases(text: str, name: str) -> None:
    """Stop at the first anchor or alias, before anything is composed."""
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise CurationError.single(
                    name,
                    int(getattr(event.start_mark, "line", -1)) + 1,
                    "YAML anchors and aliases are not allowed in curation files;"
                    " write the value out",
                    "yaml",
                )
    except yaml.YAMLError:
        return  # the composer reports syntax errors with their line


def _convert(node: yaml.Node, name: str, seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise CurationError.single(
            name, line, "YAML anchors and aliases are not allowed in curation files", "yaml"
        )
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _PLAIN_TAGS:
            raise CurationError.single(
                name, line, f"YAML tag {node.tag!r} is not allowed; remove it", "yaml"
            )
        return YStr(node.value, line, quoted=node.style in ("'", '"', "|", ">"))
    if isinstance(node, yaml.SequenceNode):
        seq = YList(_convert(item, name, seen) for item in node.value)
        seq.line = line
        return seq
    if isinstance(node, yaml.MappingNode):
        mapping = YMap()
        mapping.line = line
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise CurationError.single(
                    name, key_node.start_mark.line + 1, "mapping keys must be plain text", "yaml"
                )
            key = key_node.value
            key_line = key_node.start_mark.line + 1
            if key == "<<":
                raise CurationError.single(
                    name, key_line, "YAML merge keys ('<<') are not allowed", "yaml"
                )
            if key in mapping:
                raise CurationError.single(
                    name,
                    key_line,
                    f"duplicate key {key!r} (first on line {mapping.key_lines[key]}); keep one",
                    "yaml",
                )
            mapping.key_lines[key] = key_line
            mapping[key] = _convert(value_node, name, seen)
        return mapping
    raise CurationError.single(name, line, "unsupported YAML node", "yaml")  # pragma: no cover


_PLAIN_TAGS = frozenset(
    {
        "!",
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
)
