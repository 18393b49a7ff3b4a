"""The bundled competency questions (``kg/queries/*.rq``) and their parameters.

A bundled query declares itself in ``#`` header lines: ``title``, ``question``, ``audience``
and ``param: NAME (iri|string|integer|decimal) = DEFAULT -- help``. A parameter's value is
turned into one RDF term (:func:`to_term`), never text pasted into the query, so it cannot
change what the query does.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import QueryError
from kg.namespaces import KGE, PREFIXES

QUERY_SUFFIX = ".rq"

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_CURIE = re.compile(r"^([A-Za-z][\w\-]*):(\S*)$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_PARAM = re.compile(
    r"^#\s*param:\s*(?P<name>[A-Za-z_]\w*)\s*\((?P<type>iri|string|integer|decimal)\)"
    r"\s*=\s*(?P<default>\S+)\s*(?:--\s*(?P<help>.*))?$"
)
_HEADER = re.compile(r"^#\s*(?P<key>title|question|audience):\s*(?P<value>.*)$")


# -- bundled queries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A parameter a query declares in its header (``# param: name (type) = default -- help``)."""

    name: str
    type: str
    default: str
    help: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A query with its header: the question it answers, in plain words, and its parameters."""

    name: str
    text: str
    title: str = ""
    question: str = ""
    audience: str = ""
    parameters: tuple[Parameter, ...] = ()
    path: str = ""


def parse_header(name: str, text: str, path: str = "") -> NamedQuery:
    """Read the comment header of a ``.rq`` file.

    >>> q = parse_header("x", "# question: Who?\\n# param: who (iri) = kge:who -- agent\\nASK {}")
    >>> q.question, q.parameters[0].name, q.parameters[0].default
    ('Who?', 'who', 'kge:who')
    """
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if match := _PARAM.match(line):
            parameters.append(
                Parameter(match["name"], match["type"], match["default"], match["help"] or "")
            )
        elif match := _HEADER.match(line):
            key = match["key"]
            fields[key] = (
                f"{fields[key]} {match['value'].strip()}"
                if key in fields
                else match["value"].strip()
            )
    return NamedQuery(
        name=name,
        text=text,
        title=fields.get("title", ""),
        question=fields.get("question", ""),
        audience=fields.get("audience", ""),
        parameters=tuple(parameters),
        path=path,
    )


def bundled_queries() -> dict[str, NamedQuery]:
    """The competency questions shipped in ``kg/queries``, by name (the file name without .rq)."""
    return dict(_bundled_queries())


@functools.cache
def _bundled_queries() -> tuple[tuple[str, NamedQuery], ...]:
    folder = resources.files("kg") / "queries"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(QUERY_SUFFIX):
            name = entry.name[: -len(QUERY_SUFFIX)]
            found.append((name, parse_header(name, entry.read_text(encoding="utf-8"), str(entry))))
    return tuple(found)


def resolve_query(query_or_name: str) -> NamedQuery:
    """Turn what the user gave into a query: a bundled name, a ``.rq`` path, or SPARQL text.

    Raises:
        QueryError: a name that is no bundled query, or a ``.rq`` file that cannot be read.
    """
    bundled = bundled_queries()
    if query_or_name in bundled:
        return bundled[query_or_name]
    if query_or_name.endswith(QUERY_SUFFIX) and "\n" not in query_or_name:
        path = Path(query_or_name)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"{path}: cannot read the query file ({exc.strerror})") from exc
        return parse_header(path.stem, text, str(path))
    if re.fullmatch(r"[\w\-]+", query_or_name):
        close = difflib.get_close_matches(query_or_name, list(bundled), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise QueryError(
            f"unknown query {query_or_name!r}{hint} (kg query --list shows the bundled queries)"
        )
    return NamedQuery(name="", text=query_or_name)


# -- parameters ----------------------------------------------------------------------------------


def parse_param(item: str) -> tuple[str, str]:
    """Split a ``name=value`` command-line parameter.

    >>> parse_param("drug=anakinra")
    ('drug', 'anakinra')
    """
    name, sep, value = item.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
        raise QueryError(f"parameter {item!r} is not name=value")
    return name, value


def to_term(value: str | Node, type_: str = "auto") -> Node:
    """Turn a parameter value into an RDF term, by its declared type.

    IRIs may be written as ``<...>``, as a CURIE with one of the graph's prefixes, or as a bare
    entity id (``anakinra`` is ``kge:anakinra``).

    >>> to_term("anakinra", "iri")
    rdflib.term.URIRef('https://w3id.org/cytokine-storm-kg/entity/anakinra')
    >>> to_term('x" } ; DROP ALL #', "string")
    rdflib.term.Literal('x" } ; DROP ALL #')
    """
    if isinstance(value, Node):
        return value
    if type_ == "string":
        return Literal(value)
    if type_ in ("integer", "decimal"):
        datatype = XSD.integer if type_ == "integer" else XSD.decimal
        pattern = r"[+-]?\d+" if type_ == "integer" else r"[+-]?(\d+(\.\d*)?|\.\d+)"
        if not re.fullmatch(pattern, value):
            raise QueryError(f"parameter value {value!r} is not an {type_}")
        return Literal(value, datatype=datatype)
    iri = _to_iri(value)
    if iri is not None:
        return iri
    if type_ == "iri":
        raise QueryError(
            f"parameter value {value!r} is not an IRI: write <https://...>, a CURIE such as "
            "kge:anakinra, or an entity id"
        )
    return Literal(value)


def _to_iri(value: str) -> URIRef | None:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif match := _CURIE.match(text):
        prefix, local = match.groups()
        if prefix in PREFIXES:
            text = str(PREFIXES[prefix]) + local
        elif prefix not in ("http", "https", "urn"):
            return None
    elif _ID.match(text):
        text = str(KGE[text])
    else:
        return None
    if not re.match(r"^[A-Za-z][\w+.\-]*:", text) or _IRI_FORBIDDEN.search(text):
        return None
    return URIRef(text)


def bind_parameters(named: NamedQuery, params: Mapping[str, str | Node] | None) -> dict[str, Node]:
    """The bindings of a query: declared defaults, overridden by ``params``.

    Raises:
        QueryError: a parameter the query does not declare, or a value of the wrong type.
    """
    params = dict(params or {})
    bindings: dict[str, Node] = {}
    declared = {p.name: p for p in named.parameters}
    for parameter in named.parameters:
        raw = params.pop(parameter.name, parameter.default)
        bindings[parameter.name] = to_term(raw, parameter.type)
    if named.parameters and params:
        unknown = ", ".join(sorted(params))
        known = ", ".join(sorted(declared))
        raise QueryError(
            f"query {named.name!r} has no parameter {unknown}; its parameters: {known}"
        )
    for name, raw in params.items():
        bindings[name] = to_term(raw)
    return bindings
