"""Cross-references: CURIE checks against bioregistry, and CURIE -> IRI expansion."""

from __future__ import annotations

import re
from functools import cache

# Semantic-web IRI bases for the prefixes the curation uses, fixed here so that the build does
# not change when bioregistry's preferred providers do. Other prefixes fall back to bioregistry.
IRI_BASES: dict[str, str] = {
    "mondo": "http://purl.obolibrary.org/obo/MONDO_",
    "doid": "http://purl.obolibrary.org/obo/DOID_",
    "hp": "http://purl.obolibrary.org/obo/HP_",
    "go": "http://purl.obolibrary.org/obo/GO_",
    "chebi": "http://purl.obolibrary.org/obo/CHEBI_",
    "ncit": "http://purl.obolibrary.org/obo/NCIT_",
    "ncbitaxon": "http://purl.obolibrary.org/obo/NCBITaxon_",
    "eco": "http://purl.obolibrary.org/obo/ECO_",
    "ro": "http://purl.obolibrary.org/obo/RO_",
    "uberon": "http://purl.obolibrary.org/obo/UBERON_",
    "hgnc": "https://identifiers.org/hgnc:",
    "ncbigene": "https://identifiers.org/ncbigene:",
    "uniprot": "http://purl.uniprot.org/uniprot/",
    "drugbank": "https://identifiers.org/drugbank:",
    "rxnorm": "https://identifiers.org/rxnorm:",
    "mesh": "https://identifiers.org/mesh:",
    "wikidata": "http://www.wikidata.org/entity/",
    "fplx": "https://sorgerlab.github.io/famplex/",
    "ror": "https://ror.org/",
    "doi": "https://doi.org/",
    "pubmed": "https://identifiers.org/pubmed:",
}

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.]*):(\S+)$")


@cache
def _registry() -> object:
    import bioregistry  # ~0.7 s to import: only when CURIEs are checked

    return bioregistry


@cache
def _parse(curie: str) -> tuple[str, str] | None:
    bioregistry = _registry()
    parsed = bioregistry.parse_curie(curie)  # type: ignore[attr-defined]
    if parsed is None or parsed[0] is None:
        return None
    return str(parsed[0]), str(parsed[1])


def check_curie(curie: str) -> str | None:
    """Check a CURIE against bioregistry; the problem as a message, or ``None`` when valid.

    >>> check_curie("MONDO:0100096") is None
    True
    >>> check_curie("MONDO:100096")
    "CURIE 'MONDO:100096': identifier '100096' does not match mondo's pattern ^\\\\d{7}$"
    >>> check_curie("FOO:1")
    "CURIE 'FOO:1': prefix 'FOO' is not known to bioregistry"
    """
    match = _CURIE.match(curie)
    if not match:
        return f"{curie!r} is not a CURIE (write PREFIX:identifier, e.g. MONDO:0100096)"
    parsed = _parse(curie)
    if parsed is None:
        return f"CURIE {curie!r}: prefix {match.group(1)!r} is not known to bioregistry"
    prefix, identifier = parsed
    pattern = _registry().get_pattern(prefix)  # type: ignore[attr-defined]
    if pattern and not re.match(pattern, identifier):
        return (
            f"CURIE {curie!r}: identifier {identifier!r}"
            f" does not match {prefix}'s pattern {pattern}"
        )
    return None


def curie_to_iri(curie: str) -> str:
    """Expand a checked CURIE to the IRI the graph uses.

    >>> curie_to_iri("HP:0001945")
    'http://purl.obolibrary.org/obo/HP_0001945'
    >>> curie_to_iri("drugbank:DB00026")
    'https://identifiers.org/drugbank:DB00026'
    """
    parsed = _parse(curie)
    if parsed is None:
        raise ValueError(f"not a known CURIE: {curie!r}")
    prefix, identifier = parsed
    base = IRI_BASES.get(prefix)
    if base is not None:
        return base + identifier
    iri = _registry().get_iri(prefix, identifier, priority=["obofoundry", "default"])  # type: ignore[attr-defined]
    if iri is None:
        return f"https://bioregistry.io/{prefix}:{identifier}"
    return str(iri)
