"""The RDF model: direct triples only for asserted statements, and a provenance node for each."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.build import entity_iri, statement_iri
from kg.namespaces import KGE, KGO, KGS, KGSRC, OA, OBO


def _select(graph, query: str) -> set[tuple[str, ...]]:
    return {tuple(str(v) for v in row) for row in graph.query(query)}


PREFIXES = """
PREFIX kgo: <https://w3id.org/cytokine-storm-kg/ontology/>
PREFIX kge: <https://w3id.org/cytokine-storm-kg/entity/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def test_anakinra_binds_il1_alpha_and_beta(graph):
    rows = _select(
        graph, PREFIXES + "SELECT ?label WHERE { kge:anakinra kgo:binds ?c . ?c rdfs:label ?label }"
    )
    assert rows == {("IL-1α",), ("IL-1β",)}


def test_cytokine_storm_umbrella_through_the_hierarchy(graph):
    rows = _select(
        graph,
        PREFIXES + "SELECT ?s WHERE { ?s kgo:subtype_of+ kge:cytokine-storm-syndrome ;"
        " a kgo:CytokineStormSyndrome }",
    )
    names = {r[0].rsplit("/", 1)[1] for r in rows}
    assert names == {
        "macrophage-activation-syndrome",
        "hlh",
        "familial-hlh",
        "secondary-hlh",
        "cytokine-release-syndrome",
        "covid-19-css",
    }


def test_hazard_ratio_is_a_decimal_with_its_interval(graph):
    node = statement_iri("cron-huet-hazard-ratio")
    assert graph.value(node, KGO.hazard_ratio) == Literal(Decimal("0.22"), datatype=XSD.decimal)
    assert graph.value(node, KGO.ci_lower).toPython() == Decimal("0.11")
    assert graph.value(node, KGO.ci_upper).toPython() == Decimal("0.41")
    assert graph.value(node, KGO.p_value_below).toPython() == Decimal("0.0001")
    assert graph.value(node, KGO.sample_size) == Literal(52, datatype=XSD.integer)
    assert graph.value(node, KGO.in_study) == KGE["huet-cohort"]
    assert graph.value(node, RDF.subject) == KGE.anakinra
    assert graph.value(node, RDF.predicate) == KGO.reduces
    assert graph.value(node, PROV.wasDerivedFrom) == KGSRC["cron-2020"]
    assert graph.value(node, KGO.evidence_type) == OBO.ECO_0000180
    assert "hazard ratio 0·22" in str(graph.value(node, OA.exact))


def test_recommended_against_is_not_a_direct_triple(graph):
    gluco, covid = entity_iri("glucocorticoids"), entity_iri("covid-19")
    assert (gluco, KGO.treats, covid) not in graph
    node = statement_iri("cron-who-against-glucocorticoids")
    assert graph.value(node, KGO.modality) == KGO.recommended_against
    assert graph.value(node, KGO.recommended_by) == KGE.who


def test_hypotheses_and_negatives_stay_off_the_truthy_graph(graph, curation):
    for statement in curation.statements:
        node = statement_iri(statement.id)
        triple = (
            entity_iri(statement.subject),
            graph.value(node, RDF.predicate),
            entity_iri(statement.object),
        )
        asserted_elsewhere = any(
            (o.subject, o.predicate, o.object)
            == (statement.subject, statement.predicate, statement.object)
            and o.modality.value == "asserted"
            for o in curation.statements
        )
        if statement.modality.value == "asserted":
            assert triple in graph, statement.id
        elif not asserted_elsewhere:
            assert triple not in graph, statement.id


def test_anakinra_prevention_of_crs_is_a_hypothesis(graph):
    node = statement_iri("soule-title-anakinra-prevents-crs")
    assert graph.value(node, KGO.modality) == KGO.hypothesised
    assert (KGE.anakinra, KGO.prevents, KGE["cytokine-release-syndrome"]) not in graph


def test_every_statement_node_is_complete(graph, curation):
    for statement in curation.statements:
        node = KGS[statement.id]
        assert (node, RDF.type, RDF.Statement) in graph
        for prop in (
            RDF.subject,
            RDF.predicate,
            RDF.object,
            PROV.wasDerivedFrom,
            OA.exact,
            KGO.evidence_type,
            KGO.modality,
        ):
            assert len(list(graph.objects(node, prop))) == 1, (statement.id, prop)


def test_entities_carry_labels_categories_and_xrefs(graph):
    anakinra = KGE.anakinra
    assert (anakinra, RDF.type, KGO.Drug) in graph
    assert graph.value(anakinra, RDFS.label) == Literal("anakinra")
    assert (anakinra, SKOS.exactMatch, URIRef("https://identifiers.org/drugbank:DB00026")) in graph
    covid = KGE["covid-19"]
    assert (covid, SKOS.exactMatch, URIRef("http://purl.obolibrary.org/obo/MONDO_0100096")) in graph


def test_sources_are_described_with_dublin_core(graph):
    from rdflib.namespace import DCTERMS

    huet = KGSRC["huet-2020"]
    assert (huet, DCTERMS.identifier, Literal("doi:10.1016/S2665-9913(20)30164-8")) in graph
    assert (KGSRC["cron-2020"], DCTERMS.references, huet) in graph
    soule = KGSRC["soule-2020"]
    assert (soule, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    assert len(list(graph.objects(soule, DCTERMS.creator))) == 3
