"""A static overview picture of the graph for the README (PNG, networkx + matplotlib).

The picture is deterministic: a seeded spring layout, nodes and edges drawn in sorted order,
matplotlib's bundled font, and no timestamp or software version in the PNG's metadata.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from kg.model import Curation

if TYPE_CHECKING:
    import networkx as nx

#: The seed of the spring layout (a fixed seed gives the same picture on every build).
LAYOUT_SEED = 7
#: How many of the best-connected entities are named in the picture.
LABELLED = 30

#: matplotlib markers for the explorer's vis-network shapes.
MARKERS = {
    "dot": "o",
    "diamond": "D",
    "square": "s",
    "triangle": "^",
    "star": "*",
    "triangleDown": "v",
    "hexagon": "h",
}


def _plain_text(text: str) -> str:
    """Text matplotlib shows as written (a ``$`` would start mathtext).

    >>> _plain_text("costs $5 and $6")
    'costs \\\\$5 and \\\\$6'
    """
    return text.replace("$", r"\$")


def _layout(simple: nx.Graph) -> dict[str, tuple[float, float]]:
    """The largest connected part spread by a seeded spring layout; the few small parts (an
    author and their funders, a lone entity) in a row beneath it, each part's nodes together,
    so that they neither squeeze the main part nor float at the edges."""
    import networkx as nx

    parts = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    if not parts:
        return {}
    main = simple.subgraph(parts[0])
    spread = nx.spring_layout(
        main, seed=LAYOUT_SEED, k=2.2 / max(1, len(main)) ** 0.5, iterations=200
    )
    positions = {node: (float(x), float(y)) for node, (x, y) in spread.items()}
    rest = [node for part in parts[1:] for node in sorted(part)]
    for index, node in enumerate(rest):
        positions[node] = (-1.0 + 2.0 * index / max(1, len(rest) - 1), -1.25)
    return positions


def draw_overview(graph: nx.MultiDiGraph, *, title: str = "") -> bytes:
    """A PNG of ``graph``: colour and shape per category, size by degree, the hubs named.

    Args:
        graph: a view from :func:`kg.network.to_networkx`.
        title: a line above the picture.
    """
    import networkx as nx
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from kg.viz import EDGE_STYLES, node_size, node_style

    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in graph.edges() if u != v))
    positions = _layout(simple)

    figure = Figure(figsize=(16, 10), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.0, 0.8, 0.95))
    axes.set_axis_off()
    for u, v, _key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        look = EDGE_STYLES.get(data["modality"], EDGE_STYLES["unknown"])
        (x1, y1), (x2, y2) = positions[u], positions[v]
        axes.plot(
            [x1, x2],
            [y1, y2],
            color=look.colour,
            linewidth=0.7,
            alpha=0.55,
            linestyle=(0, look.dashes) if look.dashes else "-",
            zorder=1,
        )
    categories = sorted({data["category"] for _, data in graph.nodes(data=True)})
    for category in categories:
        members = sorted(n for n, c in graph.nodes(data="category") if c == category)
        style = node_style(category)
        axes.scatter(
            [positions[n][0] for n in members],
            [positions[n][1] for n in members],
            s=[node_size(graph.degree(n)) ** 2 * 0.9 for n in members],
            c=style.colour,
            marker=MARKERS.get(style.shape, "o"),
            edgecolors="#333333",
            linewidths=0.5,
            zorder=2,
            label=category,
        )
    hubs = sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))[:LABELLED]
    for node in sorted(hubs):
        x, y = positions[node]
        axes.annotate(
            _plain_text(graph.nodes[node]["label"]),
            (x, y),
            xytext=(0, -11),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )
    category_legend = figure.legend(
        *axes.get_legend_handles_labels(),
        loc="upper left",
        bbox_to_anchor=(0.8, 0.95),
        fontsize=8,
        title="Category",
        frameon=False,
        markerscale=0.6,
    )
    modalities = sorted({data["modality"] for _, _, data in graph.edges(data=True)})
    handles = [
        Line2D(
            [],
            [],
            color=EDGE_STYLES[m].colour,
            linestyle=(0, EDGE_STYLES[m].dashes) if EDGE_STYLES[m].dashes else "-",
            label=m.replace("_", " "),
        )
        for m in modalities
        if m in EDGE_STYLES
    ]
    figure.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.8, 0.04),
        fontsize=8,
        title="Statement",
        frameon=False,
    )
    figure.add_artist(category_legend)
    if title:
        figure.suptitle(_plain_text(title), x=0.01, y=0.99, ha="left", va="top", fontsize=12)
    buffer = io.BytesIO()
    # no Software/date metadata: two builds give the same bytes
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def overview_png(curation: Curation) -> bytes:
    """The README's overview of the whole curated graph, every modality included."""
    from kg.network import to_networkx

    graph = to_networkx(curation, include_hypotheses=True)
    statements = len(curation.statements)
    title = (
        f"Cytokine storm knowledge graph: {graph.number_of_nodes()} entities, "
        f"{statements} curated statements from {len(curation.sources)} sources"
    )
    return draw_overview(graph, title=title)
