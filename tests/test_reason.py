"""OWL reasoning with HermiT: the real curation is consistent, entails what the ontology says,
and a wrong statement is traced back to its file and line."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from helpers import require
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from kg.build import entity_iri
from kg.model import Curation, Entity, Located, Modality, Statement
from kg.namespaces import KGO, VOID
from kg.reason import (
    INFERRED_FILE,
    ReasonerError,
    ReasonerUnavailableError,
    ReasoningResult,
    inferred_graph_ntriples,
    reason,
)

JAVA_MISSING = (
    "java not found: install a Java runtime (e.g. Debian's default-jre-headless) "
    "to run the HermiT reasoner"
)


@pytest.fixture(scope="module")
def java() -> None:
    """Skip (fail in CI) where no Java runtime can run HermiT."""
    require(shutil.which("java"), "java is needed to run the HermiT reasoner")


@pytest.fixture(scope="module")
def result(java: None, curation: Curation) -> ReasoningResult:
    """HermiT's verdict on the bundled curation."""
    return reason(curation)


def e(entity_id: str) -> URIRef:
    return entity_iri(entity_id)


def asserted(curation: Curation, statement_id: str) -> Statement:
    """A statement of the bundled curation, checked to be an asserted fact."""
    statement = next(s for s in curation.statements if s.id == statement_id)
    assert statement.modality is Modality.ASSERTED
    return statement


def wrong(curation: Curation, statement_id: str, **changes: object) -> Statement:
    """A new statement built from a real one, with a location of its own."""
    base = curation.statements[0]
    where = Located("/curation/statements/wrong.yaml", 7)
    return dataclasses.replace(base, id=statement_id, where=where, **changes)  # type: ignore[arg-type]


def with_statements(curation: Curation, *extra: Statement) -> Curation:
    return dataclasses.replace(curation, statements=(*curation.statements, *extra))


# ---- the real curation -------------------------------------------------------------------------


def test_bundled_curation_is_consistent(result: ReasoningResult) -> None:
    assert result.consistent
    assert result.problems == []


def test_inverse_of_an_asserted_subtype(curation: Curation, result: ReasoningResult) -> None:
    statement = asserted(curation, "cron-mas-is-css")
    assert (statement.subject, statement.predicate, statement.object) == (
        "macrophage-activation-syndrome",
        "subtype_of",
        "cytokine-storm-syndrome",
    )
    assert (e("cytokine-storm-syndrome"), KGO.has_subtype, e("macrophage-activation-syndrome")) in (
        result.inferred
    )
    # the asserted triple itself is not "new"
    assert (
        e("macrophage-activation-syndrome"),
        KGO.subtype_of,
        e("cytokine-storm-syndrome"),
    ) not in (result.inferred)


def test_transitive_subtype_chains(curation: Curation, result: ReasoningResult) -> None:
    # familial HLH is a HLH, which is a cytokine storm syndrome
    asserted(curation, "cron-fhlh-is-hlh")
    asserted(curation, "cron-hlh-is-css")
    assert (e("familial-hlh"), KGO.subtype_of, e("cytokine-storm-syndrome")) in result.inferred
    assert (e("cytokine-storm-syndrome"), KGO.has_subtype, e("familial-hlh")) in result.inferred
    # anakinra -> IL-1 blockade -> anticytokine therapy -> targeted immunomodulation
    for statement_id in (
        "cron-anakinra-is-il1-blockade",
        "cron-il1-blockade-is-anticytokine",
        "cron-anticytokines-targeted",
    ):
        asserted(curation, statement_id)
    assert (e("anakinra"), KGO.subtype_of, e("anticytokine-therapy")) in result.inferred
    assert (e("anakinra"), KGO.subtype_of, e("targeted-immunomodulation")) in result.inferred


def test_superclass_typing(curation: Curation, result: ReasoningResult) -> None:
    assert curation.entity("il-6").category == "Cytokine"
    types = {o for s, p, o in result.inferred if s == e("il-6") and p == RDF.type}
    assert types == {KGO.Protein, KGO.GeneOrProtein, KGO.Entity}
    assert curation.entity("macrophage-activation-syndrome").category == "CytokineStormSyndrome"
    assert (e("macrophage-activation-syndrome"), RDF.type, KGO.Disease) in result.inferred


def test_other_property_axioms(curation: Curation, result: ReasoningResult) -> None:
    # owl:inverseOf: a study has an arm, so the arm is an arm of the study
    asserted(curation, "cron-huet-anakinra-arm")
    assert (e("huet-anakinra-group"), KGO.arm_of, e("huet-cohort")) in result.inferred
    # owl:SymmetricProperty
    asserted(curation, "cron-covid-resembles-css")
    assert (e("cytokine-storm-syndrome"), KGO.similar_to, e("covid-19")) in result.inferred
    # rdfs:subPropertyOf: what anakinra binds, it targets
    assert (e("anakinra"), KGO.binds, e("il-1-beta")) in {
        (e(s.subject), KGO[s.predicate], e(s.object))
        for s in curation.statements
        if s.modality is Modality.ASSERTED
    }
    assert (e("anakinra"), KGO.targets, e("il-1-beta")) in result.inferred


def test_inferred_is_sorted_and_new(curation: Curation, result: ReasoningResult) -> None:
    assert result.inferred == sorted(set(result.inferred))
    facts = {
        (e(s.subject), KGO[s.predicate], e(s.object))
        for s in curation.statements
        if s.modality is Modality.ASSERTED
    }
    assert not facts & set(result.inferred)
    # the top property is implied by every statement and says nothing new
    assert all(p != KGO.related_to for _, p, _ in result.inferred)


def test_inferred_file(result: ReasoningResult) -> None:
    assert INFERRED_FILE == "cytokine-storm-kg.inferred.nt"
    data = inferred_graph_ntriples(result)
    assert data.endswith(b"\n")
    lines = data.decode("utf-8").split("\n")[:-1]
    assert all(line.endswith(" .") for line in lines)
    graph = Graph().parse(data=data, format="nt")
    for triple in result.inferred:
        assert triple in graph
    datasets = list(graph.subjects(RDF.type, VOID.Dataset))
    assert len(datasets) == 1
    dataset = datasets[0]
    assert graph.value(dataset, VOID.triples) == Literal(len(result.inferred), datatype=XSD.integer)
    activity = graph.value(dataset, PROV.wasGeneratedBy)
    assert (activity, RDF.type, PROV.Activity) in graph
    # the self-description comes first, then the inferred triples in order
    assert lines[0].startswith("<http://www.hermit-reasoner.com/>")
    body = lines[-len(result.inferred) :]
    assert body == sorted(body)


def test_reasoning_is_deterministic(curation: Curation, result: ReasoningResult) -> None:
    assert inferred_graph_ntriples(reason(curation)) == inferred_graph_ntriples(result)


def test_default_world_untouched(result: ReasoningResult) -> None:
    import owlready2

    assert not [
        o for o in owlready2.default_world.ontologies.values() if "cytokine-storm-kg" in o.base_iri
    ]


# ---- what is not a fact ------------------------------------------------------------------------


def test_hypotheses_are_not_facts(curation: Curation, result: ReasoningResult) -> None:
    # il-6 is a Cytokine: as the object of `treats` it would be a contradiction, if asserted
    nonsense = wrong(
        curation,
        "hypothesis-treats-il6",
        subject="anakinra",
        predicate="treats",
        object="il-6",
        modality=Modality.HYPOTHESISED,
    )
    guess = wrong(
        curation,
        "hypothesis-new-subtype",
        subject="il-6",
        predicate="subtype_of",
        object="il-1",
        modality=Modality.HYPOTHESISED,
    )
    with_hypotheses = reason(with_statements(curation, nonsense, guess))
    assert with_hypotheses.consistent
    assert with_hypotheses.inferred == result.inferred
    assert (e("il-1"), KGO.has_subtype, e("il-6")) not in with_hypotheses.inferred


# ---- explaining inconsistencies ----------------------------------------------------------------


def test_a_cytokine_treated_is_traced_to_its_statement(java: None, curation: Curation) -> None:
    bad = wrong(
        curation, "anakinra-treats-il6", subject="anakinra", predicate="treats", object="il-6"
    )
    verdict = reason(with_statements(curation, bad))
    assert not verdict.consistent
    assert verdict.inferred == []
    assert len(verdict.problems) == 1
    problem = verdict.problems[0]
    assert (problem.file, problem.line, problem.kind) == (
        "/curation/statements/wrong.yaml",
        7,
        "owl-inconsistency",
    )
    assert problem.message == (
        "statement 'anakinra-treats-il6': 'il-6' is a Cytokine, so a GeneOrProtein, but 'treats' "
        "makes its object a Disease or Phenotype, which is disjoint: correct the object, "
        "the predicate or the category"
    )
    assert str(problem).startswith("/curation/statements/wrong.yaml:7: statement 'anakinra-treats")


def test_wrong_subject_names_the_domain(java: None, curation: Curation) -> None:
    bad = wrong(curation, "who-treats-covid", subject="who", predicate="treats", object="covid-19")
    (problem,) = reason(with_statements(curation, bad)).problems
    assert "'who' is an Organisation, so an Agent, but 'treats' makes its subject an " in (
        problem.message
    )
    assert "Intervention" in problem.message


def test_conflict_between_two_statements(java: None, curation: Curation) -> None:
    # each statement alone is fine for an entity of the most general category; together they
    # make it both an Intervention and a Disease or Phenotype
    mystery = Entity("mystery", "a mystery", "Entity", where=Located("/c/entities.yaml", 3))
    first = wrong(
        curation, "mystery-treats", subject="mystery", predicate="treats", object="covid-19"
    )
    second = dataclasses.replace(
        first,
        id="anakinra-treats-mystery",
        subject="anakinra",
        object="mystery",
        where=Located("/curation/statements/wrong.yaml", 20),
    )
    tangled = dataclasses.replace(
        curation,
        entities=(*curation.entities, mystery),
        statements=(*curation.statements, first, second),
    )
    verdict = reason(tangled)
    assert not verdict.consistent
    assert [(p.line, p.message.split(":")[0]) for p in verdict.problems] == [
        (7, "statement 'mystery-treats'"),
        (20, "statement 'anakinra-treats-mystery'"),
    ]
    for problem in verdict.problems:
        assert "'mystery-treats' (treats) makes it an Intervention" in problem.message
        assert "'anakinra-treats-mystery' (treats) makes it a Disease or Phenotype" in (
            problem.message
        )


# ---- when HermiT cannot run ------------------------------------------------------------------


def test_java_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, curation: Curation) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReasonerUnavailableError) as raised:
        reason(curation)
    assert str(raised.value) == JAVA_MISSING


def test_java_failure_is_one_line(
    monkeypatch: pytest.MonkeyPatch, java: None, curation: Curation
) -> None:
    import owlready2

    def crash(*args: object, **kwargs: object) -> None:
        raise owlready2.OwlReadyJavaError(
            "Java error message is:\n"
            'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
            "\tat org.semanticweb.HermiT.Reasoner.<init>(Reasoner.java:108)\n"
        )

    monkeypatch.setattr(owlready2, "sync_reasoner_hermit", crash)
    with pytest.raises(ReasonerError) as raised:
        reason(curation)
    assert str(raised.value) == "HermiT failed: java.lang.OutOfMemoryError: Java heap space"
