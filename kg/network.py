"""A networkx view of the curation for drawing: entities as nodes, statements as edges.

Nodes are curated entities, with their label, category, synonyms, description and
cross-references (as resolver links). Edges are curated statements grouped by subject,
predicate, object and modality, so that a claim made by two sources is one edge carrying both
quotes. Only ``asserted`` statements are drawn unless hypotheses are asked for; inferred triples
(from the reasoner) can be added and are marked as such. Every attribute is plain
JSON-ready data (str, list, dict), so the explorer can embed it as it is.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as url_quote

from kg.errors import ViewError
from kg.model import Curation, EntityRef, Modality, QualifierValue, Source, Statement
from kg.namespaces import BIOREGISTRY_RESOLVER, KGE, KGO

if TYPE_CHECKING:
    import networkx as nx

#: The edge modality of a triple a reasoner inferred (not a curated :class:`Modality`).
INFERRED = "inferred"

#: A triple from a reasoner: subject id, predicate name, object id.
Triple = tuple[str, str, str]


def curie_link(curie: str) -> str:
    """A resolver URL for a CURIE (bioregistry.io redirects to the provider's page).

    >>> curie_link("MONDO:0100096")
    'https://bioregistry.io/MONDO:0100096'
    """
    return BIOREGISTRY_RESOLVER + url_quote(curie, safe=":")


def cite_source(source: Source) -> str:
    """A one-line citation of a source.

    >>> from kg.model import Source
    >>> cite_source(Source("x", "A title", ("Ann Author", "Bo B"), "A Journal", 2020, "article"))
    'Ann Author et al. (2020). A title. A Journal.'
    """
    authors = source.authors[0] + (" et al." if len(source.authors) > 1 else "")
    return f"{authors} ({source.year}). {source.title}. {source.venue}."


def _number(value: QualifierValue | EntityRef) -> str:
    return str(value.id) if isinstance(value, EntityRef) else str(value)


def format_numbers(qualifiers: dict[str, QualifierValue | EntityRef]) -> str:
    """The figures of a statement, written the way a paper writes them.

    >>> from decimal import Decimal
    >>> format_numbers({"hazard_ratio": Decimal("0.22"), "ci_lower": Decimal("0.11"),
    ...                 "ci_upper": Decimal("0.41"), "ci_level": 95, "sample_size": 52,
    ...                 "p_value_below": Decimal("0.0001")})
    'HR 0.22 (95% CI 0.11–0.41); p < 0.0001; n = 52'
    >>> format_numbers({"count": 3, "denominator": 5})
    '3/5'
    """
    q = {name: _number(value) for name, value in qualifiers.items()}
    parts: list[str] = []
    if "hazard_ratio" in q:
        text = f"HR {q['hazard_ratio']}"
        if "ci_lower" in q and "ci_upper" in q:
            level = f"{q['ci_level']}% " if "ci_level" in q else ""
            text += f" ({level}CI {q['ci_lower']}–{q['ci_upper']})"
        parts.append(text)
    if "p_value_below" in q:
        parts.append(f"p < {q['p_value_below']}")
    if "sample_size" in q:
        parts.append(f"n = {q['sample_size']}")
    if "comparator_sample_size" in q:
        parts.append(f"comparator n = {q['comparator_sample_size']}")
    if "count" in q:
        parts.append(f"{q['count']}/{q['denominator']}" if "denominator" in q else q["count"])
    if "percentage" in q:
        parts.append(f"{q['percentage']}%")
    for when in ("before", "after"):
        if f"median_{when}" in q:
            text = f"median {when} {q[f'median_{when}']}"
            if f"iqr_{when}_lower" in q and f"iqr_{when}_upper" in q:
                text += f" (IQR {q[f'iqr_{when}_lower']}–{q[f'iqr_{when}_upper']})"
            parts.append(text)
    if "value" in q:
        text = f"value {q['value']}"
        if "value_min" in q and "value_max" in q:
            text += f" (range {q['value_min']}–{q['value_max']})"
        parts.append(text)
    return "; ".join(parts)


def _display(value: QualifierValue | EntityRef, labels: dict[str, str]) -> str:
    if isinstance(value, EntityRef):
        return labels.get(value.id, value.id)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _evidence(
    statement: Statement, sources: dict[str, Source], labels: dict[str, str]
) -> dict[str, Any]:
    source = sources[statement.source]
    grouped: dict[str, list[str]] = {}
    firsts: dict[str, QualifierValue | EntityRef] = {}
    for name, value in statement.qualifiers:
        grouped.setdefault(name, []).append(_display(value, labels))
        firsts.setdefault(name, value)
    link = f"https://doi.org/{source.doi}" if source.doi else (source.url or "")
    return {
        "statement": statement.id,
        "source": source.id,
        "citation": cite_source(source),
        "link": link,
        "quote": statement.quote,
        "context": statement.context or "",
        "evidence_code": statement.evidence,
        "numbers": format_numbers(firsts),
        "qualifiers": [[name.replace("_", " "), ", ".join(v)] for name, v in grouped.items()],
    }


def edge_key(subject: str, predicate: str, obj: str, modality: str) -> str:
    """The id of the edge that groups the statements of one claim.

    >>> edge_key("anakinra", "binds", "il-1-alpha", "asserted")
    'anakinra binds il-1-alpha asserted'
    """
    return f"{subject} {predicate} {obj} {modality}"


def to_networkx(
    curation: Curation,
    *,
    include_hypotheses: bool = False,
    inferred: Iterable[Triple] = (),
) -> nx.MultiDiGraph:
    """The curation as a MultiDiGraph, ready to draw.

    Args:
        curation: the checked curation.
        include_hypotheses: also draw hypothesised, negative, recommended, recommended-against
            and unknown statements (as their own edges, marked by ``modality``); else only
            asserted ones.
        inferred: triples a reasoner inferred; drawn with modality ``inferred`` unless an
            asserted edge already says the same.

    Returns:
        Nodes keyed by entity id, edges keyed by :func:`edge_key`, in sorted order. Node
        attributes: ``label``, ``category``, ``kind`` (its top-level class), ``kinds`` (the
        category and its ancestors),
        ``synonyms``, ``description``, ``xrefs`` (list of ``{curie, url, match}``), ``iri``.
        Edge attributes: ``predicate``, ``predicate_label``, ``modality``, ``evidence`` (one
        dict per statement: quote, citation, link, context, evidence code, numbers,
        qualifiers).
    """
    import networkx as nx

    from kg.schema import load_schema

    schema = load_schema()
    labels = {e.id: e.label for e in curation.entities}
    sources = {s.id: s for s in curation.sources}
    graph = nx.MultiDiGraph(name="cytokine-storm-kg")
    for entity in sorted(curation.entities, key=lambda e: e.id):
        ancestors = schema.ancestors.get(entity.category, frozenset({entity.category}))
        kinds = sorted(ancestors - {"Entity"})
        kind = schema.kind_of(entity.category)
        xrefs = [
            {"curie": curie, "url": curie_link(curie), "match": match}
            for match, curies in (("exact", entity.xrefs), ("close", entity.close_matches))
            for curie in curies
        ]
        graph.add_node(
            entity.id,
            label=entity.label,
            category=entity.category,
            kind=kind,
            kinds=kinds,
            synonyms=list(entity.synonyms),
            description=entity.description or "",
            xrefs=xrefs,
            iri=str(KGE[entity.id]),
        )
    claims: dict[str, list[Statement]] = {}
    for statement in curation.statements:
        if statement.modality is Modality.ASSERTED or include_hypotheses:
            key = edge_key(
                statement.subject, statement.predicate, statement.object, statement.modality
            )
            claims.setdefault(key, []).append(statement)
    for key in sorted(claims):
        group = sorted(claims[key], key=lambda s: s.id)
        first = group[0]
        predicate = schema.predicates.get(first.predicate)
        graph.add_edge(
            first.subject,
            first.object,
            key=key,
            predicate=first.predicate,
            predicate_label=predicate.label if predicate else first.predicate.replace("_", " "),
            modality=first.modality.value,
            evidence=[_evidence(s, sources, labels) for s in group],
        )
    for subject, predicate_name, obj in sorted(set(inferred)):
        asserted = edge_key(subject, predicate_name, obj, Modality.ASSERTED.value)
        if subject not in graph or obj not in graph or graph.has_edge(subject, obj, asserted):
            continue
        predicate = schema.predicates.get(predicate_name)
        graph.add_edge(
            subject,
            obj,
            key=edge_key(subject, predicate_name, obj, INFERRED),
            predicate=predicate_name,
            predicate_label=predicate.label if predicate else predicate_name.replace("_", " "),
            modality=INFERRED,
            evidence=[],
        )
    return graph


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    """The node id ``name`` stands for: an id, a label or a synonym (case does not matter).

    Raises:
        ViewError: no entity has that name, or several do (the message lists them).
    """
    if name in graph:
        return name
    wanted = name.casefold().strip()
    by_label = [n for n, data in graph.nodes(data=True) if data["label"].casefold() == wanted]
    if len(by_label) == 1:
        return str(by_label[0])
    matches = by_label or [
        n
        for n, data in graph.nodes(data=True)
        if n.casefold() == wanted or any(s.casefold() == wanted for s in data["synonyms"])
    ]
    if len(matches) == 1:
        return str(matches[0])
    if matches:
        listed = ", ".join(sorted(map(str, matches)))
        raise ViewError(f"{name!r} names several entities: {listed}; give an id")
    names = [str(n) for n in graph] + [data["label"] for _, data in graph.nodes(data=True)]
    close = list(dict.fromkeys(difflib.get_close_matches(name, names, n=4)))[:3]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ViewError(f"no entity is called {name!r} (give an id, a label or a synonym){hint}")


def select_view(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    categories: Collection[str] = (),
) -> nx.MultiDiGraph:
    """A part of ``graph``: some categories, and/or the neighbourhood of one entity.

    Categories are filtered first (a category keeps its subcategories: ``Intervention`` keeps
    drugs and procedures; the focus entity is always kept), then the neighbourhood is taken
    ``hops`` steps out from ``focus``, following edges both ways.

    Raises:
        ViewError: unknown focus entity or category, or a negative hop count.
    """
    if hops < 0:
        raise ViewError(f"--hops must be 0 or more, not {hops}")
    centre = find_entity(graph, focus) if focus is not None else None
    view = graph
    if categories:
        known = sorted({kind for _, kinds in graph.nodes(data="kinds") for kind in kinds})
        folded = {k.casefold(): k for k in known}
        unknown = [c for c in categories if c.casefold() not in folded]
        if unknown:
            raise ViewError(
                f"unknown category {', '.join(map(repr, unknown))}; choose from {', '.join(known)}"
            )
        chosen = {folded[c.casefold()] for c in categories}
        keep = [n for n, kinds in graph.nodes(data="kinds") if chosen & set(kinds) or n == centre]
        view = graph.subgraph(keep)
    if centre is not None:
        import networkx as nx

        view = nx.ego_graph(view, centre, radius=hops, undirected=True)
    return view.copy()


def curated_triples(triples: Iterable[tuple[object, object, object]]) -> list[Triple]:
    """The entity-to-entity triples with a curated predicate among RDF ``triples`` (IRIs).

    Used for a reasoner's output (see :func:`kg.reason.reason`): the types and other
    vocabulary it entails are left out, what remains can be drawn as arrows.

    >>> from rdflib import URIRef
    >>> e, o = "https://w3id.org/cytokine-storm-kg/entity/", "https://w3id.org/cytokine-storm-kg/ontology/"
    >>> curated_triples([(URIRef(e + "css"), URIRef(o + "has_subtype"), URIRef(e + "mas"))])
    [('css', 'has_subtype', 'mas')]
    """
    from kg.schema import load_schema

    predicates = load_schema().predicates
    entity, schema = str(KGE), str(KGO)
    found: set[Triple] = set()
    for s, p, o in triples:
        s, p, o = str(s), str(p), str(o)
        if s.startswith(entity) and o.startswith(entity) and p.startswith(schema):
            name = p[len(schema) :]
            if name in predicates:
                found.add((s[len(entity) :], name, o[len(entity) :]))
    return sorted(found)
