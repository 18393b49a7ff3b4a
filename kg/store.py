"""Where the graph lives: Oxigraph (native, fast; the default) or rdflib's in-memory store.

Both are used through rdflib's ``Graph`` API, so every query and exporter works on either;
Oxigraph is fed N-Triples natively (parsing through rdflib into it would give no speed-up)
and can persist on disk next to the exports, so that ``kg query`` and ``kg serve`` start on
a large graph without re-parsing it.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.build import Triple, iter_triples, new_graph
from kg.errors import KGError
from kg.formats import StoreKind
from kg.model import Curation
from kg.namespaces import PREFIXES
from kg.schema import Schema, load_ontology_graph

if TYPE_CHECKING:
    import pyoxigraph

log = logging.getLogger(__name__)


class StoreError(KGError):
    """An on-disk store cannot be opened or written."""


def ntriples_lines(triples: Iterable[Triple]) -> list[str]:
    """Sorted, distinct N-Triples lines (each ending in a newline) for ``triples``."""
    from rdflib.plugins.serializers.nt import _nt_row  # rdflib's own N-Triples escaping

    return sorted({_nt_row(triple) for triple in triples})


def curation_ntriples(curation: Curation, *, schema: Schema | None = None) -> bytes:
    """The whole graph (ontology + curation) as sorted N-Triples, without an rdflib store."""
    lines = ntriples_lines([*load_ontology_graph(), *iter_triples(curation, schema=schema)])
    return "".join(lines).encode("utf-8")


def _wrap(store: pyoxigraph.Store) -> Graph:
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    graph = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def graph_from_ntriples(data: bytes | Path, kind: StoreKind = StoreKind.OXIGRAPH) -> Graph:
    """Load N-Triples (bytes or a file) into a graph held in ``kind`` of store."""
    if kind is StoreKind.MEMORY:
        graph = new_graph()
        if isinstance(data, Path):
            graph.parse(data, format="nt")
        else:
            graph.parse(data=data.decode("utf-8"), format="nt")
        return graph
    import pyoxigraph as ox

    store = ox.Store()
    try:
        if isinstance(data, Path):
            store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
        else:
            store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"{data if isinstance(data, Path) else '<bytes>'}: {exc}") from exc
    return _wrap(store)


def store_kind(graph: Graph) -> StoreKind:
    """Which kind of store ``graph`` is held in."""
    return StoreKind.OXIGRAPH if type(graph.store).__name__ == "OxigraphStore" else StoreKind.MEMORY


def oxigraph_store(graph: Graph) -> pyoxigraph.Store:
    """The pyoxigraph store under ``graph`` (held in Oxigraph), for its native operations."""
    return graph.store._inner  # type: ignore[attr-defined,no-any-return]


def graph_ntriples(graph: Graph) -> bytes:
    """``graph`` as N-Triples, natively when it is held in Oxigraph."""
    if store_kind(graph) is StoreKind.OXIGRAPH:
        import pyoxigraph as ox

        data = oxigraph_store(graph).dump(
            format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()
        )
        return data if isinstance(data, bytes) else b""
    return graph.serialize(format="nt", encoding="utf-8")


def graph_for_curation(curation: Curation, kind: StoreKind = StoreKind.OXIGRAPH) -> Graph:
    """The whole graph of ``curation`` in ``kind`` of store (same triples either way)."""
    if kind is StoreKind.MEMORY:
        from kg.build import build_graph

        return build_graph(curation)
    return graph_from_ntriples(curation_ntriples(curation), kind)


def write_store(ntriples: bytes | Path, path: Path) -> Path:
    """Write an on-disk Oxigraph store at ``path`` from N-Triples, replacing any old one.

    The store is built in a temporary directory beside ``path`` and moved into place only
    when complete, so a failure leaves the previous store as it was.
    """
    import pyoxigraph as ox

    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".store-", dir=path.parent))
    try:
        store = ox.Store(str(staging / "store"))
        if isinstance(ntriples, Path):
            store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
        else:
            store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        del store
        old = path.with_name(path.name + ".old")
        if path.exists():
            os.replace(path, old)
        os.replace(staging / "store", path)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the store: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("wrote an Oxigraph store at %s", path)
    return path


def open_store(path: Path) -> Graph:
    """Open an on-disk Oxigraph store read-only, as an rdflib graph."""
    import pyoxigraph as ox

    if not path.is_dir():
        raise StoreError(f"{path}: no store there; write one with `kg build --store {path}`")
    try:
        store = ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the store: {exc}") from exc
    return _wrap(store)
