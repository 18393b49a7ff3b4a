"""Every namespace and IRI constant the project uses, in one place."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/cytokine-storm-kg/"

#: The schema: classes, predicates, qualifiers, modalities.
KGO = Namespace(BASE + "ontology/")
#: Curated entities.
KGE = Namespace(BASE + "entity/")
#: Curated statement nodes (one per curated statement).
KGS = Namespace(BASE + "statement/")
#: Source documents.
KGSRC = Namespace(BASE + "source/")
#: The dataset itself.
DATASET = Namespace(BASE + "dataset/")

BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
OA = Namespace("http://www.w3.org/ns/oa#")
OBO = Namespace("http://purl.obolibrary.org/obo/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
#: SPARQL 1.1 Service Description, and the W3C's IRIs of media formats.
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: Prefixes bound on every graph the project writes, in a fixed order.
PREFIXES: dict[str, Namespace] = {
    "kgo": KGO,
    "kge": KGE,
    "kgs": KGS,
    "kgsrc": KGSRC,
    "biolink": BIOLINK,
    "oa": OA,
    "obo": OBO,
    "dcterms": Namespace(str(DCTERMS)),
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "xsd": Namespace(str(XSD)),
}

#: A resolver that redirects any CURIE to its provider (links in the explorer).
BIOREGISTRY_RESOLVER = "https://bioregistry.io/"

# Properties of statement nodes.
EVIDENCE_TYPE = KGO.evidence_type
MODALITY = KGO.modality
CONTEXT = KGO.context
QUOTE = OA.exact

# Schema vocabulary the loader reads from the ontology.
QUALIFIER = KGO.Qualifier
CURATED_PREDICATE = KGO.CuratedPredicate
MODALITY_CLASS = KGO.Modality
CURIE_PREFIX = KGO.curie_prefix

__all__ = [
    "BASE",
    "BIOLINK",
    "BIOREGISTRY_RESOLVER",
    "CONTEXT",
    "CURATED_PREDICATE",
    "CURIE_PREFIX",
    "DATASET",
    "DCAT",
    "DCTERMS",
    "EVIDENCE_TYPE",
    "FORMATS",
    "KGE",
    "KGO",
    "KGS",
    "KGSRC",
    "MODALITY",
    "MODALITY_CLASS",
    "OA",
    "OBO",
    "OWL",
    "PREFIXES",
    "PROV",
    "QUALIFIER",
    "QUOTE",
    "RDF",
    "RDFS",
    "SD",
    "SH",
    "SKOS",
    "VOID",
    "XSD",
]
