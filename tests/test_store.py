"""Both stores hold the same graph and give the same answers; the on-disk store persists."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.export import ExportFormat, serialize
from kg.namespaces import KGE, KGO
from kg.store import (
    StoreKind,
    curation_ntriples,
    graph_for_curation,
    graph_from_ntriples,
    open_store,
    write_store,
)

BINDS = """
PREFIX kgo: <https://w3id.org/cytokine-storm-kg/ontology/>
PREFIX kge: <https://w3id.org/cytokine-storm-kg/entity/>
SELECT ?cytokine WHERE { kge:anakinra kgo:binds ?cytokine } ORDER BY ?cytokine
"""


def _plain_strings(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        elif isinstance(o, Literal) and o.datatype == XSD.decimal:
            # Oxigraph stores decimals canonically (95.0 becomes 95): compare values
            o = Literal(format(o.toPython().normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def test_fast_ntriples_equal_the_rdflib_serialisation(curation, graph):
    assert curation_ntriples(curation) == serialize(graph, ExportFormat.NTRIPLES)


def test_oxigraph_and_memory_hold_the_same_graph(curation, graph):
    oxigraph = graph_for_curation(curation, StoreKind.OXIGRAPH)
    memory = graph_for_curation(curation, StoreKind.MEMORY)
    assert len(oxigraph) == len(memory) == len(graph)
    # RDF 1.1: a simple literal IS an xsd:string; oxrdflib spells the datatype, rdflib does not;
    # and Oxigraph writes decimals in its own canonical form
    assert isomorphic(_plain_strings(oxigraph), _plain_strings(memory))
    expected = [(KGE["il-1-alpha"],), (KGE["il-1-beta"],)]
    assert [tuple(r) for r in oxigraph.query(BINDS)] == expected
    assert [tuple(r) for r in memory.query(BINDS)] == expected
    assert (KGE.anakinra, KGO.binds, KGE["il-1-alpha"]) in oxigraph


def test_persistent_store_round_trip(curation, tmp_path):
    data = curation_ntriples(curation)
    path = write_store(data, tmp_path / "store")
    graph = open_store(path)
    assert [tuple(r) for r in graph.query(BINDS)] == [(KGE["il-1-alpha"],), (KGE["il-1-beta"],)]
    # rewriting replaces the store in place
    write_store(data, tmp_path / "store")
    assert len(open_store(path)) == len(graph_from_ntriples(data))


def _value(term) -> str:
    value = term.toPython()
    return str(value.normalize()) if isinstance(value, Decimal) else str(value)


def _values(result) -> object:
    """An answer as comparable Python values (decimal spelling differs between stores)."""
    if result.kind == "ASK":
        return result.boolean
    if result.graph is not None:
        return sorted((s.n3(), p.n3(), _value(o)) for s, p, o in result.graph)
    return sorted(tuple(sorted((k, _value(v)) for k, v in row.items())) for row in result.rows)


def test_every_bundled_query_answers_the_same_on_both_stores():
    from kg.query import bundled_queries, load_graph, query

    oxigraph = load_graph(store=StoreKind.OXIGRAPH)
    memory = load_graph(store=StoreKind.MEMORY)
    assert type(oxigraph.store).__name__ == "OxigraphStore"
    names = sorted(bundled_queries())
    assert len(names) >= 20
    for name in names:
        ours, theirs = query(name, graph=oxigraph), query(name, graph=memory)
        assert _values(ours) == _values(theirs), name
