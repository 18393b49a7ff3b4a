"""The formats ``kg query``, ``kg serve`` and ``kg validate`` write in (light: no rdflib)."""

from __future__ import annotations

from enum import StrEnum


class ResultFormat(StrEnum):
    """How ``kg query`` writes an answer: a table for people, or a standard format."""

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"
    TURTLE = "turtle"
    NT = "nt"
    JSON_LD = "json-ld"
    RDF_XML = "rdf-xml"

    @property
    def media_type(self) -> str:
        """The media type of the format (the SPARQL 1.1 results types for tables)."""
        return _MEDIA_TYPES[self]

    @property
    def for_graphs(self) -> bool:
        """True for the RDF formats that CONSTRUCT and DESCRIBE answers are written in."""
        return self in _RDFLIB_FORMATS

    @property
    def rdflib_format(self) -> str:
        """The name rdflib's serializer knows an RDF format by."""
        return _RDFLIB_FORMATS[self]


_MEDIA_TYPES = {
    ResultFormat.TABLE: "text/plain; charset=utf-8",
    ResultFormat.CSV: "text/csv; charset=utf-8",
    ResultFormat.TSV: "text/tab-separated-values; charset=utf-8",
    ResultFormat.JSON: "application/sparql-results+json",
    ResultFormat.XML: "application/sparql-results+xml",
    ResultFormat.TURTLE: "text/turtle; charset=utf-8",
    ResultFormat.NT: "application/n-triples",
    ResultFormat.JSON_LD: "application/ld+json",
    ResultFormat.RDF_XML: "application/rdf+xml",
}
_RDFLIB_FORMATS = {
    ResultFormat.TURTLE: "turtle",
    ResultFormat.NT: "nt",
    ResultFormat.JSON_LD: "json-ld",
    ResultFormat.RDF_XML: "xml",
}


class StoreKind(StrEnum):
    """The rdflib store a graph is held in: Oxigraph (native, fast; the default) or memory."""

    OXIGRAPH = "oxigraph"
    MEMORY = "memory"


class ReportFormat(StrEnum):
    """How ``kg validate`` prints its report."""

    TEXT = "text"
    JSON = "json"
