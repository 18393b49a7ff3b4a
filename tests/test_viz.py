"""The explorer page as text: self-contained, escaped, deterministic; views; ``kg viz``."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import time

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ViewError
from kg.network import find_entity, select_view, to_networkx
from kg.viz import EDGE_STYLES, explorer_html, render_explorer, vis_data, vis_options

runner = CliRunner()


@pytest.fixture(scope="module")
def page(curation) -> str:
    return explorer_html(curation).decode("utf-8")


def _payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_page_is_self_contained(page):
    # nothing is loaded from elsewhere: no src/href to a server, no CDN, no Bootstrap
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "cdn" not in page.lower().replace("cdn_resources", "")
    assert "bootstrap" not in page.lower()
    assert "vis-network" in page or "vis.Network" in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = html.unescape(csp.group(1))
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "connect-src" not in policy  # falls back to 'none': no fetch, no XHR


def test_page_carries_every_entity_and_statement_with_evidence(page, curation):
    payload = _payload(page)
    assert len(payload["nodes"]) == len(curation.entities)
    assert sum(len(e["evidence"]) for e in payload["edges"]) == len(curation.statements)
    numbers = [
        ev["numbers"]
        for e in payload["edges"]
        if e["from"] == "anakinra"
        for ev in e["evidence"]
        if ev["numbers"]
    ]
    assert "HR 0.22 (95% CI 0.11–0.41); p < 0.0001; n = 52; comparator n = 44" in numbers
    anakinra = next(n for n in payload["nodes"] if n["id"] == "anakinra")
    assert anakinra["category"] == "Drug"
    assert {
        "curie": "drugbank:DB00026",
        "url": "https://bioregistry.io/drugbank:DB00026",
        "match": "exact",
    } in anakinra["xrefs"]


def test_modalities_are_drawn_distinctly(page):
    edges = _payload(page)["edges"]
    by_modality = {e["modality"]: e for e in edges}
    assert by_modality["asserted"]["dashes"] is False
    for modality in ("hypothesised", "negative", "recommended_against", "unknown"):
        edge = by_modality[modality]
        assert edge["dashes"] == list(EDGE_STYLES[modality].dashes)
        assert edge["color"]["color"] == EDGE_STYLES[modality].colour
    colours = {EDGE_STYLES[m].colour for m in ("asserted", "hypothesised", "negative")}
    assert len(colours) == 3


def test_physics_stabilises_once_with_a_seeded_layout():
    options = vis_options(100)
    assert options["layout"]["randomSeed"] == 7
    assert options["physics"]["stabilization"]["enabled"] is True
    assert vis_options(5000)["layout"]["improvedLayout"] is False
    assert vis_options(5000)["interaction"]["hideEdgesOnDrag"] is True


def test_build_is_deterministic(curation, page):
    assert explorer_html(curation).decode("utf-8") == page


def test_curated_markup_is_escaped_everywhere(curation):
    xss = "<img src=x onerror=alert(1)>"
    entity = dataclasses.replace(curation.entity("il-6"), label=xss, description="</script>x")
    poisoned = dataclasses.replace(
        curation, entities=tuple(entity if e.id == "il-6" else e for e in curation.entities)
    )
    page = render_explorer(to_networkx(poisoned), title=f"<script>{xss}", note="</script>")
    assert xss not in page
    assert "&lt;script&gt;&lt;img src=x onerror=alert(1)&gt;" in page  # heading and title
    assert page.count("</script>") == 3  # data, vis-network, the page's own script
    nodes = {n["id"]: n for n in _payload(page)["nodes"]}
    assert nodes["il-6"]["label"] == xss and nodes["il-6"]["description"] == "</script>x"


def test_views_by_focus_hops_and_category(curation):
    graph = to_networkx(curation, include_hypotheses=True)
    one = select_view(graph, focus="anakinra", hops=1)
    two = select_view(graph, focus="anakinra", hops=2)
    assert {"anakinra", "il-1"} <= set(one) < set(two) < set(graph)
    assert select_view(graph, focus="anakinra", hops=0).number_of_nodes() == 1
    cytokines = select_view(graph, categories=["GeneOrProtein"])
    assert {graph.nodes[n]["category"] for n in cytokines} <= {
        "Cytokine",
        "Gene",
        "GeneSet",
        "Protein",
        "GeneOrProtein",
    }
    assert "il-6" in cytokines and "anakinra" not in cytokines
    assert find_entity(graph, "IL-1 inhibitor anakinra") == "anakinra"
    with pytest.raises(ViewError, match="did you mean 'anakinra'"):
        find_entity(graph, "anakinara")
    with pytest.raises(ViewError, match="unknown category 'Cytokines'"):
        select_view(graph, categories=["Cytokines"])


def test_asserted_only_view_leaves_hypotheses_out(curation):
    asserted = to_networkx(curation)
    assert {d["modality"] for _, _, d in asserted.edges(data=True)} == {"asserted"}
    assert sum(len(d["evidence"]) for _, _, d in asserted.edges(data=True)) == sum(
        1 for s in curation.statements if s.modality == "asserted"
    )


def test_inferred_edges_are_marked(tmp_path):
    import shutil

    from helpers import require

    require(shutil.which("java"), "java is needed to run the HermiT reasoner")
    out = tmp_path / "e.html"
    result = runner.invoke(app, ["viz", "--out", str(out), "--include-inferred"])
    assert result.exit_code == 0, result.output
    assert "inferred arrows from HermiT" in result.output
    edges = _payload(out.read_text(encoding="utf-8"))["edges"]
    marked = {(e["from"], e["label"], e["to"]): e for e in edges if e["modality"] == "inferred"}
    # curated: MAS is a kind of CSS; inferred: CSS has MAS as a subtype
    edge = marked[
        ("cytokine-storm-syndrome", "inferred: has subtype", "macrophage-activation-syndrome")
    ]
    assert edge["evidence"] == [] and edge["dashes"] == list(EDGE_STYLES["inferred"].dashes)
    asserted = {(e["from"], e["to"]) for e in edges if e["modality"] == "asserted"}
    assert ("macrophage-activation-syndrome", "cytokine-storm-syndrome") in asserted


def test_page_generation_grows_linearly(curation):
    """No quadratic step: 8x the nodes costs well under 64x the time (a loose, safe bound)."""
    import networkx as nx

    def synthetic(n: int) -> nx.MultiDiGraph:
        base = to_networkx(curation)
        graph = nx.MultiDiGraph()
        for copy in range(n):
            for node, data in base.nodes(data=True):
                graph.add_node(f"{node}-{copy}", **data)
            for u, v, key, data in base.edges(keys=True, data=True):
                graph.add_edge(f"{u}-{copy}", f"{v}-{copy}", key=f"{key}-{copy}", **data)
        return graph

    small, large = synthetic(2), synthetic(16)
    vis_data(small)
    started = time.perf_counter()
    vis_data(small)
    small_time = time.perf_counter() - started
    started = time.perf_counter()
    vis_data(large)
    large_time = time.perf_counter() - started
    assert large_time < 24 * max(small_time, 1e-3)


def test_viz_command_writes_a_focused_page(tmp_path):
    out = tmp_path / "anakinra.html"
    result = runner.invoke(
        app, ["viz", "--out", str(out), "--focus", "anakinra", "--hops", "1", "--asserted-only"]
    )
    assert result.exit_code == 0, result.output
    payload = _payload(out.read_text(encoding="utf-8"))
    ids = {n["id"] for n in payload["nodes"]}
    assert {"anakinra", "il-1", "il-1-alpha", "huet-cohort"} <= ids
    assert "perforin" not in ids and len(ids) < 40
    neighbours = {e["to"] for e in payload["edges"] if e["from"] == "anakinra"} | {
        e["from"] for e in payload["edges"] if e["to"] == "anakinra"
    }
    assert ids == neighbours | {"anakinra"}
    assert "within 1 step of anakinra" in payload["summary"]
    assert {e["modality"] for e in payload["edges"]} == {"asserted"}


def test_viz_command_reports_unknown_entity_without_traceback(tmp_path):
    result = runner.invoke(app, ["viz", "--out", str(tmp_path / "x.html"), "--focus", "anakinara"])
    assert result.exit_code == 1
    assert "no entity is called 'anakinara'" in result.output
    assert "did you mean 'anakinra'?" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()
