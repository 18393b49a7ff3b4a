"""The dataset description (VoID + DCAT) and the SHA-256 manifest of a release.

The release date and version come from the ontology's header (``dcterms:modified``,
``owl:versionInfo``), never from the clock, so a rebuild gives the same bytes. The content
hash is the SHA-256 of the sorted N-Triples: two releases hold the same graph exactly when
their hashes are equal.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from kg.build import DATASET_IRI, new_graph, source_iri
from kg.model import Curation
from kg.namespaces import BASE, DCAT, KGO, VOID
from kg.schema import load_ontology_graph

ONTOLOGY = URIRef(f"{BASE}ontology")
#: Where the release's files are published (relative IRIs would need a base to parse).
DOWNLOADS = f"{BASE}exports/"
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".graphml": "application/graphml+xml",
    ".gexf": "application/gexf+xml",
    ".cyjs": "application/json",
    ".tsv": "text/tab-separated-values",
    ".csv": "text/csv",
    ".html": "text/html",
    ".png": "image/png",
}


def content_hash(ntriples: bytes) -> str:
    """SHA-256 of the sorted N-Triples: the identity of the graph's content."""
    return hashlib.sha256(ntriples).hexdigest()


def dataset_description(curation: Curation, ntriples: bytes, files: dict[str, bytes]) -> bytes:
    """VoID + DCAT description of the dataset and of each file in ``files`` (Turtle)."""
    ontology = load_ontology_graph()
    version = ontology.value(ONTOLOGY, OWL.versionInfo)
    modified = ontology.value(ONTOLOGY, DCTERMS.modified)
    graph = new_graph()
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    d = DATASET_IRI
    graph.add((d, RDF.type, VOID.Dataset))
    graph.add((d, RDF.type, DCAT.Dataset))
    graph.add((d, DCTERMS.title, Literal("Cytokine storm knowledge graph", lang="en")))
    graph.add(
        (
            d,
            DCTERMS.description,
            Literal(
                "Curated statements on cytokine storm syndromes, each with its source,"
                " verbatim quote, ECO evidence type and modality.",
                lang="en",
            ),
        )
    )
    graph.add((d, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    if version is not None:
        graph.add((d, OWL.versionInfo, version))
        graph.add((d, DCAT.version, version))
    if modified is not None:
        graph.add((d, DCTERMS.created, modified))
        graph.add((d, DCTERMS.modified, modified))
    graph.add((d, KGO.content_sha256, Literal(content_hash(ntriples))))
    graph.add((d, VOID.triples, Literal(ntriples.count(b"\n"), datatype=XSD.integer)))
    graph.add((d, VOID.entities, Literal(len(curation.entities), datatype=XSD.integer)))
    graph.add((d, KGO.statement_count, Literal(len(curation.statements), datatype=XSD.integer)))
    categories = Counter(e.category for e in curation.entities)
    graph.add((d, VOID.classes, Literal(len(categories), datatype=XSD.integer)))
    for category, count in sorted(categories.items()):
        partition = URIRef(f"{d}/class/{category}")
        graph.add((d, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], KGO[category]))
        graph.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    graph.add((d, VOID.vocabulary, URIRef(str(KGO))))
    for source in curation.sources:
        graph.add((d, DCTERMS.source, source_iri(source.id)))
    for name, data in sorted(files.items()):
        dist = URIRef(f"{d}/file/{name}")
        graph.add((d, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        graph.add((dist, DCTERMS.title, Literal(name)))
        graph.add((dist, DCAT.downloadURL, URIRef(DOWNLOADS + name)))
        graph.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        suffix = "." + name.rsplit(".", 1)[-1]
        if suffix in MEDIA_TYPES:
            graph.add((dist, DCAT.mediaType, Literal(MEDIA_TYPES[suffix])))
        graph.add((dist, KGO.sha256, Literal(hashlib.sha256(data).hexdigest())))
    if ".ttl" in {"." + n.rsplit(".", 1)[-1] for n in files}:
        graph.add((d, VOID.dataDump, URIRef(DOWNLOADS + "cytokine-storm-kg.ttl")))
    return graph.serialize(format="turtle", encoding="utf-8")


def manifest(files: dict[str, bytes]) -> bytes:
    """``sha256sum`` format: check a copy with ``sha256sum -c MANIFEST.sha256``."""
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in sorted(files.items())]
    return ("\n".join(lines) + "\n").encode("utf-8")
