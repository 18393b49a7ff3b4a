"""The bundled competency questions: one test per query, asserting its answer from the sources."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

from kg.build import entity_iri
from kg.namespaces import KGE, KGO, KGS, RDFS
from kg.query import bundled_queries, query

BUNDLED = bundled_queries()


def rows(result, *columns):
    """The answer's rows as tuples of plain values (unbound as None), in the order given."""
    return [
        tuple(None if row.get(c) is None else _plain(row[c]) for c in columns)
        for row in result.rows
    ]


def _plain(term):
    if isinstance(term, Literal):
        return term.toPython()
    return str(term).removeprefix(str(KGE))


def ask(name, graph, **params):
    return query(name, params, graph=graph)


def test_at_least_twenty_bundled_queries_each_with_a_question_and_a_test():
    assert len(BUNDLED) >= 20
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals()}
    for name, named in BUNDLED.items():
        assert named.question.endswith("?") or named.question.endswith("."), name
        assert name in tested, f"bundled query {name} has no test"


def test_therapies_for_syndrome(graph):
    result = ask("therapies-for-syndrome", graph)
    assert set(rows(result, "therapy", "relation", "condition", "source", "statement")) == {
        ("il-1-blockade", "studied to treat", "covid-19-css", "cron-2020", "cron-il1-trials"),
        (
            "il-1-blockade",
            "used to treat",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-il1-proinflammatory-targeted",
        ),
        (
            "il-6-blockade",
            "used to treat",
            "covid-19-css",
            "cron-2020",
            "cron-il6-blockade-early-covid-css",
        ),
        (
            "jak-inhibitors",
            "used to treat",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-jak-used-for-css",
        ),
        ("anakinra", "treats", "covid-19-css", "cron-2020", "cron-huet-most-definitive"),
        (
            "anakinra",
            "used to treat",
            "covid-19-css",
            "cron-2020",
            "cron-anakinra-case-series-published",
        ),
        (
            "anakinra",
            "treats",
            "cytokine-release-syndrome",
            "soule-2020",
            "soule-anakinra-abrogates-crs",
        ),
        (
            "anakinra",
            "treats",
            "cytokine-release-syndrome",
            "soule-2020",
            "soule-conclusion-anakinra-crs",
        ),
        ("anakinra", "treats", "cytokine-storm-syndrome", "cron-2020", "cron-anakinra-treats-css"),
        # the sepsis study's benefit was in patients with features of cytokine storm syndrome
        (
            "anakinra",
            "treats",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-anakinra-treats-sepsis-css",
        ),
        (
            "anticytokine-therapy",
            "studied to treat",
            "covid-19-css",
            "cron-2020",
            "cron-anticytokines-explored-covid-css",
        ),
        (
            "anticytokine-therapy",
            "treats",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-anticytokines-effective-css",
        ),
        (
            "anticytokine-therapy",
            "used to treat",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-anticytokines-used-for-css",
        ),
        (
            "broad-immunosuppression",
            "used to treat",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-therapies-used-for-css",
        ),
        (
            "calcineurin-inhibitors",
            "used to treat",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-calcineurin-used-for-css",
        ),
        (
            "glucocorticoids",
            "used to treat",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-glucocorticoids-used-for-css",
        ),
        (
            "targeted-immunomodulation",
            "used to treat",
            "cytokine-storm-syndrome",
            "cron-2020",
            "cron-targeted-used-for-css",
        ),
    }
    quotes = {r[0]: r[1] for r in rows(result, "statement", "quote")}
    assert quotes["cron-huet-most-definitive"] == (
        "This study is the most definitive evidence to date that anakinra can benefit patients "
        "with COVID-19-associated cytokine storm syndrome."
    )
    # for COVID-19 itself: IL-6 blockade is in trials and anakinra's case series are asserted;
    # WHO advised against glucocorticoids, which therefore never appear as a therapy for it
    covid = ask("therapies-for-syndrome", graph, syndrome="covid-19")
    assert rows(covid, "therapy", "relation", "statement") == [
        ("il-6-blockade", "studied to treat", "cron-il6-trials"),
        ("anakinra", "treats", "cron-three-case-series"),
    ]


def test_syndrome_subtypes(graph):
    result = ask("syndrome-subtypes", graph)
    assert rows(result, "syndrome", "parent") == [
        ("covid-19-css", "cytokine-storm-syndrome"),
        ("cytokine-release-syndrome", "cytokine-storm-syndrome"),
        ("familial-hlh", "hlh"),
        ("hlh", "cytokine-storm-syndrome"),
        ("macrophage-activation-syndrome", "cytokine-storm-syndrome"),
        ("secondary-hlh", "hlh"),
    ]
    assert rows(ask("syndrome-subtypes", graph, umbrella="hlh"), "syndrome") == [
        ("familial-hlh",),
        ("secondary-hlh",),
    ]


def test_syndrome_causes(graph):
    result = ask("syndrome-causes", graph)
    assert rows(result, "cause", "relation", "condition") == [
        ("h1n1-influenza", "associated with", "secondary-hlh"),
        ("lupus", "associated with", "cytokine-storm-syndrome"),
        ("lymphoma", "associated with", "cytokine-storm-syndrome"),
        ("perforin-pathway-genes", "causes", "familial-hlh"),
        # the defect, not the working pathway, results in cytokine storm syndrome
        ("defective-perforin-lymphocyte-killing", "contributes to", "cytokine-storm-syndrome"),
        ("dysregulated-host-immune-response", "contributes to", "cytokine-storm-syndrome"),
        ("perforin-pathway-genes", "genetically associated with", "secondary-hlh"),
        ("car-t-cell-therapy", "triggers", "cytokine-storm-syndrome"),
        ("covid-19", "triggers", "covid-19-css"),
        ("sars-cov-2", "triggers", "cytokine-storm-syndrome"),
        ("dengue", "triggers", "cytokine-storm-syndrome"),
        ("immunotherapy", "triggers", "cytokine-release-syndrome"),
        ("pandemic-influenza", "triggers", "cytokine-storm-syndrome"),
        ("viral-infection", "triggers", "cytokine-storm-syndrome"),
    ]


def test_elevated_cytokines(graph):
    result = ask("elevated-cytokines", graph)
    assert rows(result, "syndrome", "cytokineLabel", "source") == [
        ("cytokine-storm-syndrome", "IL-1", "cron-2020"),
        ("cytokine-storm-syndrome", "IL-6", "cron-2020"),
        ("cytokine-storm-syndrome", "interferon-γ", "cron-2020"),
    ]
    assert rows(result, "quote")[0][0].startswith("Regardless of mechanism, cytokine storm")


def test_covid_css_differences(graph):
    result = ask("covid-css-differences", graph)
    assert rows(result, "feature", "direction", "onset", "comparedWithLabel") == [
        ("ards", None, "early", "cytokine storm syndrome"),
        ("clotting", None, None, "cytokine storm syndrome"),
        ("elevated-ferritin", "higher", None, "cytokine storm syndrome"),
        ("il-6-concentration", "lower", None, "cytokine storm syndrome"),
    ]


def test_disease_features(graph):
    result = ask("disease-features", graph)
    china = "early reports from China on severe COVID-19"
    assert rows(result, "feature", "kind", "study") == [
        ("coagulopathy", "clinical feature", china),
        ("confusion", "clinical feature", china),
        ("fever", "clinical feature", china),
        ("respiratory-distress", "clinical feature", china),
        ("elevated-crp", "laboratory finding", china),
        ("elevated-d-dimer", "laboratory finding", china),
        ("elevated-ferritin", "laboratory finding", china),
        ("elevated-ldh", "laboratory finding", china),
        ("elevated-sil2r", "laboratory finding", china),
        ("lymphopenia", "laboratory finding", china),
    ]
    pneumonia = ask("disease-features", graph, disease="covid-19-pneumonia")
    assert rows(pneumonia, "feature", "kind") == [
        ("consolidation", "imaging finding"),
        ("ground-glass-opacities", "imaging finding"),
    ]


def test_drug_targets(graph):
    result = ask("drug-targets", graph)
    assert rows(result, "targetLabel", "relation", "source") == [
        ("IL-1", "targets", "soule-2020"),
        ("IL-1α", "binds", "cron-2020"),
        ("IL-1β", "binds", "cron-2020"),
    ]
    il6 = ask("drug-targets", graph, drug="il-6-blockade")
    assert rows(il6, "target", "relation") == [("il-6", "targets"), ("il-6-receptor", "targets")]


def test_drug_pharmacology(graph):
    result = ask("drug-pharmacology", graph)
    values = {
        r[0]: r[1:]
        for r in rows(result, "property", "value", "valueMin", "valueMax", "unit", "approximate")
    }
    assert values["half-life"] == (Decimal("4"), None, None, "h", True)
    assert values["therapeutic-window"] == (None, Decimal("1"), Decimal("48"), "mg/kg/d", None)
    assert Counter(r[0] for r in rows(result, "property")) == Counter(
        {
            "half-life": 1,
            "intravenous": 1,
            "subcutaneous": 1,
            "recombinant-human-protein": 1,
            "benefit-side-effect-ratio": 1,
            "therapeutic-window": 1,
            "favourable-safety-profile": 2,  # in general, and in sepsis
            "rapid-action": 1,
        }
    )


def test_therapy_kinds(graph):
    assert rows(ask("therapy-kinds", graph), "kind") == [
        ("il-1-blockade",),
        ("il-1-receptor-antagonist",),
        ("anticytokine-therapy",),
        ("targeted-immunomodulation",),
    ]


def test_study_numbers(graph):
    result = ask("study-numbers", graph)
    numbers = set(rows(result, "statement", "qualifier", "value"))
    hazard = {(q, v) for s, q, v in numbers if s == "cron-huet-hazard-ratio"}
    assert hazard == {
        ("hazard ratio", Decimal("0.22")),
        ("confidence interval lower bound", Decimal("0.11")),
        ("confidence interval upper bound", Decimal("0.41")),
        ("confidence level (%)", Decimal("95")),
        ("p value below", Decimal("0.0001")),
        ("sample size", 52),
        ("comparator sample size", 44),
    }
    assert {
        ("cron-huet-icu-death-anakinra", "count", 13),
        ("cron-huet-icu-death-anakinra", "denominator", 52),
        ("cron-huet-icu-death-anakinra", "percentage", Decimal("25")),
        ("cron-huet-icu-death-control", "count", 32),
        ("cron-huet-icu-death-control", "denominator", 44),
        ("cron-huet-icu-death-control", "percentage", Decimal("73")),
        ("cron-huet-anakinra-arm", "sample size", 52),
        ("cron-huet-control-arm", "sample size", 44),
        ("cron-huet-liver-anakinra", "count", 7),
        ("cron-huet-liver-control", "count", 4),
        ("cron-huet-oxygen", "median before", Decimal("7")),
        ("cron-huet-oxygen", "median after", Decimal("2")),
        ("cron-huet-crp", "p value below", Decimal("0.0001")),
    } <= numbers
    assert len(result) == len(numbers) == 30  # every number once


def test_study_design(graph):
    assert rows(ask("study-design", graph), "aspect", "featureLabel") == [
        ("adjusted for", "body-mass index"),
        ("has design", "consecutive enrolment"),
        ("has design", "historical control cohort"),
        ("has design", "multivariate analysis"),
        ("has design", "non-blinded"),
        ("has design", "non-randomised"),
        ("has design", "prospective"),
        ("has design", "single-centre"),
        ("has inclusion criterion", "bilateral lung infiltrates"),
        ("has inclusion criterion", "critical pulmonary function"),
        ("has inclusion criterion", "laboratory-confirmed SARS-CoV-2 infection"),
    ]


def test_study_arms(graph):
    columns = ("arm", "size", "relation", "outcomeLabel", "count", "denominator")
    assert rows(ask("study-arms", graph), *columns) == [
        ("huet-anakinra-group", 52, "has adverse event", "elevated liver enzymes", 7, 52),
        ("huet-anakinra-group", 52, "has outcome", "admission to ICU or death", 13, 52),
        ("huet-control-group", 44, "has adverse event", "elevated liver enzymes", 4, 44),
        ("huet-control-group", 44, "has outcome", "admission to ICU or death", 32, 44),
    ]
    soule = ask("study-arms", graph, study="soule-case-series")
    assert rows(soule, *columns) == [
        ("soule-anakinra-cohort", 3, "has outcome", "abrogation of symptoms", 3, 3),
        ("soule-anakinra-cohort", 3, "has outcome", "survival", 3, 3),
        ("soule-glucocorticoid-cohort", 2, "has outcome", "mortality", 2, 2),
        ("soule-glucocorticoid-cohort", 2, "has outcome", "progressive symptoms", 2, 2),
    ]


def test_recommended_against(graph):
    result = ask("recommended-against", graph)
    assert rows(result, "intervention", "conditionLabel", "byLabel", "basedOnLabel") == [
        ("glucocorticoids", "COVID-19", "WHO", "Middle East respiratory syndrome"),
        ("glucocorticoids", "COVID-19", "WHO", "severe acute respiratory syndrome"),
    ]
    reason = rows(result, "reason")[0][0]
    assert reason.startswith("previous experience with other deadly coronaviruses")
    # recommended against: a statement node only, never a direct kgo:treats triple
    assert (KGE.glucocorticoids, KGO.treats, KGE["covid-19"]) not in graph


def test_recommendations(graph):
    assert [r[0] for r in rows(ask("recommendations", graph), "statement")] == [
        "cron-anakinra-wise-choice",
        "cron-anticoagulation-prevents-clotting",
        "cron-genomic-sequencing-recommended",
        "cron-manage-css",
        "cron-multipronged-reduces-mortality",
        "cron-panel-anticoagulation",
        "cron-panel-anticytokine",
        "cron-panel-antiviral",
        "cron-panel-public-health",
        "cron-panel-standard-of-care",
        "cron-panel-vaccines",
        "cron-treat-the-virus",
        "cron-trial-enrolment-priority",
    ]


def test_hypotheses(graph):
    assert rows(ask("hypotheses", graph), "hypothesis", "support") == [
        ("cron-anakinra-provides-hope", "cron-three-case-series"),
        ("cron-il6-might-benefit", "cron-il6-trials"),
        ("soule-hypothesis-mortality", "cron-huet-mortality"),
        ("soule-hypothesis-treats-covid", "cron-three-case-series"),
        ("soule-hypothesis-ventilation", None),
        ("soule-immune-reaction-respiratory-failure", None),
        ("soule-title-anakinra-prevents-crs", "soule-anakinra-abrogates-crs"),
        ("soule-title-anakinra-prevents-crs", "soule-conclusion-anakinra-crs"),
    ]


def test_unknown_and_negative(graph):
    assert rows(ask("unknown-and-negative", graph), "statement", "modality") == [
        ("cron-huet-no-side-effects", "negative result"),
        ("soule-glucocorticoids-failed-crs", "negative result"),
        ("cron-antiviral-effect-awaited", "unknown"),
        ("cron-antivirals-awaited", "unknown"),
        ("cron-genetics-covid-css-unknown", "unknown"),
        ("cron-il1-trials-results-awaited", "unknown"),
        ("cron-il6-mixed-results", "unknown"),
        ("cron-vaccines-awaited", "unknown"),
    ]


def test_repurposing_candidates(graph):
    # anakinra works in CRS and in COVID-19-associated CSS and targets IL-1 (IL-1α and IL-1β),
    # elevated in every cytokine storm syndrome: MAS and the HLHs are the candidates
    result = ask("repurposing-candidates", graph)
    assert set(rows(result, "therapy", "worksInLabel", "cytokineLabel", "candidate")) == {
        ("anakinra", works_in, "IL-1", candidate)
        for works_in in ("COVID-19-associated cytokine storm syndrome", "cytokine release syndrome")
        for candidate in ("familial-hlh", "hlh", "macrophage-activation-syndrome", "secondary-hlh")
    }
    assert len(result) == 8


def test_source_statements(graph, curation):
    result = ask("source-statements", graph)
    expected = sorted(s.id for s in curation.statements if s.source == "soule-2020")
    assert [r[0] for r in rows(result, "statement")] == expected
    assert len(expected) == 40
    assert ("soule-glucocorticoids-failed-crs", str(KGO.negative)) in set(
        rows(result, "statement", "modality")
    )
    assert rows(ask("source-statements", graph, source="kgsrc:huet-2020"), "statement") == []


def test_sources_overview(graph):
    assert rows(ask("sources-overview", graph), "source", "statements") == [
        ("cron-2020", 150),
        ("huet-2020", 0),
        ("soule-2020", 40),
    ]


def test_entity_statements(graph, curation):
    result = ask("entity-statements", graph)
    expected = sorted(s.id for s in curation.statements if "anakinra" in (s.subject, s.object))
    assert [r[0] for r in rows(result, "statement")] == expected
    assert len(expected) == 37
    found = {r[0]: r[1:] for r in rows(result, "statement", "role", "relation", "modality")}
    assert found["cron-anakinra-binds-il1a"] == ("subject", "binds", "asserted")
    assert found["cron-huet-arm-received-anakinra"] == ("object", "received", "asserted")
    assert found["soule-hypothesis-treats-covid"] == ("subject", "treats", "hypothesised")


def test_find_entity(graph):
    assert rows(ask("find-entity", graph), "entity", "category") == [
        ("elevated-ferritin", "laboratory finding")
    ]
    assert rows(ask("find-entity", graph, text="JAK"), "entity") == [("jak-inhibitors",)]
    # the value is bound, not pasted: text that would break out of a string literal is just text
    assert rows(ask("find-entity", graph, text='") || true || ("'), "entity") == []


def test_entities_without_xrefs(graph, curation):
    result = ask("entities-without-xrefs", graph)
    expected = sorted(str(entity_iri(e.id)) for e in curation.entities if not e.xrefs)
    assert sorted(str(r["entity"]) for r in result.rows) == expected
    found = {r[0]: r[1] for r in rows(result, "entity", "closeMatch")}
    assert found["macrophage-activation-syndrome"] is False
    assert found["cytokine-storm-syndrome"] is True  # a close match to MONDO only
    assert "anakinra" not in found
    assert len(found) == 87


def test_statements_without_eco(graph):
    assert len(ask("statements-without-eco", graph)) == 0  # the curation has no such gap
    broken = Graph()
    broken += graph
    broken.remove((KGS["cron-css-il6"], KGO.evidence_type, None))
    broken.add((KGS["cron-css-il1"], KGO.evidence_type, Literal("author statement")))
    broken.remove(
        (
            KGS["cron-css-il1"],
            KGO.evidence_type,
            URIRef("http://purl.obolibrary.org/obo/ECO_0000303"),
        )
    )
    assert rows(query("statements-without-eco", graph=broken), "statement") == [
        ("cron-css-il1",),
        ("cron-css-il6",),
    ]


def test_evidence_profile(graph, curation):
    result = ask("evidence-profile", graph)
    found = {
        (str(r["evidence"]).rsplit("/", 1)[1].replace("_", ":"), str(r["modality"])): r[
            "statements"
        ].toPython()
        for r in result.rows
    }
    assert found == Counter((s.evidence, s.modality.value) for s in curation.statements)
    assert found[("ECO:0000180", "asserted")] == 46


def test_predicate_usage(graph, curation):
    result = ask("predicate-usage", graph)
    found = {str(r["predicate"]).rsplit("/", 1)[1]: r["statements"].toPython() for r in result.rows}
    assert found == Counter(s.predicate for s in curation.statements)
    first = rows(result, "predicate", "statements", "asserted")[0]
    assert first == (str(KGO.subtype_of), 21, 21)


def test_competing_interests(graph):
    assert rows(ask("competing-interests", graph), "personLabel", "organisationLabel") == [
        ("Randy Q Cron", "Novartis"),
        ("Randy Q Cron", "Pfizer"),
        ("Randy Q Cron", "Sobi"),
    ]


def test_is_kind_of(graph):
    assert ask("is-kind-of", graph).boolean is True  # anakinra -> IL-1 blockade -> anticytokine
    assert ask("is-kind-of", graph, kind="il-6-blockade").boolean is False
    assert ask("is-kind-of", graph, entity="familial-hlh", kind="cytokine-storm-syndrome").boolean


def test_entity_neighbourhood(graph):
    result = ask("entity-neighbourhood", graph)
    il6, css = KGE["il-6"], KGE["cytokine-storm-syndrome"]
    expected = Graph()
    for triple in [
        (css, KGO.has_elevated_level_of, il6),
        (KGE["dysregulated-host-immune-response"], KGO.produces, il6),
        (KGE["il-6-blockade"], KGO.targets, il6),
        (il6, RDFS.label, Literal("IL-6")),
        (css, RDFS.label, Literal("cytokine storm syndrome")),
        (
            KGE["dysregulated-host-immune-response"],
            RDFS.label,
            Literal("dysregulated host immune response"),
        ),
        (KGE["il-6-blockade"], RDFS.label, Literal("IL-6 blockade")),
    ]:
        expected.add(triple)
    assert result.graph is not None
    assert to_isomorphic(result.graph) == to_isomorphic(expected)


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_every_bundled_query_parses_and_declares_its_parameters(name):
    named = BUNDLED[name]
    assert named.title and named.question
    for parameter in named.parameters:
        assert f"?{parameter.name}" in named.text
