"""Upload the graph to a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Works with any store that implements the protocol (Virtuoso's ``/sparql-graph-crud``,
Fuseki's ``/DATASET/data``, GraphDB's ``/repositories/R/rdf-graphs/service``, Oxigraph
server's ``/store``): the graph is sent as N-Triples (or Turtle) with ``PUT`` (replace) or
``POST`` (merge) to ``ENDPOINT?graph=IRI``, or ``?default`` for the default graph.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kg.errors import KGError

NTRIPLES = "application/n-triples"
TURTLE = "text/turtle"


class PushSyntax(StrEnum):
    """The RDF syntax the graph is sent in."""

    NTRIPLES = "ntriples"
    TURTLE = "turtle"

    @property
    def media_type(self) -> str:
        """The Content-Type header of the upload."""
        return NTRIPLES if self is PushSyntax.NTRIPLES else TURTLE


class PushError(KGError):
    """The store refused the upload or could not be reached."""


@dataclass(frozen=True)
class PushResult:
    """What the store answered."""

    url: str
    status: int
    bytes_sent: int
    triples: int = 0


def graph_store_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL for ``graph`` (the default graph when ``None``).

    >>> graph_store_url("http://127.0.0.1:8890/sparql-graph-crud", "https://example.org/g")
    'http://127.0.0.1:8890/sparql-graph-crud?graph=https%3A%2F%2Fexample.org%2Fg'
    >>> graph_store_url("http://127.0.0.1:7878/store", None)
    'http://127.0.0.1:7878/store?default'
    """
    parsed = urllib.parse.urlsplit(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise PushError(f"{endpoint!r} is not an http(s) URL of a Graph Store Protocol endpoint")
    query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
    joiner = "&" if parsed.query else ""
    return urllib.parse.urlunsplit(parsed._replace(query=parsed.query + joiner + query))


def push_graph(
    ntriples: bytes,
    endpoint: str,
    graph: str | None = None,
    *,
    replace: bool = True,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 300.0,
    media_type: str = NTRIPLES,
) -> PushResult:
    """Send ``ntriples`` (or any RDF in ``media_type``) to the store at ``endpoint``.

    Args:
        ntriples: the graph, as N-Triples (or in the syntax ``media_type`` names).
        endpoint: the store's Graph Store Protocol URL.
        graph: the named graph to write; the default graph when ``None``.
        replace: ``PUT`` (replace the graph) when true, ``POST`` (add to it) otherwise.
        user, password: HTTP basic authentication, if the store needs it.
        timeout: seconds to wait for the store.
        media_type: the Content-Type of the data (``application/n-triples``, ``text/turtle``).

    Raises:
        PushError: the URL is wrong, the store is unreachable, or it refused the data.
    """
    url = graph_store_url(endpoint, graph)
    request = urllib.request.Request(
        url,
        data=ntriples,
        method="PUT" if replace else "POST",
        headers={"Content-Type": media_type},
    )
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return PushResult(url, response.status, len(ntriples))
    except urllib.error.HTTPError as exc:
        body = exc.read(500).decode("utf-8", "replace").strip()
        raise PushError(f"{url}: the store answered {exc.code} {exc.reason}: {body}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise PushError(f"{url}: cannot reach the store: {exc}") from exc


def push_curation(
    endpoint: str,
    graph: str | None = None,
    *,
    data_dir: Path | None = None,
    syntax: PushSyntax = PushSyntax.NTRIPLES,
    replace: bool = True,
    user: str | None = None,
    password: str | None = None,
) -> PushResult:
    """Build the graph from the curation and send it to the store (``kg push``).

    Raises:
        CurationError: the curation has problems (nothing is sent).
        PushError: see :func:`push_graph`.
    """
    from kg.curation import load_curation
    from kg.store import curation_ntriples

    curation = load_curation(data_dir)
    ntriples = curation_ntriples(curation)
    data = ntriples
    if syntax is PushSyntax.TURTLE:
        from kg.export import ExportFormat, format_files

        data = format_files(curation, ExportFormat.TURTLE)[ExportFormat.TURTLE.filename]
    result = push_graph(
        data,
        endpoint,
        graph,
        replace=replace,
        user=user,
        password=password,
        media_type=syntax.media_type,
    )
    return PushResult(result.url, result.status, result.bytes_sent, ntriples.count(b"\n"))
