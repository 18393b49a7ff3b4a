"""A nanopublication-style dataset: each source's statements in named graphs.

For every source ``S``: ``<.../np/S/assertion>`` holds what the source claims (the direct
triples of its asserted statements, and every statement's subject, predicate, object and
modality); ``<.../np/S/provenance>`` holds where each claim comes from (source, quote, ECO
code, context, qualifiers); ``<.../np/S/pubinfo>`` describes the source. The ontology and the
entities sit in the default graph. The union of all graphs equals the default-graph export.
"""

from __future__ import annotations

from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF

from kg.build import entity_triples, source_triples, statement_triples
from kg.model import Curation
from kg.namespaces import BASE, MODALITY, PREFIXES
from kg.schema import load_ontology_graph, load_schema

#: Properties of a statement node that state the claim itself (the rest is provenance).
CLAIM = frozenset({RDF.type, RDF.subject, RDF.predicate, RDF.object, MODALITY})


def graph_iri(source_id: str, part: str) -> URIRef:
    """The named graph holding one part (assertion, provenance, pubinfo) of one source."""
    return URIRef(f"{BASE}np/{source_id}/{part}")


def nanopub_dataset(curation: Curation) -> Dataset:
    """The curation as a dataset of per-source named graphs (see the module docstring)."""
    schema = load_schema()
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    dataset.bind("np", f"{BASE}np/")
    default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    default += load_ontology_graph()
    for entity in curation.entities:
        for triple in entity_triples(entity, schema):
            default.add(triple)
    for source in curation.sources:
        info = dataset.graph(graph_iri(source.id, "pubinfo"))
        for triple in source_triples(source):
            info.add(triple)
    for statement in curation.statements:
        assertion = dataset.graph(graph_iri(statement.source, "assertion"))
        provenance = dataset.graph(graph_iri(statement.source, "provenance"))
        for s, p, o in statement_triples(statement, schema):
            is_claim = p in CLAIM or not str(s).startswith(f"{BASE}statement/")
            (assertion if is_claim else provenance).add((s, p, o))
    return dataset
