"""Turn checked curation records into an RDF graph.

Each statement yields a statement node (``rdf:Statement``) carrying the quote (``oa:exact``), the
source (``prov:wasDerivedFrom``), the ECO evidence type, the modality and the qualifiers; an
*asserted* statement also yields the direct triple ``subject predicate object`` (the "truthy"
graph). Hypothesised, recommended, recommended-against, unknown and negative statements never do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
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

#: A triple of rdflib terms.
Triple = tuple[URIRef, URIRef, URIRef | Literal]

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
    graph = new_graph()
    if include_ontology:
        graph += load_ontology_graph()
    graph.addN((s, p, o, graph) for s, p, o in iter_triples(curation, schema=schema))
    log.info("built %d triples", len(graph))
    return graph


def iter_triples(curation: Curation, *, schema: Schema | None = None) -> Iterator[Triple]:
    """Every triple of ``curation`` (without the ontology), source by source, in file order.

    One generator serves every sink: an rdflib graph (:func:`build_graph`) or a fast native
    store fed N-Triples (see :mod:`kg.store`).
    """
    schema = schema or load_schema()
    for source in curation.sources:
        yield from source_triples(source)
    for entity in curation.entities:
        yield from entity_triples(entity, schema)
    for statement in curation.statements:
        yield from statement_triples(statement, schema)


def source_triples(source: Source) -> Iterator[Triple]:
    """The Dublin Core description of one source."""
    node = source_iri(source.id)
    yield (node, RDF.type, PROV.Entity)
    yield (node, RDF.type, DCTERMS.BibliographicResource)
    yield (node, RDF.type, BIOLINK.Publication)
    yield (node, DCTERMS.identifier, Literal(source.id))
    yield (node, DCTERMS.title, Literal(source.title))
    yield (node, RDFS.label, Literal(source.title))
    for author in source.authors:
        yield (node, DCTERMS.creator, Literal(author))
    yield (node, DCTERMS.isPartOf, Literal(source.venue))
    yield (node, DCTERMS.date, Literal(str(source.year), datatype=XSD.gYear))
    yield (node, DCTERMS.type, Literal(source.type))
    if source.licence:
        licence = source.licence
        yield (node, DCTERMS.license, URIRef(licence) if "://" in licence else Literal(licence))
    if source.doi:
        yield (node, DCTERMS.identifier, Literal(f"doi:{source.doi}"))
        yield (node, OWL.sameAs, URIRef(f"https://doi.org/{source.doi}"))
    if source.pmid:
        yield (node, DCTERMS.identifier, Literal(f"pmid:{source.pmid}"))
        yield (node, SKOS.exactMatch, URIRef(curie_to_iri(f"pubmed:{source.pmid}")))
    if source.url:
        yield (node, RDFS.seeAlso, URIRef(source.url))
    if source.description:
        yield (node, DCTERMS.description, Literal(source.description))
    for cited in source.cites:
        yield (node, DCTERMS.references, source_iri(cited))
    yield (node, DCTERMS.isReferencedBy, DATASET_IRI)


def entity_triples(entity: Entity, schema: Schema) -> Iterator[Triple]:
    """Type, labels, description and cross-references of one entity."""
    node = entity_iri(entity.id)
    yield (node, RDF.type, schema.categories[entity.category])
    yield (node, RDF.type, OWL.NamedIndividual)
    yield (node, RDFS.label, Literal(entity.label))
    yield (node, SKOS.prefLabel, Literal(entity.label))
    yield (node, DCTERMS.identifier, Literal(entity.id))
    for synonym in entity.synonyms:
        yield (node, SKOS.altLabel, Literal(synonym))
    if entity.description:
        yield (node, DCTERMS.description, Literal(entity.description))
    for curie in entity.xrefs:
        yield (node, SKOS.exactMatch, URIRef(curie_to_iri(curie)))
    for curie in entity.close_matches:
        yield (node, SKOS.closeMatch, URIRef(curie_to_iri(curie)))


def decimal_lexical(value: Decimal) -> str:
    """The canonical xsd:decimal form (always a point), as Turtle writers print it.

    >>> [decimal_lexical(Decimal(d)) for d in ("95", "0.220", "1E+2")]
    ['95.0', '0.22', '100.0']
    """
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def _literal(value: Decimal | int | bool | str, datatype: URIRef | None) -> Literal:
    if isinstance(value, bool):
        return Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, Decimal):
        return Literal(decimal_lexical(value), datatype=XSD.decimal)
    if datatype is not None and datatype != XSD.string:
        return Literal(value, datatype=datatype)
    return Literal(value)


def statement_triples(statement: Statement, schema: Schema) -> Iterator[Triple]:
    """The statement node of one statement, and its direct triple when asserted."""
    node = statement_iri(statement.id)
    subject = entity_iri(statement.subject)
    predicate = schema.predicates[statement.predicate].iri
    obj = entity_iri(statement.object)
    if statement.modality is Modality.ASSERTED:
        yield (subject, predicate, obj)
    yield (node, RDF.type, RDF.Statement)
    yield (node, RDF.subject, subject)
    yield (node, RDF.predicate, predicate)
    yield (node, RDF.object, obj)
    yield (node, DCTERMS.identifier, Literal(statement.id))
    yield (node, PROV.wasDerivedFrom, source_iri(statement.source))
    yield (node, QUOTE, Literal(statement.quote))
    yield (node, EVIDENCE_TYPE, URIRef(curie_to_iri(statement.evidence)))
    yield (node, MODALITY, KGO[statement.modality.value])
    if statement.context:
        yield (node, CONTEXT, Literal(statement.context))
    for note in statement.quote_mentions:
        yield (node, KGO.quote_mentions, Literal(note))
    for name, value in statement.qualifiers:
        spec = schema.qualifiers[name]
        if isinstance(value, EntityRef):
            yield (node, spec.iri, entity_iri(value.id))
        else:
            yield (node, spec.iri, _literal(value, spec.datatype))
