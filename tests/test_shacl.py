"""SHACL shapes: the real graph conforms, and each kind of breakage is caught and located."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.build import build_graph, new_graph
from kg.namespaces import KGE, KGO, KGS, KGSRC, OA, OBO, SH
from kg.schema import load_schema, ontology_dir
from kg.shacl import (
    PROBLEM_KIND,
    Severity,
    load_shapes,
    shacl_problems,
    shapes_path,
    validate_graph,
)

KGSH = Namespace("https://w3id.org/cytokine-storm-kg/shapes/")

HR = KGS["cron-huet-hazard-ratio"]  # anakinra reduces IMV or death, HR 0.22 [0.11-0.41]
ANAKINRA = KGE["anakinra"]
COVID = KGE["covid-19"]
CRON = KGSRC["cron-2020"]


def _copy(graph: Graph) -> Graph:
    copy = new_graph()
    copy += graph
    return copy


def test_shapes_live_next_to_the_ontology():
    assert shapes_path() == ontology_dir() / "shapes.ttl"
    assert shapes_path().is_file()


def test_shapes_are_valid_shacl():
    from pyshacl.entrypoints import meta_validate

    shapes = load_shapes()
    conforms, _report, text = meta_validate(shapes)
    assert conforms, text
    assert (KGSH.StatementShape, SH.targetClass, RDF.Statement) in shapes
    assert (KGSH.EntityShape, SH.targetClass, KGO.Entity) in shapes


def test_every_shape_tells_the_curator_what_to_do():
    shapes = load_shapes()
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(property_shapes) > 50
    assert [s for s in property_shapes if shapes.value(s, SH.message) is None] == []


def test_every_qualifier_has_a_shape_with_its_declared_range():
    shapes = load_shapes()
    attached = set(shapes.objects(KGSH.StatementShape, SH.property))
    qualifiers = load_schema().qualifiers
    assert len(qualifiers) == 39
    for qualifier in qualifiers.values():
        shape = KGSH[f"Statement-{qualifier.name}"]
        assert shape in attached, qualifier.name
        assert shapes.value(shape, SH.path) == qualifier.iri
        if qualifier.datatype is not None:
            assert shapes.value(shape, SH.datatype) == qualifier.datatype, qualifier.name
        else:
            assert shapes.value(shape, SH.nodeKind) == SH.IRI
            assert shapes.value(shape, SH["class"]) == KGO[str(qualifier.entity_range)]


def test_the_bundled_graph_conforms(graph):
    assert validate_graph(graph) == []


def test_the_bundled_curation_has_no_shacl_problems(curation):
    assert shacl_problems(curation) == []


def _drop(s: URIRef, p: URIRef) -> Callable[[Graph], None]:
    def change(graph: Graph) -> None:
        assert (s, p, None) in graph
        graph.remove((s, p, None))

    return change


def _add(s: URIRef, p: URIRef, o: URIRef | Literal) -> Callable[[Graph], None]:
    def change(graph: Graph) -> None:
        assert (s, p, o) not in graph
        graph.add((s, p, o))

    return change


def _replace(s: URIRef, p: URIRef, o: URIRef | Literal) -> Callable[[Graph], None]:
    def change(graph: Graph) -> None:
        assert (s, p, None) in graph
        graph.set((s, p, o))

    return change


HR_AS_STRING = Literal("0.22", datatype=XSD.string)
NOT_ECO = OBO["GO_0006954"]
MAYBE = KGO["maybe"]
LITERAL_XREF = Literal("MONDO:0100096")
UNKNOWN_XREF = URIRef("http://example.org/terms/covid")

#: name -> (change, focus node, path, offending value or None, shape broken)
BROKEN: dict[str, tuple[Callable[[Graph], None], URIRef, URIRef, object, URIRef]] = {
    "statement without quote": (_drop(HR, OA.exact), HR, OA.exact, None, KGSH["Statement-quote"]),
    "statement with empty quote": (
        _replace(HR, OA.exact, Literal("")),
        HR,
        OA.exact,
        Literal(""),
        KGSH["Statement-quote"],
    ),
    "statement with two subjects": (
        _add(HR, RDF.subject, COVID),
        HR,
        RDF.subject,
        None,
        KGSH["Statement-subject"],
    ),
    "statement about an undefined entity": (
        _replace(HR, RDF.object, KGE["no-such-entity"]),
        HR,
        RDF.object,
        KGE["no-such-entity"],
        KGSH["Statement-object"],
    ),
    "statement with an uncurated predicate": (
        _replace(HR, RDF.predicate, SKOS.related),
        HR,
        RDF.predicate,
        SKOS.related,
        KGSH["Statement-predicate"],
    ),
    "statement without source": (
        _drop(HR, PROV.wasDerivedFrom),
        HR,
        PROV.wasDerivedFrom,
        None,
        KGSH["Statement-source"],
    ),
    "hazard ratio as a string": (
        _replace(HR, KGO.hazard_ratio, HR_AS_STRING),
        HR,
        KGO.hazard_ratio,
        HR_AS_STRING,
        KGSH["Statement-hazard_ratio"],
    ),
    "sample size as a decimal": (
        _replace(HR, KGO.sample_size, Literal("52.0", datatype=XSD.decimal)),
        HR,
        KGO.sample_size,
        Literal("52.0", datatype=XSD.decimal),
        KGSH["Statement-sample_size"],
    ),
    "arm qualifier naming a study": (
        _replace(HR, KGO.in_arm, KGE["huet-cohort"]),
        HR,
        KGO.in_arm,
        KGE["huet-cohort"],
        KGSH["Statement-in_arm"],
    ),
    "evidence type outside ECO": (
        _replace(HR, KGO.evidence_type, NOT_ECO),
        HR,
        KGO.evidence_type,
        NOT_ECO,
        KGSH["Statement-evidence_type"],
    ),
    "modality outside the six": (
        _replace(HR, KGO.modality, MAYBE),
        HR,
        KGO.modality,
        MAYBE,
        KGSH["Statement-modality"],
    ),
    "two modalities": (
        _add(HR, KGO.modality, KGO.hypothesised),
        HR,
        KGO.modality,
        None,
        KGSH["Statement-modality"],
    ),
    "entity with two labels": (
        _add(ANAKINRA, RDFS.label, Literal("Kineret")),
        ANAKINRA,
        RDFS.label,
        None,
        KGSH["Entity-label"],
    ),
    "entity without label": (
        _drop(ANAKINRA, RDFS.label),
        ANAKINRA,
        RDFS.label,
        None,
        KGSH["Entity-label"],
    ),
    "entity with two categories": (
        _add(COVID, RDF.type, KGO.Drug),
        COVID,
        RDF.type,
        None,
        KGSH["Entity-category"],
    ),
    "cross-reference to a literal": (
        _add(COVID, SKOS.exactMatch, LITERAL_XREF),
        COVID,
        SKOS.exactMatch,
        LITERAL_XREF,
        KGSH["CrossReference-exactMatch"],
    ),
    "cross-reference to an unknown namespace": (
        _add(COVID, SKOS.closeMatch, UNKNOWN_XREF),
        COVID,
        SKOS.closeMatch,
        UNKNOWN_XREF,
        KGSH["CrossReference-closeMatch"],
    ),
    "source year as a string": (
        _replace(CRON, DCTERMS.date, Literal("2020")),
        CRON,
        DCTERMS.date,
        Literal("2020"),
        KGSH["Source-date"],
    ),
    "source without title": (
        _drop(CRON, DCTERMS.title),
        CRON,
        DCTERMS.title,
        None,
        KGSH["Source-title"],
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_breakage_gives_exactly_its_violation(graph, name):
    change, focus, path, value, shape = BROKEN[name]
    broken = _copy(graph)
    change(broken)
    [violation] = validate_graph(broken)
    assert violation.focus == focus
    assert violation.path == path
    assert violation.value == value
    assert violation.shape == shape
    assert violation.severity is Severity.VIOLATION
    assert violation.message == str(load_shapes().value(shape, SH.message))


def test_ontology_is_mixed_in_when_the_graph_lacks_it(curation):
    graph = build_graph(curation, include_ontology=False)
    graph.remove((ANAKINRA, RDFS.label, None))
    [violation] = validate_graph(graph)
    assert (violation.focus, violation.path) == (ANAKINRA, RDFS.label)
    assert (ANAKINRA, RDFS.label, None) not in graph  # the caller's graph is left alone
    assert (KGO.Entity, RDF.type, None) not in graph


def test_a_broken_statement_is_located_in_its_yaml_file(curation, graph):
    broken = _copy(graph)
    broken.set((HR, KGO.hazard_ratio, HR_AS_STRING))
    [problem] = shacl_problems(curation, broken)
    where = next(s for s in curation.statements if s.id == "cron-huet-hazard-ratio").where
    assert (problem.file, problem.line) == (where.file, where.line)
    assert problem.file.endswith("statements/cron-2020.yaml")
    assert problem.kind == PROBLEM_KIND == "shacl"
    assert problem.severity == "error"
    assert problem.message == (
        "statement 'cron-huet-hazard-ratio': kgo:hazard_ratio must be an xsd:decimal"
        ' (found "0.22"^^xsd:string)'
    )


def test_a_broken_entity_is_located_and_its_values_listed(curation, graph):
    broken = _copy(graph)
    broken.add((ANAKINRA, RDFS.label, Literal("Kineret")))
    [problem] = shacl_problems(curation, broken)
    assert (problem.file, problem.line) == (
        curation.entity("anakinra").where.file,
        curation.entity("anakinra").where.line,
    )
    assert problem.message.startswith("entity 'anakinra': the entity needs exactly one label")
    assert problem.message.endswith('(found "Kineret", "anakinra")')


def test_a_broken_source_is_located_in_sources_yaml(curation, graph):
    broken = _copy(graph)
    broken.remove((CRON, DCTERMS.title, None))
    [problem] = shacl_problems(curation, broken)
    source = next(s for s in curation.sources if s.id == "cron-2020")
    assert (problem.file, problem.line) == (source.where.file, source.where.line)
    assert problem.message.startswith("source 'cron-2020': the source needs exactly one title")
    assert problem.message.endswith("(found none)")


def test_a_node_no_record_accounts_for_is_put_on_the_graph_file(curation, graph):
    broken = _copy(graph)
    ghost = KGE["ghost"]
    broken.add((ghost, RDF.type, KGO.Drug))
    broken.add((ghost, DCTERMS.identifier, Literal("ghost")))
    [problem] = shacl_problems(curation, broken, graph_file="kg.ttl")
    assert (problem.file, problem.line) == ("kg.ttl", 0)
    assert problem.message.startswith("kge:ghost: the entity needs exactly one label")
