"""Turn checked curation records into an RDF graph.

Each statement yields a statement node (``rdf:Statement``) carrying the quote (``oa:exact``), the
source (``prov:wasDerivedFrom``), the ECO evidence type, the modality and the qualifiers; an
*asserted* statement also yields the direct triple ``subject predicate object`` (the "truthy"
graph). Hypothesised, recommended, recommended-against, unknown and negative statements never do.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.model import Curation, Entity, EntityRef, Modality, Source, Statement
from kg.namespaces import (
    BIOLINK,
    CONTEXT,
    DATASET,
    EVIDENCE_TYPE,
    KGE,
    KGO,
    KGS,
    KGSRC,
    MODALITY,
    PREFIXES,
    QUOTE,
)
from kg.schema import Schema, load_ontology_graph, load_schema
from kg.xrefs import curie_to_iri

log = logging.getLogger(__name__)

DATASET_IRI = DATASET["cytokine-storm-kg"]


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of a curated entity.

    >>> str(entity_iri("anakinra"))
    'https://w3id.org/cytokine-storm-kg/entity/anakinra'
    """
    return KGE[entity_id]


def statement_iri(statement_id: str) -> URIRef:
    """The IRI of a curated statement node."""
    return KGS[statement_id]


def source_iri(source_id: str) -> URIRef:
    """The IRI of a source document."""
    return KGSRC[source_id]


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def build_graph(
    curation: Curation, *, schema: Schema | None = None, include_ontology: bool = True
) -> Graph:
    """Build the knowledge graph of ``curation``.

    Args:
        curation: checked records, from :func:`kg.curation.load_curation`.
        schema: the schema the records were checked against (the project's by default).
        include_ontology: also add the OWL schema's triples, so that labels and the
            class and property hierarchies can be queried alongside the data.

    Returns:
        A new rdflib graph holding everything in the default graph.
    """
    schema = schema or load_schema()
    graph = new_graph()
    if include_ontology:
        graph += load_ontology_graph()
    for source in curation.sources:
        _add_source(graph, source)
    for entity in curation.entities:
        _add_entity(graph, entity, schema)
    for statement in curation.statements:
        _add_statement(graph, statement, schema)
    log.info("built %d triples", len(graph))
    return graph


def _add_source(graph: Graph, source: Source) -> None:
    node = source_iri(source.id)
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, RDF.type, DCTERMS.BibliographicResource))
    graph.add((node, RDF.type, BIOLINK.Publication))
    graph.add((node, DCTERMS.identifier, Literal(source.id)))
    graph.add((node, DCTERMS.title, Literal(source.title)))
    graph.add((node, RDFS.label, Literal(source.title)))
    for author in source.authors:
        graph.add((node, DCTERMS.creator, Literal(author)))
    graph.add((node, DCTERMS.isPartOf, Literal(source.venue)))
    graph.add((node, DCTERMS.date, Literal(str(source.year), datatype=XSD.gYear)))
    graph.add((node, DCTERMS.type, Literal(source.type)))
    if source.licence:
        licence = source.licence
        graph.add(
            (node, DCTERMS.license, URIRef(licence) if "://" in licence else Literal(licence))
        )
    if source.doi:
        graph.add((node, DCTERMS.identifier, Literal(f"doi:{source.doi}")))
        graph.add((node, OWL.sameAs, URIRef(f"https://doi.org/{source.doi}")))
    if source.pmid:
        graph.add((node, DCTERMS.identifier, Literal(f"pmid:{source.pmid}")))
        graph.add((node, SKOS.exactMatch, URIRef(curie_to_iri(f"pubmed:{source.pmid}"))))
    if source.url:
        graph.add((node, RDFS.seeAlso, URIRef(source.url)))
    if source.description:
        graph.add((node, DCTERMS.description, Literal(source.description)))
    for cited in source.cites:
        graph.add((node, DCTERMS.references, source_iri(cited)))
    graph.add((node, DCTERMS.isReferencedBy, DATASET_IRI))


def _add_entity(graph: Graph, entity: Entity, schema: Schema) -> None:
    node = entity_iri(entity.id)
    graph.add((node, RDF.type, schema.categories[entity.category]))
    graph.add((node, RDF.type, OWL.NamedIndividual))
    graph.add((node, RDFS.label, Literal(entity.label)))
    graph.add((node, SKOS.prefLabel, Literal(entity.label)))
    graph.add((node, DCTERMS.identifier, Literal(entity.id)))
    for synonym in entity.synonyms:
        graph.add((node, SKOS.altLabel, Literal(synonym)))
    if entity.description:
        graph.add((node, DCTERMS.description, Literal(entity.description)))
    for curie in entity.xrefs:
        graph.add((node, SKOS.exactMatch, URIRef(curie_to_iri(curie))))
    for curie in entity.close_matches:
        graph.add((node, SKOS.closeMatch, URIRef(curie_to_iri(curie))))


def _literal(value: Decimal | int | bool | str, datatype: URIRef | None) -> Literal:
    if isinstance(value, bool):
        return Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, Decimal):
        return Literal(value, datatype=XSD.decimal)
    if datatype is not None and datatype != XSD.string:
        return Literal(value, datatype=datatype)
    return Literal(value)


def _add_statement(graph: Graph, statement: Statement, schema: Schema) -> None:
    node = statement_iri(statement.id)
    subject = entity_iri(statement.subject)
    predicate = schema.predicates[statement.predicate].iri
    obj = entity_iri(statement.object)
    if statement.modality is Modality.ASSERTED:
        graph.add((subject, predicate, obj))
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, DCTERMS.identifier, Literal(statement.id)))
    graph.add((node, PROV.wasDerivedFrom, source_iri(statement.source)))
    graph.add((node, QUOTE, Literal(statement.quote)))
    graph.add((node, EVIDENCE_TYPE, URIRef(curie_to_iri(statement.evidence))))
    graph.add((node, MODALITY, KGO[statement.modality.value]))
    if statement.context:
        graph.add((node, CONTEXT, Literal(statement.context)))
    for note in statement.quote_mentions:
        graph.add((node, KGO.quote_mentions, Literal(note)))
    for name, value in statement.qualifiers:
        spec = schema.qualifiers[name]
        if isinstance(value, EntityRef):
            graph.add((node, spec.iri, entity_iri(value.id)))
        else:
            graph.add((node, spec.iri, _literal(value, spec.datatype)))
