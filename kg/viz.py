"""The interactive explorer: one self-contained HTML page drawn with pyvis' vis-network.

The page embeds vis-network from the copy bundled in the pyvis package, so it opens offline
(no CDN, no Bootstrap, no request leaves ``file://``). pyvis' own template is not used: it
links Bootstrap from a CDN and inserts its ``heading`` and select-menu node ids unescaped. This
module's template is rendered with autoescaping, the graph travels as JSON with ``<``, ``>``
and ``&`` escaped, the page's script shows curated text only through ``textContent``, and a
Content-Security-Policy allows only the page's own scripts (by hash) and no network access.

Building the page is linear in the graph's size: pyvis' ``add_node``/``add_edge`` look up
lists on every call, so the node and edge lists are built here and handed to pyvis whole.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ExportError
from kg.model import Curation
from kg.network import INFERRED

if TYPE_CHECKING:
    import networkx as nx

log = logging.getLogger(__name__)

TITLE = "Cytokine storm knowledge graph"
#: vis-network's release inside the pyvis package (its ``templates/lib`` folder).
VIS_VERSION = "vis-9.1.2"
#: A fixed layout seed, so that the browser lays the graph out the same way every time.
LAYOUT_SEED = 7

#: Colour of each top-level kind of entity; its subcategories differ by shape.
KIND_COLOURS: dict[str, str] = {
    "Disease": "#d62728",
    "Phenotype": "#ff7f0e",
    "Intervention": "#2ca02c",
    "GeneOrProtein": "#1f77b4",
    "Organism": "#8c564b",
    "BiologicalProcess": "#17becf",
    "Pathway": "#0e6b74",
    "ClinicalVariable": "#bcbd22",
    "DrugProperty": "#7fbf7b",
    "Study": "#9467bd",
    "StudyArm": "#c5b0d5",
    "StudyDesign": "#e377c2",
    "Agent": "#7f7f7f",
}
FALLBACK_COLOURS = ("#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd")
#: vis-network shapes that scale with ``size``, with a glyph for the legend.
SHAPES: tuple[tuple[str, str], ...] = (
    ("dot", "●"),
    ("diamond", "◆"),
    ("square", "■"),
    ("triangle", "▲"),
    ("star", "★"),
    ("triangleDown", "▼"),
    ("hexagon", "⬢"),
)


@dataclass(frozen=True)
class EdgeStyle:
    """How the arrows of one modality look, and what the legend says of them."""

    colour: str
    dashes: tuple[int, ...]
    prefix: str
    meaning: str


EDGE_STYLES: dict[str, EdgeStyle] = {
    "asserted": EdgeStyle("#555555", (), "", "the source states it as a fact"),
    "hypothesised": EdgeStyle(
        "#8e44ad", (8, 6), "hypothesis: ", "the source proposes it; not established"
    ),
    "recommended": EdgeStyle("#1e8449", (12, 4, 2, 4), "recommended: ", "the source recommends it"),
    "recommended_against": EdgeStyle(
        "#e67e22", (12, 4, 2, 4), "recommended against: ", "the source advises against it"
    ),
    "negative": EdgeStyle("#c0392b", (4, 4), "not ", "the source states that it is not so"),
    "unknown": EdgeStyle("#95a5a6", (2, 4), "unknown: ", "the source says it is not yet known"),
    INFERRED: EdgeStyle(
        "#2e86c1", (1, 4), "inferred: ", "a reasoner derived it from curated statements"
    ),
}


@dataclass(frozen=True)
class NodeStyle:
    """Colour, vis-network shape and legend glyph of one category."""

    colour: str
    shape: str
    glyph: str


@cache
def category_styles() -> dict[str, NodeStyle]:
    """A style for every category of the ontology: colour by top-level kind, shape within it.

    Derived from the whole schema, not from the entities on the page, so a category looks
    the same in every view.

    >>> category_styles()["Drug"].colour == KIND_COLOURS["Intervention"]
    True
    """
    from kg.schema import load_schema

    schema = load_schema()
    by_kind: dict[str, list[str]] = {}
    for category in sorted(schema.categories):
        if category == "Entity":
            continue
        by_kind.setdefault(schema.kind_of(category), []).append(category)
    styles: dict[str, NodeStyle] = {}
    for number, kind in enumerate(sorted(by_kind)):
        colour = KIND_COLOURS.get(kind, FALLBACK_COLOURS[number % len(FALLBACK_COLOURS)])
        for position, category in enumerate(by_kind[kind]):
            shape, glyph = SHAPES[position % len(SHAPES)]
            styles[category] = NodeStyle(colour, shape, glyph)
    return styles


def node_style(category: str) -> NodeStyle:
    """The style of ``category`` (a fallback for a name the schema does not know)."""
    return category_styles().get(category, NodeStyle(FALLBACK_COLOURS[0], "dot", "●"))


def node_size(degree: int) -> float:
    """The drawn size of a node with ``degree`` arrows (grows with the square root).

    >>> node_size(0), node_size(4), node_size(400)
    (10.0, 18.0, 40.0)
    """
    return float(min(40.0, 10.0 + 4.0 * math.sqrt(degree)))


def vis_data(graph: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """vis-network node and edge records for ``graph``, carrying the evidence they show."""
    nodes = []
    for node_id, data in graph.nodes(data=True):
        style = node_style(data["category"])
        nodes.append(
            {
                "id": node_id,
                "label": data["label"],
                "shape": style.shape,
                "size": node_size(graph.degree(node_id)),
                "color": {
                    "background": style.colour,
                    "border": "#333333",
                    "highlight": {"background": style.colour, "border": "#000000"},
                    "hover": {"background": style.colour, "border": "#000000"},
                },
                "category": data["category"],
                "synonyms": data["synonyms"],
                "description": data["description"],
                "xrefs": data["xrefs"],
                "iri": data["iri"],
            }
        )
    edges = []
    for subject, obj, key, data in graph.edges(keys=True, data=True):
        look = EDGE_STYLES.get(data["modality"], EDGE_STYLES["unknown"])
        edges.append(
            {
                "id": key,
                "from": subject,
                "to": obj,
                "label": look.prefix + data["predicate_label"],
                "dashes": list(look.dashes) if look.dashes else False,
                "color": {"color": look.colour, "highlight": "#000000", "hover": "#000000"},
                "width": 1.0 + 0.5 * min(len(data["evidence"]), 4),
                "predicate": data["predicate"],
                "predicate_label": data["predicate_label"],
                "modality": data["modality"],
                "evidence": data["evidence"],
            }
        )
    return nodes, edges


def stabilisation_iterations(node_count: int) -> int:
    """Physics steps before the layout is frozen: fewer for big graphs, whose steps cost more.

    Each step costs about linearly in the nodes (Barnes-Hut), so the budget keeps the time to
    a settled picture in the seconds for thousands of nodes.

    >>> [stabilisation_iterations(n) for n in (132, 2640, 10**6)]
    [600, 151, 50]
    """
    return max(50, min(600, 400_000 // max(node_count, 1)))


def vis_options(node_count: int) -> dict[str, Any]:
    """vis-network options: a seeded layout, physics that stabilises once, hover events."""
    return {
        "autoResize": True,
        # Kamada-Kawai placement first helps small graphs and costs too much on large ones
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": node_count <= 300},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -70,
                "centralGravity": 0.01,
                "springLength": 110,
                "springConstant": 0.08,
                "avoidOverlap": 0.3,
            },
            "minVelocity": 1.0,
            "stabilization": {
                "enabled": True,
                "iterations": stabilisation_iterations(node_count),
                "updateInterval": 25,
                "fit": True,
            },
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 13, "face": "sans-serif", "strokeWidth": 3},
            "widthConstraint": {"maximum": 170},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
            "font": {"size": 9, "align": "middle", "color": "#444444", "strokeWidth": 3},
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": True,
            "hideEdgesOnDrag": node_count > 500,
            "tooltipDelay": 200,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
    }


def script_json(value: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>``, ``&`` escaped.

    >>> script_json({"label": "</script><img src=x onerror=alert(1)>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


@cache
def _vis_javascript() -> str:
    """vis-network's code as the pyvis package ships it."""
    import pyvis

    path = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / VIS_VERSION
    try:
        code = (path / "vis-network.min.js").read_text(encoding="utf-8")
    except OSError as exc:
        raise ExportError(
            f"{path}: vis-network is not where pyvis keeps it ({exc.strerror});"
            " reinstall pyvis (pip install 'pyvis>=0.3.2')"
        ) from exc
    if "</script" in code.lower():
        raise ExportError(f"{path}: vis-network.min.js cannot be inlined (holds '</script')")
    return code


def _template_text(name: str) -> str:
    return (resources.files("kg") / "templates" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def _pyvis_records(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], options: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Hand the records to a pyvis Network and take them back as pyvis would render them."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    # filled directly: add_node/add_edge check membership in lists, quadratic on big graphs
    net.nodes = nodes
    net.node_ids = [node["id"] for node in nodes]
    net.node_map = {node["id"]: node for node in nodes}
    net.edges = edges
    net.options = options
    data_nodes, data_edges, _heading, _height, _width, options_json = net.get_network_data()
    return data_nodes, data_edges, json.loads(options_json)


def render_explorer(graph: nx.MultiDiGraph, *, title: str = TITLE, note: str = "") -> str:
    """The explorer page for ``graph`` (see :func:`kg.network.to_networkx`).

    Args:
        graph: the view to draw.
        title: the page's heading (escaped).
        note: a line said of this view, e.g. the focus (escaped).

    Returns:
        The HTML text: self-contained, deterministic, with no external resource.
    """
    from jinja2 import Environment
    from markupsafe import Markup

    nodes, edges = vis_data(graph)
    nodes, edges, options = _pyvis_records(nodes, edges, vis_options(len(nodes)))
    statements = sum(len(edge["evidence"]) for edge in edges)
    summary = f"{len(nodes)} entities, {len(edges)} arrows ({statements} curated statements)"
    if note:
        summary += f"; {note}"
    counts = Counter(node["category"] for node in nodes)
    categories = [
        {
            "category": category,
            "count": count,
            "colour": node_style(category).colour,
            "glyph": node_style(category).glyph,
        }
        for category, count in sorted(counts.items())
    ]
    shown = {edge["modality"] for edge in edges} | {"asserted"}
    modalities = [
        {
            "name": name.replace("_", " "),
            "meaning": style.meaning,
            "colour": style.colour,
            "dasharray": " ".join(map(str, style.dashes)) or "none",
        }
        for name, style in EDGE_STYLES.items()
        if name in shown
    ]
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "summary": summary,
        "meanings": {name: style.meaning for name, style in EDGE_STYLES.items()},
    }
    vis_js = _vis_javascript()
    app_js = _template_text("explorer.js")
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis_js)} {_sha256(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    environment = Environment(autoescape=True, keep_trailing_newline=True)
    template = environment.from_string(_template_text("explorer.html"))
    return template.render(
        title=title,
        summary=summary,
        csp=csp,
        categories=categories,
        modalities=modalities,
        # Markup only for script bodies checked or escaped above: the vis code has no
        # '</script', the JSON no '<' at all, and the page's own script is ours.
        data=Markup(script_json(payload)),
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
    )


def explorer_html(curation: Curation) -> bytes:
    """The explorer ``kg build`` writes: every entity, and every statement in every modality."""
    from kg.network import to_networkx

    return render_explorer(to_networkx(curation, include_hypotheses=True)).encode("utf-8")


@dataclass(frozen=True)
class ExplorerReport:
    """What ``kg viz`` wrote."""

    path: Path
    nodes: int
    edges: int
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """One line for the command line."""
        return f"{self.nodes} entities, {self.edges} arrows -> {self.path}"


def reasoned_triples(curation: Curation) -> list[tuple[str, str, str]]:
    """What HermiT infers from ``curation`` that can be drawn: arrows between entities.

    Raises:
        CurationError: the curation is inconsistent (the problems name the statements).
        ReasonerUnavailableError: no Java runtime.
    """
    from kg.network import curated_triples
    from kg.reason import require_consistent

    return curated_triples(require_consistent(curation).inferred)


def write_explorer(
    out: Path,
    *,
    data_dir: Path | None = None,
    focus: str | None = None,
    hops: int = 1,
    categories: Collection[str] = (),
    include_hypotheses: bool = False,
    include_inferred: bool = False,
) -> ExplorerReport:
    """Write the explorer page for the curation, or for part of it.

    Args:
        out: the HTML file to write.
        data_dir: a curation directory; the bundled one when ``None``.
        focus: draw only the neighbourhood of this entity (an id, label or synonym).
        hops: how many steps out from ``focus``.
        categories: keep only entities of these categories (and their subcategories).
        include_hypotheses: also draw hypothesised, negative, recommended,
            recommended-against and unknown statements (dashed, in their own colours).
        include_inferred: also draw what HermiT infers from the curation (inverse and
            transitive relations, super-properties), marked "inferred"; needs Java.

    Raises:
        CurationError: the curation has problems (or, with ``include_inferred``, is
            inconsistent).
        ReasonerUnavailableError: ``include_inferred`` without a Java runtime.
        ViewError: the focus entity or a category is unknown.
        ExportError: the file cannot be written.
    """
    from kg.curation import load_curation
    from kg.network import find_entity, select_view, to_networkx

    curation = load_curation(data_dir)
    inferred = reasoned_triples(curation) if include_inferred else []
    notes = [f"{len(inferred)} inferred arrows from HermiT"] if include_inferred else []
    graph = to_networkx(curation, include_hypotheses=include_hypotheses, inferred=inferred)
    view = select_view(graph, focus=focus, hops=hops, categories=categories)
    note = ""
    if focus is not None:
        centre = graph.nodes[find_entity(graph, focus)]["label"]
        note = f"within {hops} step{'s' if hops != 1 else ''} of {centre}"
    if categories:
        note += ("; " if note else "") + "categories: " + ", ".join(categories)
    html = render_explorer(view, note=note)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the explorer: {exc.strerror}") from exc
    log.info("wrote %s (%d bytes)", out, len(html.encode("utf-8")))
    return ExplorerReport(out, view.number_of_nodes(), view.number_of_edges(), tuple(notes))
