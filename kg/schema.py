"""The OWL schema in ``ontology/``: where it is, and what curation may use from it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDFS, XSD

from kg.errors import OntologyError
from kg.namespaces import KGO

ONTOLOGY_FILE = "kg.ttl"


def ontology_dir() -> Path:
    """The directory holding the OWL schema and SHACL shapes.

    An installed wheel carries it as ``kg/_ontology``; a source checkout has it at the top level.
    """
    packaged = Path(str(resources.files("kg"))) / "_ontology"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "ontology"
    if checkout.is_dir():
        return checkout
    raise OntologyError(f"ontology directory not found (looked in {packaged} and {checkout})")


@cache
def load_ontology_graph() -> Graph:
    """Parse the schema once per process."""
    from rdflib.compare import to_canonical_graph

    path = ontology_dir() / ONTOLOGY_FILE
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser types; name the file either way
        raise OntologyError(f"{path}: cannot parse the ontology: {exc}") from exc
    # Blank nodes (owl:unionOf lists, disjointness axioms) get content-derived labels, so that
    # every build writes the same bytes.
    canonical = Graph()
    canonical += to_canonical_graph(graph)
    return canonical


@dataclass(frozen=True)
class Predicate:
    """A predicate statements may use, with the classes its domain and range allow."""

    name: str
    iri: URIRef
    label: str
    domain: frozenset[str]
    range: frozenset[str]


@dataclass(frozen=True)
class Qualifier:
    """A qualifier statements may carry: a typed literal, or a reference to an entity."""

    name: str
    iri: URIRef
    datatype: URIRef | None
    entity_range: str | None


@dataclass(frozen=True)
class Schema:
    """What the curation may use: categories, predicates, qualifiers."""

    categories: dict[str, URIRef]
    ancestors: dict[str, frozenset[str]]
    predicates: dict[str, Predicate]
    qualifiers: dict[str, Qualifier]

    def is_a(self, category: str, allowed: frozenset[str]) -> bool:
        """Whether ``category`` is one of ``allowed`` or a subclass of one (empty = anything)."""
        return not allowed or bool(self.ancestors.get(category, frozenset({category})) & allowed)

    def kind_of(self, category: str) -> str:
        """The top-level kind of ``category``: its ancestor just below ``Entity``.

        A top-level kind is its own kind; ``Entity`` (and an unknown name) is its own too.

        >>> schema = load_schema()
        >>> schema.kind_of("Cytokine"), schema.kind_of("Disease"), schema.kind_of("Entity")
        ('GeneOrProtein', 'Disease', 'Entity')
        """
        below = self.ancestors.get(category, frozenset({category})) - {"Entity"}
        # the ancestor with the fewest ancestors of its own is the one just below Entity
        return min(below, key=lambda k: (len(self.ancestors.get(k, ())), k), default=category)


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(KGO)) :]


def _classes_of(graph: Graph, node: object) -> frozenset[str]:
    """A class expression's named kgo classes (a named class or an owl:unionOf list)."""
    if isinstance(node, URIRef):
        return frozenset({_local(node)}) if str(node).startswith(str(KGO)) else frozenset()
    if not isinstance(node, BNode):
        return frozenset()
    members = graph.value(node, OWL.unionOf)
    if members is None:
        return frozenset()
    return frozenset(_local(m) for m in graph.items(members) if isinstance(m, URIRef))


def _sub_properties(graph: Graph, top: URIRef) -> Iterator[URIRef]:
    for prop in graph.transitive_subjects(RDFS.subPropertyOf, top):
        if prop != top and isinstance(prop, URIRef):
            yield prop


@cache
def load_schema() -> Schema:
    """Read the categories, predicates and qualifiers the ontology defines.

    >>> schema = load_schema()
    >>> "treats" in schema.predicates and schema.is_a("Drug", frozenset({"Intervention"}))
    True
    """
    graph = load_ontology_graph()
    categories: dict[str, URIRef] = {}
    ancestors: dict[str, frozenset[str]] = {}
    for cls in graph.transitive_subjects(RDFS.subClassOf, KGO.Entity):
        if isinstance(cls, URIRef) and str(cls).startswith(str(KGO)):
            name = _local(cls)
            categories[name] = cls
            ancestors[name] = frozenset(
                _local(a)
                for a in graph.transitive_objects(cls, RDFS.subClassOf)
                if isinstance(a, URIRef) and str(a).startswith(str(KGO))
            )
    predicates: dict[str, Predicate] = {}
    for prop in _sub_properties(graph, KGO.related_to):
        name = _local(prop)
        domain = _inherited(graph, prop, RDFS.domain)
        range_ = _inherited(graph, prop, RDFS.range)
        label = str(graph.value(prop, RDFS.label) or name)
        predicates[name] = Predicate(name, prop, label, domain, range_)
    qualifiers: dict[str, Qualifier] = {}
    for prop in _sub_properties(graph, KGO.value_qualifier):
        datatype = graph.value(prop, RDFS.range)
        qualifiers[_local(prop)] = Qualifier(
            _local(prop), prop, URIRef(str(datatype or XSD.string)), None
        )
    for prop in _sub_properties(graph, KGO.entity_qualifier):
        target = graph.value(prop, RDFS.range)
        qualifiers[_local(prop)] = Qualifier(
            _local(prop), prop, None, _local(target) if isinstance(target, URIRef) else "Entity"
        )
    if not predicates or not categories:
        raise OntologyError("the ontology defines no categories or no predicates")
    return Schema(categories, ancestors, predicates, qualifiers)


def _inherited(graph: Graph, prop: URIRef, which: URIRef) -> frozenset[str]:
    """The domain or range of ``prop``, or of its nearest curated super-property that has one."""
    for candidate in graph.transitive_objects(prop, RDFS.subPropertyOf):
        if candidate == KGO.related_to:
            break
        node = graph.value(candidate, which)
        if node is not None:
            return _classes_of(graph, node)
    return frozenset()


__all__ = ["Predicate", "Qualifier", "Schema", "load_ontology_graph", "load_schema", "ontology_dir"]
