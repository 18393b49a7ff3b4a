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
from rdflib import Dataset, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.export import ExportFormat
from kg.pipeline import run_build

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

REPO = Path(__file__).resolve().parent.parent
EXPORTS = REPO / "exports"
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


def test_committed_exports_are_current(built):
    assert _files(EXPORTS) == _files(built), "exports/ is stale: run `kg build`"


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


def _plain(graph: Graph) -> set[tuple[str, str, str]]:
    out = set()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s.n3(), p.n3(), o.n3()))
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


def test_jsonld_expands_offline_with_its_published_context(built, turtle):
    document = json.loads((built / "cytokine-storm-kg.jsonld").read_text(encoding="utf-8"))
    published = json.loads((built / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == published["@context"]
    assert published["@context"]["kge"] == "https://w3id.org/cytokine-storm-kg/entity/"
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    assert isomorphic(graph, turtle)


def test_owl_reloads_in_owlready2(built, curation):
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology((built / "cytokine-storm-kg.owl").as_uri()).load()
    try:
        names = {i.name for i in world.individuals()}
        assert {"anakinra", "covid-19-css", "il-1-alpha"} <= names
        classes = {c.name for c in world.classes()}
        assert {"Cytokine", "CytokineStormSyndrome", "Drug"} <= classes
        drug = world.search_one(iri="https://w3id.org/cytokine-storm-kg/ontology/Drug")
        assert "anakinra" in {i.name for i in drug.instances()}
        assert onto is not None
    finally:
        world.close()


@pytest.mark.parametrize("name", ["cytokine-storm-kg.graphml", "cytokine-storm-kg.gexf"])
def test_graph_formats_keep_every_node_edge_and_provenance(built, curation, name):
    import networkx as nx

    reader = nx.read_graphml if name.endswith("graphml") else nx.read_gexf
    graph = reader(built / name)
    assert graph.number_of_nodes() == len(curation.entities)
    assert graph.number_of_edges() == len(curation.statements)
    (hr,) = [d for _, _, d in graph.edges(data=True) if d.get("id") == "cron-huet-hazard-ratio"]
    assert float(hr["hazard_ratio"]) == pytest.approx(0.22)
    assert float(hr["ci_lower"]) == pytest.approx(0.11)
    assert hr["modality"] == "asserted"
    assert hr["evidence"] == "ECO:0000180"
    assert hr["source"] == "cron-2020"
    assert "hazard ratio 0·22" in hr["quote"]
    (who,) = [
        d for _, _, d in graph.edges(data=True) if d.get("id") == "cron-who-against-glucocorticoids"
    ]
    assert who["modality"] == "recommended_against"


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


def test_kgx_columns_follow_the_spec(built, curation):
    nodes = _rows(built / "kgx" / "nodes.tsv", "\t")
    edges = _rows(built / "kgx" / "edges.tsv", "\t")
    assert len(nodes) == len(curation.entities) and len(edges) == len(curation.statements)
    assert {"id", "category", "name"} <= set(nodes[0])
    required = {"id", "subject", "predicate", "object", "knowledge_level", "agent_type"}
    assert required <= set(edges[0])
    assert all(re.fullmatch(r"biolink:[A-Z][A-Za-z]+", n["category"]) for n in nodes)
    assert all(re.fullmatch(r"biolink:[a-z_]+", e["predicate"]) for e in edges)
    ids = {n["id"] for n in nodes}
    assert all(e["subject"] in ids and e["object"] in ids for e in edges)
    binds = [e for e in edges if e["original_predicate"] == "kgo:binds"]
    assert {e["object"] for e in binds} == {"kge:il-1-alpha", "kge:il-1-beta"}
    assert {e["predicate"] for e in binds} == {"biolink:directly_physically_interacts_with"}


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
    from rdflib.namespace import Namespace

    void = Namespace("http://rdfs.org/ns/void#")
    description = Graph().parse(built / "void.ttl")
    dataset = next(description.subjects(void.triples, None))
    triples = (built / "cytokine-storm-kg.nt").read_bytes().count(b"\n")
    assert int(description.value(dataset, void.triples)) == triples
    assert int(description.value(dataset, void.entities)) == len(curation.entities)
    manifest = (built / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in manifest:
        digest, name = line.split("  ", 1)
        listed[name] = digest
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest
    expected = {p for p in _files(built) if p != "MANIFEST.sha256"}
    assert set(listed) == expected


def test_export_format_names_are_stable():
    assert ExportFormat.TURTLE.filename == "cytokine-storm-kg.ttl"
    assert ExportFormat.KGX.filename == "kgx/nodes.tsv"
