"""A property-graph view of the curation: entities as nodes, statements as edges.

Every edge carries its provenance (statement id, quote, source, ECO code, modality, context)
and its qualifiers as properties, so that formats without reification (GraphML, GEXF,
Cytoscape.js, KGX, Neo4j) lose nothing. Biolink categories and predicates come from the
ontology's alignment (``rdfs:subClassOf`` / ``rdfs:subPropertyOf`` a Biolink term).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from rdflib import URIRef
from rdflib.namespace import RDFS

from kg.model import Curation, EntityRef
from kg.namespaces import BIOLINK, KGO
from kg.schema import load_ontology_graph
from kg.xrefs import curie_to_iri

#: A property value: text, a number, a flag, or a list of text.
Value = str | int | float | bool | list[str]


@dataclass(frozen=True)
class Node:
    """An entity as a property-graph node."""

    id: str
    properties: dict[str, Value]


@dataclass(frozen=True)
class Edge:
    """A statement as a property-graph edge."""

    id: str
    subject: str
    object: str
    predicate: str
    properties: dict[str, Value]


@cache
def _biolink_parent(term: URIRef, relation: URIRef) -> str:
    """The nearest Biolink term above ``term`` (e.g. ``biolink:Drug``)."""
    graph = load_ontology_graph()
    for ancestor in graph.transitive_objects(term, relation):
        for parent in sorted(str(p) for p in graph.objects(ancestor, relation)):
            if parent.startswith(str(BIOLINK)):
                return "biolink:" + parent[len(str(BIOLINK)) :]
    return "biolink:NamedThing" if relation == RDFS.subClassOf else "biolink:related_to"


def biolink_category(category: str) -> str:
    """The Biolink class a curated category is aligned to.

    >>> biolink_category("Cytokine")
    'biolink:Protein'
    """
    return _biolink_parent(KGO[category], RDFS.subClassOf)


def biolink_predicate(predicate: str) -> str:
    """The Biolink predicate a curated predicate is aligned to.

    >>> biolink_predicate("binds")
    'biolink:directly_physically_interacts_with'
    """
    return _biolink_parent(KGO[predicate], RDFS.subPropertyOf)


def _plain(value: object) -> str | int | float | bool:
    if isinstance(value, EntityRef):
        return value.id
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def property_graph(curation: Curation) -> tuple[list[Node], list[Edge]]:
    """Nodes and edges of ``curation``, sorted by id (so every writer is deterministic)."""
    titles = {s.id: s.title for s in curation.sources}
    nodes = []
    for entity in sorted(curation.entities, key=lambda e: e.id):
        props: dict[str, Value] = {
            "name": entity.label,
            "category": entity.category,
            "biolink_category": biolink_category(entity.category),
            "iri": f"https://w3id.org/cytokine-storm-kg/entity/{entity.id}",
            "synonyms": list(entity.synonyms),
            "xrefs": [curie_to_iri(c) for c in entity.xrefs],
            "close_matches": [curie_to_iri(c) for c in entity.close_matches],
        }
        if entity.description:
            props["description"] = entity.description
        nodes.append(Node(entity.id, props))
    edges = []
    for statement in sorted(curation.statements, key=lambda s: s.id):
        props = {
            "predicate": statement.predicate,
            "biolink_predicate": biolink_predicate(statement.predicate),
            "modality": statement.modality.value,
            "quote": statement.quote,
            "source": statement.source,
            "source_title": titles[statement.source],
            "evidence": statement.evidence,
        }
        if statement.context:
            props["context"] = statement.context
        grouped: dict[str, list[str | int | float | bool]] = {}
        for name, value in statement.qualifiers:
            grouped.setdefault(name, []).append(_plain(value))
        for name, values in sorted(grouped.items()):
            props[name] = values[0] if len(values) == 1 else [str(v) for v in values]
        edges.append(
            Edge(statement.id, statement.subject, statement.object, statement.predicate, props)
        )
    return nodes, edges
