"""OWL: the ontology and the individuals, saved through owlready2 (opens in Protégé)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

ONTOLOGY_IRI = "https://w3id.org/cytokine-storm-kg/ontology"


def owl_file(ntriples: bytes) -> bytes:
    """RDF/XML written by owlready2 from the whole graph's N-Triples."""
    import owlready2

    world = owlready2.World()
    try:
        ontology = world.get_ontology(ONTOLOGY_IRI).load(
            fileobj=io.BytesIO(ntriples), format="ntriples"
        )
        with tempfile.TemporaryDirectory(prefix="kg-owl-") as tmp:
            target = Path(tmp) / "graph.owl"
            ontology.save(file=str(target), format="rdfxml")
            return target.read_bytes()
    finally:
        world.close()
