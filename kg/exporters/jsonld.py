"""JSON-LD: compact IRIs under the graph's prefixes, with a context published beside it.

The document carries its ``@context`` inline (so it expands offline, with no remote fetch)
and the same context is written to ``context.jsonld`` for others to reuse.
"""

from __future__ import annotations

import json
from typing import Any

from kg.namespaces import PREFIXES

CONTEXT_FILE = "context.jsonld"


def context() -> dict[str, Any]:
    """The published ``@context``: the graph's prefixes."""
    return {"@context": {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}}


def _compact(iri: str) -> str:
    # longest namespace first, so kgsrc: wins over a shorter prefix of the same IRI
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            local = iri[len(str(ns)) :]
            if "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return iri


def _walk(node: Any) -> Any:
    if isinstance(node, list):
        return [_walk(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("@id", "@type") and isinstance(value, str):
            out[key] = _compact(value) if not value.startswith("_:") else value
        elif key.startswith("@"):
            out[key] = _walk(value)
        else:
            out[_compact(key)] = _walk(value)
    return out


def jsonld_files(expanded: bytes, filename: str) -> dict[str, bytes]:
    """The compacted document (from Oxigraph's expanded JSON-LD) and ``context.jsonld``."""
    nodes = json.loads(expanded)
    document = {**context(), "@graph": _walk(nodes)}
    body = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    published = json.dumps(context(), indent=1, sort_keys=True) + "\n"
    return {filename: body.encode("utf-8"), CONTEXT_FILE: published.encode("utf-8")}
