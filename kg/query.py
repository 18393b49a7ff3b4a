"""SPARQL over the graph: loading it, running queries with safe parameters, their results.

A query is a SPARQL string, a ``.rq`` file, or the name of a bundled query (``kg/queries/*.rq``,
see :mod:`kg.named`). Parameters are bound as RDF terms (rdflib's ``initBindings`` on its memory
store, a ``VALUES`` block of serialised terms on Oxigraph): a value is never pasted into query
text, so a parameter cannot change what the query does (no SPARQL injection). The graph's
prefixes (:data:`kg.namespaces.PREFIXES`) are predeclared.

Queries are read-only and local: ``SERVICE``, ``FROM`` and ``FROM NAMED`` are refused before
anything runs, because rdflib would fetch the URLs they name.

>>> import kg
>>> result = kg.query("drug-targets", {"drug": "anakinra"})
>>> sorted(str(row["targetLabel"]) for row in result.rows)
['IL-1', 'IL-1α', 'IL-1β']
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
import types
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import (
    GraphFileError,
    QueryError,
    QuerySyntaxError,
    ReadOnlyError,
    ResultTooLargeError,
)
from kg.formats import ResultFormat, StoreKind
from kg.named import (
    NamedQuery,
    Parameter,
    bind_parameters,
    bundled_queries,
    parse_header,
    parse_param,
    resolve_query,
    to_term,
)
from kg.namespaces import PREFIXES
from kg.results import ASK, GRAPH_KINDS, SELECT, QueryResult, format_result, shorten
from kg.store import oxigraph_store, store_kind

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

log = logging.getLogger(__name__)


# -- the graph -----------------------------------------------------------------------------------


def load_graph(
    data_dir: Path | None = None,
    graph_file: Path | None = None,
    store: StoreKind = StoreKind.OXIGRAPH,
    store_path: Path | None = None,
    *,
    inferred: bool = False,
) -> Graph:
    """The knowledge graph, built once per process and then reused.

    Args:
        data_dir: a curation directory to build from; the bundled curation when ``None``.
        graph_file: an RDF file to read instead of building (format guessed from its suffix).
        store: where the graph is held: Oxigraph (fast; the default) or rdflib's memory store.
            Both give the same answers.
        store_path: an on-disk Oxigraph store written by ``kg build --store`` (opened
            read-only; nothing is parsed).
        inferred: also hold what HermiT infers from the curation (see :mod:`kg.reason`), so
            that queries find it; only for a graph built from curation.

    Returns:
        The graph (shared between callers: do not modify it).

    Raises:
        CurationError: the curation does not pass its checks.
        GraphFileError: the RDF file cannot be read.
    """
    if inferred and (store_path is not None or graph_file is not None):
        raise QueryError(
            "--include-inferred reasons over a curation (--data), not a --graph file or a store"
        )
    if store_path is not None:
        from kg.store import open_store

        return open_store(store_path)
    data = data_dir.resolve() if data_dir else None
    file = graph_file.resolve() if graph_file else None
    return _load_graph(data, file, store, inferred)


@functools.cache
def _load_graph(
    data_dir: Path | None, graph_file: Path | None, store: StoreKind, inferred: bool = False
) -> Graph:
    from kg.store import curation_ntriples, graph_for_curation, graph_from_ntriples

    if graph_file is not None:
        graph = _read_graph_file(graph_file)
        if store is StoreKind.MEMORY:
            return graph
        return graph_from_ntriples(graph.serialize(format="nt", encoding="utf-8"), store)
    from kg.curation import load_curation

    curation = load_curation(data_dir)
    if not inferred:
        return graph_for_curation(curation, store)
    from kg.reason import inferred_graph_ntriples, require_consistent

    result = require_consistent(curation)
    return graph_from_ntriples(curation_ntriples(curation) + inferred_graph_ntriples(result), store)


def _read_graph_file(path: Path) -> Graph:
    from rdflib.util import guess_format

    rdf_format = guess_format(str(path))
    if rdf_format is None:
        raise GraphFileError(
            f"{path}: cannot tell the RDF format from the suffix; use .ttl, .nt, .jsonld or .rdf"
        )
    if rdf_format == "json-ld":
        _refuse_remote_contexts(path)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    try:
        graph.parse(path, format=rdf_format)
    except FileNotFoundError as exc:
        raise GraphFileError(f"{path}: file not found; pass an existing --graph FILE") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise GraphFileError(f"{path}: not readable as {rdf_format}: {exc}") from exc
    return graph


def _refuse_remote_contexts(path: Path) -> None:
    # rdflib's JSON-LD parser fetches a context named by URL (or by @import); nothing is fetched
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GraphFileError(f"{path}: file not found; pass an existing --graph FILE") from exc
    except (OSError, ValueError) as exc:
        raise GraphFileError(f"{path}: not readable as JSON-LD: {exc}") from exc
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@import" or (
                    key == "@context"
                    and any(
                        isinstance(v, str) for v in (value if isinstance(value, list) else [value])
                    )
                ):
                    raise GraphFileError(
                        f"{path}: the JSON-LD names a remote context ({key}); contexts are never "
                        "fetched: inline the context, or use Turtle or N-Triples"
                    )
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


# -- running -------------------------------------------------------------------------------------


def prepare(text: str) -> Query:
    """Parse and translate a query, refusing what would read or fetch outside the graph.

    Raises:
        QuerySyntaxError: the text is not SPARQL 1.1 Query (with line, column and the line).
        QueryError: an update, an unknown prefix, or ``SERVICE``/``FROM``/``FROM NAMED``.
    """
    return _prepare(text)


@functools.lru_cache(maxsize=256)
def _prepare(text: str) -> Query:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except ParseBaseException as exc:
        if _is_update(text):
            raise ReadOnlyError(
                "this is a SPARQL Update; the graph is read-only (only queries are run)"
            ) from exc
        raise QuerySyntaxError(str(exc.msg), exc.lineno, exc.col, exc.line) from exc
    # rdflib's algebra raises a bare Exception for query errors such as an unknown prefix; any
    # other exception type is a bug and propagates.
    except Exception as exc:
        if type(exc) is not Exception:
            raise
        raise QueryError(f"query error: {exc}") from exc
    refuse_remote(prepared)
    return prepared


def _is_update(text: str) -> bool:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except ParseBaseException:
        return False
    return True


def refuse_remote(prepared: Query) -> None:
    """Refuse a query that names another dataset or endpoint (rdflib would fetch it).

    Raises:
        QueryError: the query has ``FROM``/``FROM NAMED`` or a ``SERVICE`` pattern.
    """
    from rdflib.plugins.sparql.parserutils import CompValue

    algebra = prepared.algebra
    if algebra.get("datasetClause"):
        raise QueryError("FROM and FROM NAMED are not supported: the query runs on this graph only")
    stack: list[Any] = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryError("SERVICE is not supported: queries never reach other endpoints")
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)


def query_kind(prepared: Query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    name = prepared.algebra.name
    return name[: -len("Query")].upper() if name.endswith("Query") else name.upper()


def run(
    graph: Graph,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    max_results: int | None = None,
) -> QueryResult:
    """Run SPARQL ``text`` on ``graph`` with ``bindings`` bound to their variables.

    Args:
        graph: the graph to query.
        text: a SPARQL 1.1 query (the graph's prefixes are predeclared).
        bindings: variable name to RDF term, bound before evaluation (never pasted in).
        max_results: refuse answers with more rows (or triples) than this.

    Raises:
        QuerySyntaxError, QueryError: see :func:`prepare`.
        ResultTooLargeError: the answer is larger than ``max_results``.
    """
    prepared = prepare(text)
    kind = query_kind(prepared)
    init: dict[str, Any] = dict(bindings or {})
    if store_kind(graph) is StoreKind.OXIGRAPH and kind == SELECT:
        return _select_on_oxigraph(graph, _with_values(text, init), max_results)
    if store_kind(graph) is StoreKind.OXIGRAPH:
        # Oxigraph parses and evaluates the text itself (an rdflib-prepared query would fall
        # back to rdflib's engine); the checks above ran on rdflib's parse of the same text.
        result = graph.query(_with_values(text, init), initNs=dict(PREFIXES), initBindings={})
    else:
        result = graph.query(prepared, initBindings=init)
    if kind == ASK:
        return QueryResult(kind, boolean=bool(result.askAnswer))
    if kind in GRAPH_KINDS:
        answer = Graph()
        for prefix, namespace in PREFIXES.items():
            answer.bind(prefix, namespace, override=True, replace=True)
        for s, p, o in _limited(iter(result), max_results, "triples"):
            answer.add((s, p, _simple(o)))
        return QueryResult(kind, graph=answer)
    variables = tuple(str(v) for v in (result.vars or ()))
    rows = tuple(
        {str(k): _simple(v) for k, v in row.items() if v is not None}
        for row in _limited(iter(result.bindings), max_results, "rows")
    )
    return QueryResult(kind, variables=variables, rows=rows)


def _select_on_oxigraph(graph: Graph, text: str, max_results: int | None) -> QueryResult:
    """A SELECT answered by Oxigraph directly, its terms converted to rdflib's once each.

    Going through oxrdflib's result wrapper converts every term of every row anew (and
    ``_simple`` then rebuilt each string literal); an answer repeats the same labels and
    IRIs many times, so a per-query cache halves the cost of large answers.
    """
    import pyoxigraph as ox

    solutions = oxigraph_store(graph).query(
        text, default_graph=ox.DefaultGraph(), prefixes=_ox_prefixes()
    )
    assert isinstance(solutions, ox.QuerySolutions)  # the caller passes only SELECT queries
    names = [variable.value for variable in solutions.variables]
    convert = _TermConverter()
    rows = tuple(
        {
            name: convert(term)
            for name, term in zip(names, solution, strict=True)
            if term is not None
        }
        for solution in _limited(iter(solutions), max_results, "rows")
    )
    return QueryResult(SELECT, variables=tuple(names), rows=rows)


@functools.cache
def _ox_prefixes() -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


class _TermConverter:
    """pyoxigraph terms to rdflib terms, each distinct term converted once.

    Literals typed ``xsd:string`` become simple literals (see :func:`_simple`).
    """

    def __init__(self) -> None:
        self._seen: dict[Any, Node] = {}

    def __call__(self, term: Any) -> Node:
        found = self._seen.get(term)
        if found is None:
            found = self._seen[term] = self._convert(term)
        return found

    @staticmethod
    def _convert(term: Any) -> Node:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))


_XSD_STRING = str(XSD.string)
_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)
_WHERE_OPEN = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _with_values(text: str, bindings: Mapping[str, Node]) -> str:
    """Pre-bind variables with a VALUES block at the start of the outermost WHERE group.

    Oxigraph's own substitution only binds projected variables. A VALUES block inside the
    group binds before the group's FILTERs apply, as rdflib's ``initBindings`` does. The
    values are RDF terms written by their own serialiser, never text pasted in, so they
    cannot change what the query does.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(bindings[name].n3() for name in names)
    block = f" VALUES ({variables}) {{ ({values}) }} "
    masked = _COMMENT_LINE.sub(lambda m: " " * len(m.group(0)), text)
    opening = _WHERE_OPEN.search(masked)
    at = opening.end() if opening else masked.find("{") + 1
    if at <= 0:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    return text[:at] + block + text[at:]


def _simple(term: Any) -> Any:
    """RDF 1.1 makes ``"x"^^xsd:string`` and ``"x"`` one term; write it as the simple literal.

    Oxigraph spells the datatype, rdflib's memory store does not: both stores answer alike.
    """
    if isinstance(term, Literal) and term.datatype == XSD.string and term.language is None:
        return Literal(str(term))
    return term


def _limited(items: Iterator[Any], limit: int | None, unit: str) -> list[Any]:
    if limit is None:
        return list(items)
    taken = list(islice(items, limit + 1))
    if len(taken) > limit:
        raise ResultTooLargeError(
            f"the answer has more than {limit} {unit} (the result-size limit); add a LIMIT"
        )
    return taken


def query(
    query_or_name: str,
    params: Mapping[str, str | Node] | None = None,
    *,
    graph: Graph | None = None,
    max_results: int | None = None,
) -> QueryResult:
    """Answer a query (SPARQL text, a ``.rq`` path, or a bundled query's name).

    Args:
        query_or_name: what to run.
        params: parameter values by name (strings are read by each parameter's declared type).
        graph: the graph to query; :func:`load_graph` when ``None``.
        max_results: refuse answers with more rows (or triples) than this.

    Returns:
        The answer; for SELECT, ``rows`` are dicts from variable name to term.

    Raises:
        QueryError: the query or a parameter is wrong (see :func:`prepare`).
    """
    named = resolve_query(query_or_name)
    bindings = bind_parameters(named, params)
    return run(
        graph if graph is not None else load_graph(), named.text, bindings, max_results=max_results
    )


# -- the command ---------------------------------------------------------------------------------


def answer(
    query_or_name: str,
    params: Sequence[str] = (),
    fmt: ResultFormat | None = None,
    *,
    data_dir: Path | None = None,
    graph_file: Path | None = None,
    store: StoreKind = StoreKind.OXIGRAPH,
    store_path: Path | None = None,
    width: int = 100,
    inferred: bool = False,
) -> tuple[str, int]:
    """What ``kg query`` prints: the answer written in ``fmt``, and its number of rows or triples.

    The query and its parameters are checked before the graph is loaded, so a mistake in them
    is reported at once.

    Raises:
        QueryError: the query or a parameter is wrong (the command exits with 2).
        KGError: the graph cannot be loaded.
    """
    named = resolve_query(query_or_name)
    bindings = bind_parameters(named, dict(parse_param(item) for item in params))
    prepare(named.text)
    graph = load_graph(data_dir, graph_file, store, store_path, inferred=inferred)
    result = run(graph, named.text, bindings)
    return format_result(result, fmt, width=width), len(result)


def describe_queries() -> str:
    """The bundled queries with their questions and parameters, for ``kg query --list``."""
    lines = []
    for name, named in bundled_queries().items():
        lines.append(f"{name}")
        lines.append(f"    {named.question}")
        for p in named.parameters:
            help_text = f"  {p.help}" if p.help else ""
            lines.append(f"    --param {p.name}=<{p.type}> (default {p.default}){help_text}")
    return "\n".join(lines) + "\n"


__all__ = [
    "NamedQuery",
    "Parameter",
    "QueryResult",
    "ResultFormat",
    "answer",
    "bind_parameters",
    "bundled_queries",
    "describe_queries",
    "format_result",
    "load_graph",
    "parse_header",
    "parse_param",
    "prepare",
    "query",
    "query_kind",
    "refuse_remote",
    "resolve_query",
    "run",
    "shorten",
    "to_term",
]


class _CallableModule(types.ModuleType):
    """``kg.query`` names both this module and its :func:`query` function: calling it queries.

    Importing ``kg.query`` sets the package attribute to the module, which would hide the
    function exposed by ``kg/__init__.py``; a callable module keeps ``kg.query(...)`` working.
    """

    def __call__(
        self,
        query_or_name: str,
        params: Mapping[str, str | Node] | None = None,
        *,
        graph: Graph | None = None,
        max_results: int | None = None,
    ) -> QueryResult:
        return query(query_or_name, params, graph=graph, max_results=max_results)


sys.modules[__name__].__class__ = _CallableModule
