"""Graph formats from the property-graph view: GraphML, GEXF, Cytoscape.js, KGX, Neo4j.

Lists (synonyms, cross-references, repeated qualifiers) become one string joined with ``|``
in GraphML, GEXF and KGX (KGX's own multivalue separator), and Neo4j arrays joined with
``;`` (neo4j-admin's default array delimiter); Cytoscape.js JSON keeps real lists. Decimals
become doubles.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

from kg.export import ExportFormat
from kg.model import Curation
from kg.propertygraph import Edge, Node, Value, property_graph

LIST_SEPARATOR = "|"
NEO4J_ARRAY = ";"


def _flat(value: Value, separator: str = LIST_SEPARATOR) -> str | int | float | bool:
    return separator.join(value) if isinstance(value, list) else value


def _strings(value: Value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _networkx(curation: Curation) -> Any:
    import networkx as nx

    nodes, edges = property_graph(curation)
    graph = nx.MultiDiGraph(name="cytokine-storm-kg")
    for node in nodes:
        graph.add_node(node.id, **{k: _flat(v) for k, v in node.properties.items() if v != []})
    for edge in edges:
        props = {k: _flat(v) for k, v in edge.properties.items() if v != []}
        graph.add_edge(edge.subject, edge.object, key=edge.id, id=edge.id, **props)
    return graph


def to_graphml(curation: Curation, filename: str) -> dict[str, bytes]:
    """GraphML (Cytoscape, yEd, Gephi) with typed node and edge attributes."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(_networkx(curation), buffer, encoding="utf-8", prettyprint=True)
    return {filename: buffer.getvalue()}


def to_gexf(curation: Curation, filename: str) -> dict[str, bytes]:
    """GEXF (Gephi). networkx stamps today's date in it; the stamp is removed for stable bytes."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_gexf(_networkx(curation), buffer, encoding="utf-8", prettyprint=True)
    text = re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue(), count=1)
    return {filename: text}


def to_cytoscape(curation: Curation, filename: str) -> dict[str, bytes]:
    """Cytoscape.js JSON (``elements.nodes`` / ``elements.edges``), lists kept as lists."""
    nodes, edges = property_graph(curation)
    document = {
        "data": {"name": "cytokine-storm-kg"},
        "elements": {
            "nodes": [{"data": {"id": n.id, **n.properties}} for n in nodes],
            "edges": [
                {"data": {"id": e.id, "source": e.subject, "target": e.object, **e.properties}}
                for e in edges
            ],
        },
    }
    body = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return {filename: body.encode("utf-8")}


def _tsv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns, delimiter="\t", lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in columns})
    return buffer.getvalue().encode("utf-8")


KGX_NODE_COLUMNS = [
    "id",
    "category",
    "name",
    "description",
    "synonym",
    "xref",
    "iri",
    "provided_by",
]
KGX_EDGE_COLUMNS = [
    "id",
    "subject",
    "predicate",
    "object",
    "category",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "publications",
    "has_evidence",
    "original_predicate",
    "modality",
    "quote",
    "context",
    "qualifiers",
]


def to_kgx(curation: Curation, filename: str) -> dict[str, bytes]:
    """KGX TSV (``nodes.tsv`` and ``edges.tsv``) with Biolink categories and predicates.

    Node ids and edge subjects/objects are CURIEs with the ``kge`` prefix; Biolink's required
    edge fields ``knowledge_level`` and ``agent_type`` are ``knowledge_assertion`` and
    ``manual_agent`` (every statement was curated by hand from a publication).
    """
    nodes, edges = property_graph(curation)
    node_rows = [
        {
            "id": f"kge:{n.id}",
            "category": n.properties["biolink_category"],
            "name": n.properties["name"],
            "description": n.properties.get("description"),
            "synonym": _flat(n.properties["synonyms"]),
            "xref": _flat(
                _strings(n.properties["xrefs"]) + _strings(n.properties["close_matches"])
            ),
            "iri": n.properties["iri"],
            "provided_by": "infores:cytokine-storm-kg",
        }
        for n in nodes
    ]
    edge_rows = [_kgx_edge(e) for e in edges]
    folder = filename.rsplit("/", 1)[0]
    return {
        f"{folder}/nodes.tsv": _tsv(node_rows, KGX_NODE_COLUMNS),
        f"{folder}/edges.tsv": _tsv(edge_rows, KGX_EDGE_COLUMNS),
    }


_EDGE_CORE = {
    "predicate",
    "biolink_predicate",
    "modality",
    "quote",
    "source",
    "source_title",
    "evidence",
    "context",
}


def _kgx_edge(edge: Edge) -> dict[str, Any]:
    p = edge.properties
    qualifiers = {k: v for k, v in p.items() if k not in _EDGE_CORE}
    return {
        "id": f"kgs:{edge.id}",
        "subject": f"kge:{edge.subject}",
        "predicate": p["biolink_predicate"],
        "object": f"kge:{edge.object}",
        "category": "biolink:Association",
        "knowledge_level": "knowledge_assertion",
        "agent_type": "manual_agent",
        "primary_knowledge_source": "infores:cytokine-storm-kg",
        "publications": f"kgsrc:{p['source']}",
        "has_evidence": p["evidence"],
        "original_predicate": f"kgo:{p['predicate']}",
        "modality": p["modality"],
        "quote": p["quote"],
        "context": p.get("context"),
        "qualifiers": json.dumps(qualifiers, sort_keys=True, ensure_ascii=False)
        if qualifiers
        else "",
    }


def _neo4j_type(values: list[Value]) -> str:
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    return "string"


def _neo4j_csv(rows: list[dict[str, Value]], fixed: list[str]) -> bytes:
    names = sorted({k for row in rows for k in row} - set(fixed))
    typed = []
    for name in names:
        values = [row[name] for row in rows if name in row]
        if any(isinstance(v, list) for v in values):
            typed.append((name, f"{name}:string[]"))
        else:
            typed.append((name, f"{name}:{_neo4j_type(values)}"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*fixed, *(header for _, header in typed)])
    for row in rows:
        cells: list[Any] = [row.get(f, "") for f in fixed]
        for name, _ in typed:
            value = row.get(name, "")
            cells.append(NEO4J_ARRAY.join(value) if isinstance(value, list) else value)
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def to_neo4j(curation: Curation, filename: str) -> dict[str, bytes]:
    """CSVs for ``neo4j-admin database import full --nodes nodes.csv --relationships
    relationships.csv`` (header fields ``:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``,
    ``:TYPE``; typed property columns such as ``hazard_ratio:double``; arrays split on ``;``).
    """
    nodes, edges = property_graph(curation)
    node_rows: list[dict[str, Value]] = [
        {"id:ID": n.id, ":LABEL": f"Entity;{n.properties['category']}", **n.properties}
        for n in nodes
    ]
    edge_rows: list[dict[str, Value]] = [
        {
            ":START_ID": e.subject,
            ":END_ID": e.object,
            ":TYPE": e.predicate.upper(),
            "statement_id": e.id,
            **e.properties,
        }
        for e in edges
    ]
    folder = filename.rsplit("/", 1)[0]
    return {
        f"{folder}/nodes.csv": _neo4j_csv(node_rows, ["id:ID", ":LABEL"]),
        f"{folder}/relationships.csv": _neo4j_csv(edge_rows, [":START_ID", ":END_ID", ":TYPE"]),
    }


WRITERS: dict[ExportFormat, Callable[[Curation, str], dict[str, bytes]]] = {
    ExportFormat.GRAPHML: to_graphml,
    ExportFormat.GEXF: to_gexf,
    ExportFormat.CYTOSCAPE: to_cytoscape,
    ExportFormat.KGX: to_kgx,
    ExportFormat.NEO4J: to_neo4j,
}

__all__ = ["WRITERS", "Node"]
