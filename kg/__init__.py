"""The cytokine storm knowledge graph: curated, provenance-carrying RDF.

The library works without the command line::

    from kg import load_curation, build_graph
    graph = build_graph(load_curation())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["build_graph", "load_curation", "load_graph", "query", "run_build"]

if TYPE_CHECKING:
    from kg.build import build_graph
    from kg.curation import load_curation
    from kg.pipeline import run_build
    from kg.query import load_graph, query


def __getattr__(name: str) -> Any:
    # Imported on first use so that `import kg` (and `kg --help`) stays light.
    if name == "build_graph":
        from kg.build import build_graph

        return build_graph
    if name == "load_curation":
        from kg.curation import load_curation

        return load_curation
    if name == "run_build":
        from kg.pipeline import run_build

        return run_build
    if name in ("load_graph", "query"):
        # kg.query is also the submodule's name: the module is made callable (see kg/query.py)
        import importlib

        return getattr(importlib.import_module("kg.query"), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
