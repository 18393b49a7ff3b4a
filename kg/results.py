"""Answers to SPARQL queries, and how they are written: a table, the W3C results formats, RDF.

The SPARQL 1.1 results formats are written as other engines write them (compact JSON and XML, CSV
with CRLF line ends, TSV with terms in Turtle syntax), so that answers compare byte for byte.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import QueryError
from kg.formats import ResultFormat
from kg.namespaces import PREFIXES

SELECT, ASK, CONSTRUCT, DESCRIBE = "SELECT", "ASK", "CONSTRUCT", "DESCRIBE"
#: Query forms whose answer is a table (or a boolean), and those whose answer is a graph.
TABULAR_KINDS = frozenset({SELECT, ASK})
GRAPH_KINDS = frozenset({CONSTRUCT, DESCRIBE})
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT, DESCRIBE)."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[dict[str, Node], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = field(default=None, repr=False)

    def __len__(self) -> int:
        if self.kind == ASK:
            return int(bool(self.boolean))
        if self.graph is not None:
            return len(self.graph)
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Node]]:
        return iter(self.rows)


def format_result(result: QueryResult, fmt: ResultFormat | None = None, *, width: int = 100) -> str:
    """Write ``result`` in ``fmt`` (a table or Turtle by default).

    The SPARQL results formats are written as other engines write them (compact JSON and XML,
    CSV with CRLF line ends, TSV with terms in Turtle syntax).

    Raises:
        QueryError: a table format asked for a graph answer, or an RDF format for a table.
    """
    tabular = result.kind in TABULAR_KINDS
    fmt = fmt or (ResultFormat.TABLE if tabular else ResultFormat.TURTLE)
    if tabular and fmt.for_graphs:
        raise QueryError(f"{result.kind} answers are tables: use table, csv, tsv, json or xml")
    if not tabular and not fmt.for_graphs:
        raise QueryError(f"{result.kind} answers are graphs: use turtle, nt, json-ld or rdf-xml")
    if not tabular:
        assert result.graph is not None
        return result.graph.serialize(format=fmt.rdflib_format)
    writers: dict[ResultFormat, Callable[[QueryResult], str]] = {
        ResultFormat.TABLE: functools.partial(_write_table, width=width),
        ResultFormat.CSV: _write_csv,
        ResultFormat.TSV: _write_tsv,
        ResultFormat.JSON: _write_json,
        ResultFormat.XML: _write_xml,
    }
    return writers[fmt](result)


def shorten(term: Node) -> str:
    """A term as a person reads it: a CURIE for the graph's IRIs, the text of a literal.

    >>> shorten(URIRef("https://w3id.org/cytokine-storm-kg/entity/anakinra"))
    'kge:anakinra'
    """
    if isinstance(term, URIRef):
        for prefix, namespace in PREFIXES.items():
            if term.startswith(namespace) and _ID.match(term[len(namespace) :] or "-"):
                return f"{prefix}:{term[len(namespace) :]}"
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _write_table(result: QueryResult, width: int) -> str:
    from rich.console import Console
    from rich.table import Table

    if result.kind == ASK:
        return "true\n" if result.boolean else "false\n"
    table = Table(*result.variables, show_lines=False, expand=False)
    for row in result.rows:
        table.add_row(*(shorten(row[v]) if v in row else "" for v in result.variables))
    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True, force_terminal=False).print(table)
    return buffer.getvalue()


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _write_csv(result: QueryResult) -> str:
    if result.kind == ASK:
        return "true" if result.boolean else "false"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(row.get(v)) for v in result.variables])
    return buffer.getvalue()


_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_DOUBLE = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+$")
_SHORT_FORMS = {XSD.integer: _INTEGER, XSD.decimal: _DECIMAL, XSD.double: _DOUBLE}


def _turtle_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return '"' + escaped.replace("\t", "\\t") + '"'


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    lexical = str(term)
    if term.datatype in _SHORT_FORMS and _SHORT_FORMS[term.datatype].match(lexical):
        return lexical
    if term.datatype == XSD.boolean and lexical in ("true", "false"):
        return lexical
    if term.language:
        return f"{_turtle_string(lexical)}@{term.language}"
    if term.datatype and term.datatype != XSD.string:
        return f"{_turtle_string(lexical)}^^<{term.datatype}>"
    return _turtle_string(lexical)


def _write_tsv(result: QueryResult) -> str:
    if result.kind == ASK:
        return "true" if result.boolean else "false"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(row.get(v)) for v in result.variables) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value


def _write_json(result: QueryResult) -> str:
    document: dict[str, Any]
    if result.kind == ASK:
        document = {"head": {}, "boolean": bool(result.boolean)}
    else:
        document = {
            "head": {"vars": list(result.variables)},
            "results": {
                "bindings": [
                    {v: _json_term(row[v]) for v in result.variables if v in row}
                    for row in result.rows
                ]
            },
        }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _xml_text(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&apos;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
    )


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(term)}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(term)}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        attribute = f' xml:lang="{_xml_text(term.language)}"'
    elif term.datatype and term.datatype != XSD.string:
        attribute = f' datatype="{_xml_text(term.datatype)}"'
    else:
        attribute = ""
    return f"<literal{attribute}>{_xml_text(str(term))}</literal>"


def _write_xml(result: QueryResult) -> str:
    parts = ['<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == ASK:
        parts.append(f"<head></head><boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        parts.append("<head>")
        parts += [f'<variable name="{v}"/>' for v in result.variables]
        parts.append("</head><results>")
        for row in result.rows:
            parts.append("<result>")
            parts += [
                f'<binding name="{v}">{_xml_term(row[v])}</binding>'
                for v in result.variables
                if v in row
            ]
            parts.append("</result>")
        parts.append("</results>")
    parts.append("</sparql>")
    return "".join(parts)
