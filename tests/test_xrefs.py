"""Cross-references: every CURIE of the curation is known to bioregistry and matches its pattern."""

from __future__ import annotations

import re

import bioregistry
import pytest

from kg.xrefs import check_curie, curie_to_iri


def test_every_curie_has_a_known_prefix_and_matching_pattern(curation):
    curies = [c for e in curation.entities for c in (*e.xrefs, *e.close_matches)]
    curies += [s.evidence for s in curation.statements]
    assert len(curies) > 200
    for curie in curies:
        prefix, identifier = curie.split(":", 1)
        normalised = bioregistry.normalize_prefix(prefix)
        assert normalised is not None, curie
        pattern = bioregistry.get_pattern(normalised)
        assert pattern is None or re.match(pattern, identifier), curie


@pytest.mark.parametrize(
    ("curie", "iri"),
    [
        ("MONDO:0100096", "http://purl.obolibrary.org/obo/MONDO_0100096"),
        ("HGNC:6018", "https://identifiers.org/hgnc:6018"),
        ("NCBITaxon:2697049", "http://purl.obolibrary.org/obo/NCBITaxon_2697049"),
        ("wikidata:Q84263196", "http://www.wikidata.org/entity/Q84263196"),
        ("ror:01f80g185", "https://ror.org/01f80g185"),
    ],
)
def test_curie_expansion_is_fixed(curie, iri):
    assert curie_to_iri(curie) == iri


def test_bad_curies_are_explained():
    assert check_curie("not a curie") is not None
    assert "not known to bioregistry" in (check_curie("NOSUCHPREFIX:1") or "")
    assert "pattern" in (check_curie("HP:12") or "")
