"""Validate a built graph against the SHACL shapes of ``ontology/shapes.ttl``.

The OWL schema says what the terms mean; the shapes say what a well-formed graph looks like
(one subject, predicate and object per statement node, a quote, an ECO evidence type, a
modality, numbers typed as their qualifier declares, cross-references in known namespaces...).
:func:`validate_graph` runs them with pyshacl (SHACL Core, no inference);
:func:`shacl_problems` maps each violation back to the YAML record it comes from.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from kg.errors import OntologyError, Problem
from kg.namespaces import KGO, SH
from kg.schema import ONTOLOGY_FILE, load_ontology_graph, ontology_dir

if TYPE_CHECKING:
    from rdflib.namespace import NamespaceManager
    from rdflib.term import Node

    from kg.model import Curation, Located

log = logging.getLogger(__name__)

SHAPES_FILE = "shapes.ttl"
#: The ``kind`` of every :class:`~kg.errors.Problem` this module reports.
PROBLEM_KIND = "shacl"


class Severity(StrEnum):
    """The severity of a SHACL result (``sh:Violation``, ``sh:Warning``, ``sh:Info``)."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


_SEVERITIES = {
    SH.Violation: Severity.VIOLATION,
    SH.Warning: Severity.WARNING,
    SH.Info: Severity.INFO,
}


@dataclass(frozen=True)
class ShapeViolation:
    """One result of a SHACL validation.

    Args:
        focus: the node that breaks the shape (a statement node, an entity, a source...).
        path: the property the result is about, or ``None`` for a node-level result.
        value: the offending value, or ``None`` when a value is missing or too many.
        message: what is wrong (the shape's ``sh:message``).
        severity: how bad it is.
        shape: the shape that was broken.
    """

    focus: Node
    path: Node | None
    value: Node | None
    message: str
    severity: Severity = Severity.VIOLATION
    shape: Node | None = None

    def sort_key(self) -> tuple[str, str, str, str, str]:
        """The order violations are reported in: by focus node, path, message, value."""
        return (
            self.focus.n3(),
            "" if self.path is None else self.path.n3(),
            self.message,
            "" if self.value is None else self.value.n3(),
            self.severity.value,
        )


def shapes_path() -> Path:
    """The SHACL shapes file, next to the OWL schema."""
    return ontology_dir() / SHAPES_FILE


def load_shapes() -> Graph:
    """Parse the SHACL shapes into a new graph.

    Raises:
        OntologyError: the shapes file is missing or is not valid Turtle.
    """
    path = shapes_path()
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser types; name the file either way
        raise OntologyError(f"{path}: cannot parse the SHACL shapes: {exc}") from exc
    return graph


@cache
def _shapes() -> Graph:
    # Parsed once per process; only ever read.
    return load_shapes()


def validate_graph(graph: Graph, *, shapes: Graph | None = None) -> list[ShapeViolation]:
    """Validate ``graph`` against the SHACL shapes.

    The shapes target entities through the class hierarchy, so the ontology must be part of the
    data: a graph built with the ontology is validated as is (and not copied); otherwise the
    ontology is mixed into a copy.

    Args:
        graph: the graph to check, typically from :func:`kg.build.build_graph`.
        shapes: the shapes to use (the project's, from :func:`load_shapes`, by default).

    Returns:
        Every result, without duplicates, sorted by focus node, path, message and value;
        an empty list when the graph conforms.
    """
    from pyshacl import validate

    has_ontology = (KGO.Entity, RDF.type, OWL.Class) in graph
    started = time.perf_counter()
    _conforms, report, _text = validate(
        graph,
        shacl_graph=shapes if shapes is not None else _shapes(),
        ont_graph=None if has_ontology else load_ontology_graph(),
        inference="none",
        advanced=False,
        abort_on_first=False,
        allow_warnings=False,
        allow_infos=False,
    )
    violations = _read_report(report)
    log.info(
        "SHACL: %d result(s) on %d triples in %.2f s",
        len(violations),
        len(graph),
        time.perf_counter() - started,
    )
    return violations


def _read_report(report: Graph) -> list[ShapeViolation]:
    found: set[ShapeViolation] = set()
    # Only the report's own results: those of nested shapes (sh:node, sh:qualifiedValueShape)
    # hang below them as sh:detail and would name a node no curator wrote.
    results = {
        result
        for validation in report.subjects(RDF.type, SH.ValidationReport)
        for result in report.objects(validation, SH.result)
    }
    for result in results:
        focus = report.value(result, SH.focusNode)
        if focus is None:  # not a conformant report; nothing to locate
            continue
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        severity = report.value(result, SH.resultSeverity)
        found.add(
            ShapeViolation(
                focus=focus,
                path=report.value(result, SH.resultPath),
                value=report.value(result, SH.value),
                message=messages[0] if messages else "does not conform to its shape",
                severity=_SEVERITIES.get(severity, Severity.VIOLATION)
                if isinstance(severity, URIRef)
                else Severity.VIOLATION,
                shape=report.value(result, SH.sourceShape),
            )
        )
    # pyshacl reports one result per constraint broken (a literal cross-reference breaks both
    # sh:nodeKind and sh:pattern); with one message per property shape they are the same result.
    return sorted(found, key=ShapeViolation.sort_key)


def shacl_problems(
    curation: Curation, graph: Graph | None = None, *, graph_file: str | Path | None = None
) -> list[Problem]:
    """Validate the graph of ``curation`` and locate each violation in the curation files.

    A violation on a statement node is reported at that statement's line, one on an entity or
    a source at the entity's or source's line; anything else (an ontology term, a blank node)
    at ``graph_file``.

    Args:
        curation: the records the graph was built from.
        graph: the built graph; built from ``curation`` when not given.
        graph_file: the file to name for violations no record accounts for; by default the
            ontology file when the graph is built here, ``<graph>`` otherwise.

    Returns:
        One problem of kind ``shacl`` per violation, sorted by file and line, e.g.
        ``statement 'cron-huet-hazard-ratio': kgo:hazard_ratio must be an xsd:decimal
        (found "0.22"^^xsd:string)``.
    """
    if graph is None:
        from kg.build import build_graph

        graph = build_graph(curation)
        fallback = str(graph_file or ontology_dir() / ONTOLOGY_FILE)
    else:
        fallback = str(graph_file or "<graph>")
    records = _record_index(curation)
    names = graph.namespace_manager
    problems = []
    for violation in validate_graph(graph):
        record = records.get(violation.focus)
        if record is None:
            file, line = fallback, 0
            who = _show(violation.focus, names)
        else:
            kind, record_id, where = record
            file, line = where.file, where.line
            who = f"{kind} {record_id!r}"
        found = _found(violation, graph)
        message = f"{who}: {violation.message}" + (f" (found {found})" if found else "")
        severity = "error" if violation.severity is Severity.VIOLATION else "warning"
        problems.append(Problem(file, line, message, PROBLEM_KIND, severity=severity))
    return sorted(problems, key=lambda p: (p.file, p.line, p.message))


def _record_index(curation: Curation) -> dict[Node, tuple[str, str, Located]]:
    from kg.build import entity_iri, source_iri, statement_iri

    index: dict[Node, tuple[str, str, Located]] = {}
    for source in curation.sources:
        index[source_iri(source.id)] = ("source", source.id, source.where)
    for entity in curation.entities:
        index[entity_iri(entity.id)] = ("entity", entity.id, entity.where)
    for statement in curation.statements:
        index[statement_iri(statement.id)] = ("statement", statement.id, statement.where)
    return index


def _found(violation: ShapeViolation, graph: Graph) -> str:
    """The offending value; for a count violation, the values there are (or ``none``)."""
    names = graph.namespace_manager
    if violation.value is not None:
        return _show(violation.value, names)
    if isinstance(violation.path, URIRef):
        values = sorted(_show(v, names) for v in graph.objects(violation.focus, violation.path))
        return ", ".join(values) if values else "none"
    return ""


def _show(term: Node, names: NamespaceManager) -> str:
    if isinstance(term, Literal | URIRef):
        return term.n3(names)
    return term.n3()
