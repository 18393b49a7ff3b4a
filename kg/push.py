"""Upload the graph to a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Works with any store that implements the protocol (Virtuoso's ``/sparql-graph-crud``,
Fuseki's ``/DATASET/data``, GraphDB's ``/repositories/R/rdf-graphs/service``, Oxigraph
server's ``/store``): the graph is sent as N-Triples with ``PUT`` (replace) or ``POST``
(merge) to ``ENDPOINT?graph=IRI``, or ``?default`` for the default graph.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from kg.errors import KGError

NTRIPLES = "application/n-triples"


class PushError(KGError):
    """The store refused the upload or could not be reached."""


@dataclass(frozen=True)
class PushResult:
    """What the store answered."""

    url: str
    status: int
    bytes_sent: int


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
) -> PushResult:
    """Send ``ntriples`` to the store at ``endpoint``.

    Args:
        ntriples: the graph, as N-Triples.
        endpoint: the store's Graph Store Protocol URL.
        graph: the named graph to write; the default graph when ``None``.
        replace: ``PUT`` (replace the graph) when true, ``POST`` (add to it) otherwise.
        user, password: HTTP basic authentication, if the store needs it.
        timeout: seconds to wait for the store.

    Raises:
        PushError: the URL is wrong, the store is unreachable, or it refused the data.
    """
    url = graph_store_url(endpoint, graph)
    request = urllib.request.Request(
        url, data=ntriples, method="PUT" if replace else "POST", headers={"Content-Type": NTRIPLES}
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
