"""Every export, proven readable by software this project did not write."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import require
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.export import ExportFormat
from kg.pipeline import run_build

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

RDF_FILES = {
    "cytokine-storm-kg.ttl": "turtle",
    "cytokine-storm-kg.nt": "nt",
    "cytokine-storm-kg.rdf": "xml",
    "cytokine-storm-kg.jsonld": "json-ld",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    run_build(out)
    return out


@pytest.fixture(scope="module")
def turtle(built: Path) -> Graph:
    return Graph().parse(built / "cytokine-storm-kg.ttl", format="turtle")


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(("name", "fmt"), sorted(RDF_FILES.items()))
def test_every_rdf_syntax_round_trips_to_the_same_graph(built, turtle, name, fmt):
    graph = Graph().parse(built / name, format=fmt)
    assert len(graph) == len(turtle)
    assert isomorphic(graph, turtle), name


def test_datasets_hold_the_same_triples_in_named_graphs(built, turtle):
    for name, fmt in (("cytokine-storm-kg.trig", "trig"), ("cytokine-storm-kg.nq", "nquads")):
        dataset = Dataset()
        dataset.parse(built / name, format=fmt)
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        assert isomorphic(union, turtle), name
        graphs = {str(g.identifier) for g in dataset.graphs()}
        assert "https://w3id.org/cytokine-storm-kg/np/cron-2020/assertion" in graphs
        assert "https://w3id.org/cytokine-storm-kg/np/soule-2020/provenance" in graphs


def test_nanopub_provenance_graph_carries_the_hazard_ratio(built):
    dataset = Dataset()
    dataset.parse(built / "cytokine-storm-kg.trig", format="trig")
    provenance = dataset.graph("https://w3id.org/cytokine-storm-kg/np/cron-2020/provenance")
    rows = provenance.query(
        "SELECT ?hr WHERE { <https://w3id.org/cytokine-storm-kg/statement/cron-huet-hazard-ratio>"
        " <https://w3id.org/cytokine-storm-kg/ontology/hazard_ratio> ?hr }"
    )
    assert [str(r[0]) for r in rows] == ["0.22"]


def _plain(graph: Graph) -> Graph:
    """``graph`` with ``"x"^^xsd:string`` written ``"x"`` (one RDF 1.1 term, two rdflib terms)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def test_pyoxigraph_parses_every_rdf_file_strictly(built, turtle):
    import pyoxigraph as ox

    formats = {
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".rdf": ox.RdfFormat.RDF_XML,
        ".owl": ox.RdfFormat.RDF_XML,
        ".jsonld": ox.RdfFormat.JSON_LD,
        ".trig": ox.RdfFormat.TRIG,
        ".nq": ox.RdfFormat.N_QUADS,
    }
    for suffix, fmt in formats.items():
        path = built / f"cytokine-storm-kg{suffix}"
        quads = list(ox.parse(path=str(path), format=fmt))
        assert len(quads) >= len(turtle) * 0.9, path.name
    assert len(list(ox.parse(path=str(built / "void.ttl"), format=ox.RdfFormat.TURTLE))) > 100


def test_rapper_reads_turtle_ntriples_and_rdfxml_without_warnings(built):
    rapper = shutil.which("rapper")
    require(rapper, "rapper (Debian raptor2-utils) is not installed")
    for name, syntax in (
        ("cytokine-storm-kg.ttl", "turtle"),
        ("cytokine-storm-kg.nt", "ntriples"),
        ("cytokine-storm-kg.rdf", "rdfxml"),
    ):
        done = subprocess.run(
            [rapper, "-i", syntax, "-c", str(built / name)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "warning" not in done.stderr.lower(), done.stderr
        assert "Parsing returned" in done.stderr


def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_jsonld_expands_offline_with_its_published_context(built, turtle, monkeypatch):
    _no_network(monkeypatch)
    document = json.loads((built / "cytokine-storm-kg.jsonld").read_text(encoding="utf-8"))
    published = json.loads((built / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == published["@context"]
    assert published["@context"]["kge"] == "https://w3id.org/cytokine-storm-kg/entity/"
    assert all(isinstance(v, str) for v in published["@context"].values()), "prefixes only"
    inline = Graph().parse(data=json.dumps(document), format="json-ld")
    assert isomorphic(inline, turtle)
    # without its inline copy, the published context alone gives the same triples
    bare = {"@graph": document["@graph"]}
    expanded = Graph().parse(data=json.dumps(bare), format="json-ld", context=published)
    assert isomorphic(expanded, turtle)
    # and the compact form names entities by CURIE
    ids = {node["@id"] for node in document["@graph"]}
    assert "kge:anakinra" in ids and "kgs:cron-huet-hazard-ratio" in ids


def test_owl_reloads_in_owlready2_with_the_same_counts(built, turtle, curation):
    import owlready2
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF

    named_classes = {c for c in turtle.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    individuals = {
        s
        for s, o in turtle.subject_objects(RDF.type)
        if o in named_classes or o == OWL.NamedIndividual
    }
    world = owlready2.World()
    try:
        world.get_ontology((built / "cytokine-storm-kg.owl").as_uri()).load()
        assert {c.iri for c in world.classes()} == {str(c) for c in named_classes}
        assert {i.iri for i in world.individuals()} == {str(i) for i in individuals}
        assert len(list(world.object_properties())) == len(
            set(turtle.subjects(RDF.type, OWL.ObjectProperty))
        )
        assert len(list(world.data_properties())) == len(
            set(turtle.subjects(RDF.type, OWL.DatatypeProperty))
        )
        entities = [i for i in world.individuals() if "/entity/" in i.iri]
        assert len(entities) == len(curation.entities)
        drug = world.search_one(iri="https://w3id.org/cytokine-storm-kg/ontology/Drug")
        anakinra = world.search_one(iri="https://w3id.org/cytokine-storm-kg/entity/anakinra")
        assert anakinra in drug.instances()
        assert {c.name for c in anakinra.binds} == {"il-1-alpha", "il-1-beta"}
    finally:
        world.close()


def test_owl_file_holds_every_triple(built, turtle):
    """owlready2 writes plain literals as xsd:string (the same term in RDF 1.1), nothing else."""
    owl = Graph().parse(built / "cytokine-storm-kg.owl", format="xml")
    assert len(owl) == len(turtle)
    assert isomorphic(_plain(owl), _plain(turtle))


def _flat(value: object) -> object:
    return "|".join(value) if isinstance(value, list) else value


@pytest.mark.parametrize("name", ["cytokine-storm-kg.graphml", "cytokine-storm-kg.gexf"])
def test_graph_formats_keep_every_node_edge_and_provenance(built, curation, name):
    import networkx as nx

    from kg.propertygraph import property_graph

    reader = nx.read_graphml if name.endswith("graphml") else nx.read_gexf
    graph = reader(built / name)
    assert graph.number_of_nodes() == len(curation.entities)
    assert graph.number_of_edges() == len(curation.statements)
    # every edge property of the property-graph view arrives, with its type
    nodes, edges = property_graph(curation)
    read = {d["id"]: (u, v, d) for u, v, d in graph.edges(data=True)}
    for edge in edges:
        u, v, data = read[edge.id]
        assert (u, v) == (edge.subject, edge.object)
        expected = {k: _flat(val) for k, val in edge.properties.items() if val != []}
        got = {k: val for k, val in data.items() if k not in {"id", "key", "label"}}
        assert got == pytest.approx(expected), edge.id
    for node in nodes:
        assert graph.nodes[node.id]["name"] == node.properties["name"]
    _, _, hr = read["cron-huet-hazard-ratio"]
    assert (hr["hazard_ratio"], hr["ci_lower"], hr["ci_upper"]) == (0.22, 0.11, 0.41)
    assert hr["modality"] == "asserted"
    assert hr["evidence"] == "ECO:0000180"
    assert hr["source"] == "cron-2020"
    assert "hazard ratio 0·22" in hr["quote"]
    assert read["cron-who-against-glucocorticoids"][2]["modality"] == "recommended_against"


def test_cytoscape_json(built, curation):
    document = json.loads((built / "cytokine-storm-kg.cyjs").read_text(encoding="utf-8"))
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    assert len(nodes) == len(curation.entities) and len(edges) == len(curation.statements)
    anakinra = next(n["data"] for n in nodes if n["data"]["id"] == "anakinra")
    assert anakinra["biolink_category"] == "biolink:Drug"
    assert "https://identifiers.org/drugbank:DB00026" in anakinra["xrefs"]


def _rows(path: Path, delimiter: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


CURIE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*:[^\s|]+$")
#: KGX format specification: required node and edge columns (Biolink 4 adds the two levels).
KGX_NODE_REQUIRED = {"id", "category"}
KGX_EDGE_REQUIRED = {
    "subject",
    "predicate",
    "object",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
}
#: Biolink's KnowledgeLevelEnum and AgentTypeEnum values.
KNOWLEDGE_LEVELS = {
    "knowledge_assertion",
    "logical_entailment",
    "prediction",
    "statistical_association",
    "observation",
    "not_provided",
}
AGENT_TYPES = {
    "manual_agent",
    "automated_agent",
    "data_analysis_pipeline",
    "computational_model",
    "text_mining_agent",
    "image_processing_agent",
    "manual_validation_of_automated_agent",
    "not_provided",
}


def test_kgx_columns_follow_the_spec(built, curation):
    """The KGX TSV column spec (`kgx validate` itself fetches the Biolink model at import)."""
    nodes = _rows(built / "kgx" / "nodes.tsv", "\t")
    edges = _rows(built / "kgx" / "edges.tsv", "\t")
    assert len(nodes) == len(curation.entities) and len(edges) == len(curation.statements)
    assert set(nodes[0]) >= KGX_NODE_REQUIRED and set(edges[0]) >= KGX_EDGE_REQUIRED
    for row in nodes:
        assert all(row[c] for c in KGX_NODE_REQUIRED), row
        assert CURIE.match(row["id"]), row["id"]
        for category in row["category"].split("|"):
            assert re.fullmatch(r"biolink:[A-Z][A-Za-z]+", category), category
        for xref in filter(None, row["xref"].split("|")):
            assert xref.startswith(("http://", "https://")) or CURIE.match(xref), xref
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids)), "node ids are unique"
    assert len({e["id"] for e in edges}) == len(edges), "edge ids are unique"
    for row in edges:
        assert all(row[c] for c in KGX_EDGE_REQUIRED), row
        assert re.fullmatch(r"biolink:[a-z][a-z_]+", row["predicate"]), row["predicate"]
        assert row["subject"] in set(ids) and row["object"] in set(ids), row["id"]
        assert row["knowledge_level"] in KNOWLEDGE_LEVELS
        assert row["agent_type"] in AGENT_TYPES
        assert row["primary_knowledge_source"].startswith("infores:")
        assert row["has_evidence"].startswith("ECO:") and row["quote"], row["id"]
        assert CURIE.match(row["publications"])
    binds = [e for e in edges if e["original_predicate"] == "kgo:binds"]
    assert {e["object"] for e in binds} == {"kge:il-1-alpha", "kge:il-1-beta"}
    assert {e["subject"] for e in binds} == {"kge:anakinra"}
    assert {e["predicate"] for e in binds} == {"biolink:directly_physically_interacts_with"}
    (hr,) = [e for e in edges if e["id"] == "kgs:cron-huet-hazard-ratio"]
    qualifiers = json.loads(hr["qualifiers"])
    assert (qualifiers["hazard_ratio"], qualifiers["ci_lower"], qualifiers["ci_upper"]) == (
        0.22,
        0.11,
        0.41,
    )


def test_neo4j_csv_headers_match_neo4j_admin_import(built, curation):
    nodes_header = (built / "neo4j" / "nodes.csv").read_text(encoding="utf-8").splitlines()[0]
    rel_header = (built / "neo4j" / "relationships.csv").read_text(encoding="utf-8").splitlines()[0]
    assert nodes_header.startswith("id:ID,:LABEL,")
    assert rel_header.startswith(":START_ID,:END_ID,:TYPE,")
    field = re.compile(r"^[a-z_]+:(string|long|double|boolean)(\[\])?$")
    for header in (nodes_header.split(",")[2:], rel_header.split(",")[3:]):
        assert all(field.match(name) for name in header), header
    assert "hazard_ratio:double" in rel_header and "count:long" in rel_header
    rels = _rows(built / "neo4j" / "relationships.csv", ",")
    assert len(rels) == len(curation.statements)
    hr = next(r for r in rels if r["statement_id:string"] == "cron-huet-hazard-ratio")
    assert (hr[":START_ID"], hr[":TYPE"], hr[":END_ID"]) == ("anakinra", "REDUCES", "imv-or-death")


def test_void_and_manifest_describe_every_file(built, curation):
    from rdflib import URIRef
    from rdflib.namespace import DCAT, DCTERMS, OWL, Namespace

    void = Namespace("http://rdfs.org/ns/void#")
    kgo = Namespace("https://w3id.org/cytokine-storm-kg/ontology/")
    description = Graph().parse(built / "void.ttl")
    dataset = next(description.subjects(void.triples, None))
    ntriples = (built / "cytokine-storm-kg.nt").read_bytes()
    assert int(description.value(dataset, void.triples)) == ntriples.count(b"\n")
    assert int(description.value(dataset, void.entities)) == len(curation.entities)
    assert (
        str(description.value(dataset, kgo.content_sha256)) == hashlib.sha256(ntriples).hexdigest()
    )
    # version and date come from the ontology header, never from the clock
    ontology = Graph().parse(built / "cytokine-storm-kg.ttl")
    header = URIRef("https://w3id.org/cytokine-storm-kg/ontology")
    assert description.value(dataset, OWL.versionInfo) == ontology.value(header, OWL.versionInfo)
    assert description.value(dataset, DCAT.version) == ontology.value(header, OWL.versionInfo)
    assert description.value(dataset, DCTERMS.created) == ontology.value(header, DCTERMS.modified)
    assert str(description.value(dataset, DCTERMS.license)).startswith("https://creativecommons")
    partitions = {
        str(description.value(p, void["class"])).rsplit("/", 1)[1]: int(
            description.value(p, void.entities)
        )
        for p in description.objects(dataset, void.classPartition)
    }
    assert partitions["Drug"] == sum(e.category == "Drug" for e in curation.entities)
    assert sum(partitions.values()) == len(curation.entities)
    manifest = (built / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in manifest:
        digest, name = line.split("  ", 1)
        listed[name] = digest
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest
    expected = {p for p in _files(built) if p not in {"MANIFEST.sha256"}}
    assert set(listed) == expected
    distributions = {
        str(description.value(d, DCTERMS.title))
        for d in description.objects(dataset, DCAT.distribution)
    }
    assert distributions == expected - {"void.ttl"}


def test_nanopub_graphs_split_claim_provenance_and_publication_info(built):
    dataset = Dataset()
    dataset.parse(built / "cytokine-storm-kg.nq", format="nquads")
    np = "https://w3id.org/cytokine-storm-kg/np/cron-2020/"
    kge = "https://w3id.org/cytokine-storm-kg/entity/"
    kgo = "https://w3id.org/cytokine-storm-kg/ontology/"
    assertion = dataset.graph(np + "assertion")
    binds = set(assertion.objects(URIRef(kge + "anakinra"), URIRef(kgo + "binds")))
    assert binds == {URIRef(kge + "il-1-alpha"), URIRef(kge + "il-1-beta")}
    provenance = dataset.graph(np + "provenance")
    quotes = {str(q) for q in provenance.objects(None, URIRef("http://www.w3.org/ns/oa#exact"))}
    assert any("binds to both IL-1α and IL-1β" in q for q in quotes)
    assert not set(assertion.objects(None, URIRef("http://www.w3.org/ns/oa#exact")))
    info = dataset.graph(np + "pubinfo")
    source = URIRef("https://w3id.org/cytokine-storm-kg/source/cron-2020")
    assert "Coronavirus is the trigger" in str(
        info.value(source, URIRef("http://purl.org/dc/terms/title"))
    )


def test_export_format_names_are_stable():
    assert ExportFormat.TURTLE.filename == "cytokine-storm-kg.ttl"
    assert ExportFormat.KGX.filename == "kgx/nodes.tsv"


def test_shipped_shapes_validate_the_shipped_graph(built, turtle):
    """A data engineer can check their copy with pyshacl alone, from the release's files."""
    import pyshacl

    shapes = Graph().parse(built / "shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(turtle, shacl_graph=shapes, inference="none")
    assert conforms, text
    broken = Graph()
    for triple in turtle:
        broken.add(triple)
    quote = URIRef("http://www.w3.org/ns/oa#exact")
    statement = next(iter(turtle.subjects(quote, None)))
    broken.remove((statement, quote, None))
    conforms, _, text = pyshacl.validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms
    assert "Results (1):" in text and "MinCountConstraintComponent" in text
    assert "the statement needs exactly one quote (oa:exact)" in text
