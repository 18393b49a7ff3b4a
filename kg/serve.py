"""A read-only SPARQL 1.1 Protocol endpoint over the graph (starlette on uvicorn).

``/sparql`` answers GET ``?query=`` and POST (form-encoded or ``application/sparql-query``), with
content negotiation over the SPARQL results formats (JSON, XML, CSV, TSV) and, for CONSTRUCT and
DESCRIBE, RDF (Turtle, N-Triples, JSON-LD, RDF/XML). Without a query it returns its SPARQL 1.1
Service Description. ``/`` is a small query page. CORS is open so browser tools can query it.

It is safe to expose: updates are refused (403); ``SERVICE``, ``FROM`` and ``FROM NAMED`` are
refused before execution and the worker processes cannot open network connections; each query
runs in a worker process that is killed at the time limit (see :mod:`kg.querypool`); answers
larger than the result-size limit are refused.
"""

from __future__ import annotations

import html
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.errors import QueryError, QuerySyntaxError, ReadOnlyError, ResultTooLargeError
from kg.formats import ResultFormat, StoreKind
from kg.namespaces import FORMATS, SD, VOID
from kg.query import bundled_queries, load_graph, prepare, query_kind, run
from kg.querypool import Job, Reply
from kg.results import GRAPH_KINDS, format_result

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from kg.querypool import QueryPool

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 5.0
DEFAULT_WORKERS = 2
DEFAULT_MAX_RESULTS = 10_000
#: Largest query text accepted (bytes of the request body or of the ``query`` parameter).
MAX_QUERY_BYTES = 64 * 1024
ENDPOINT_PATH = "/sparql"

#: What the endpoint offers for each kind of answer, in order of preference, with aliases.
_TABLE_OFFERS: tuple[tuple[str, ResultFormat], ...] = (
    ("application/sparql-results+json", ResultFormat.JSON),
    ("application/json", ResultFormat.JSON),
    ("application/sparql-results+xml", ResultFormat.XML),
    ("application/xml", ResultFormat.XML),
    ("text/xml", ResultFormat.XML),
    ("text/csv", ResultFormat.CSV),
    ("text/tab-separated-values", ResultFormat.TSV),
)
_GRAPH_OFFERS: tuple[tuple[str, ResultFormat], ...] = (
    ("text/turtle", ResultFormat.TURTLE),
    ("application/x-turtle", ResultFormat.TURTLE),
    ("application/n-triples", ResultFormat.NT),
    ("text/plain", ResultFormat.NT),
    ("application/ld+json", ResultFormat.JSON_LD),
    ("application/json", ResultFormat.JSON_LD),
    ("application/rdf+xml", ResultFormat.RDF_XML),
)
_W3C_FORMATS = {
    ResultFormat.JSON: FORMATS.SPARQL_Results_JSON,
    ResultFormat.XML: FORMATS.SPARQL_Results_XML,
    ResultFormat.CSV: FORMATS.SPARQL_Results_CSV,
    ResultFormat.TSV: FORMATS.SPARQL_Results_TSV,
    ResultFormat.TURTLE: FORMATS.Turtle,
    ResultFormat.NT: FORMATS["N-Triples"],
    ResultFormat.JSON_LD: FORMATS["JSON-LD"],
    ResultFormat.RDF_XML: FORMATS.RDF_XML,
}


def negotiate(accept: str | None, kind: str) -> ResultFormat | None:
    """The format to answer in, given an ``Accept`` header and the query's kind.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "SELECT")
    <ResultFormat.XML: 'xml'>
    >>> negotiate(None, "CONSTRUCT")
    <ResultFormat.TURTLE: 'turtle'>
    >>> negotiate("image/png", "ASK") is None
    True
    """
    offers = _GRAPH_OFFERS if kind in GRAPH_KINDS else _TABLE_OFFERS
    ranges: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept or "*/*").split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, position, media.lower()))
    for _, _, media in sorted(ranges):
        for offer, fmt in offers:
            family = offer.partition("/")[0]
            if media in (offer, "*/*", f"{family}/*"):
                return fmt
    return None


def handle_job(graph: Graph, job: Job, max_results: int) -> Reply:
    """Answer one protocol request on ``graph`` (runs inside a worker process)."""
    try:
        prepared = prepare(job.query)
        kind = query_kind(prepared)
        fmt = _requested_format(job, kind)
        if fmt is None:
            offers = _GRAPH_OFFERS if kind in GRAPH_KINDS else _TABLE_OFFERS
            types = ", ".join(dict.fromkeys(media for media, _ in offers))
            return Reply.error(406, f"cannot answer a {kind} query in {job.accept}; use {types}")
        result = run(graph, job.query, max_results=max_results)
        body = format_result(result, fmt).encode("utf-8")
    except ReadOnlyError as exc:
        return Reply.error(403, str(exc))
    except QuerySyntaxError as exc:
        return Reply.error(400, str(exc))
    except ResultTooLargeError as exc:
        return Reply.error(400, str(exc))
    except QueryError as exc:
        return Reply.error(400, str(exc))
    # the worker is a process edge: whatever goes wrong, the client gets an answer
    except Exception as exc:
        log.exception("query failed")
        return Reply.error(500, f"the query failed: {type(exc).__name__}: {exc}")
    return Reply(200, fmt.media_type, body)


def _requested_format(job: Job, kind: str) -> ResultFormat | None:
    if job.format:
        try:
            fmt = ResultFormat(job.format)
        except ValueError:
            return None
        if fmt is ResultFormat.TABLE or fmt.for_graphs != (kind in GRAPH_KINDS):
            return None
        return fmt
    return negotiate(job.accept, kind)


def service_description(endpoint: str, triples: int) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    graph.bind("void", VOID)
    service, dataset, default = URIRef(endpoint), BNode(), BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for w3c_format in _W3C_FORMATS.values():
        graph.add((service, SD.resultFormat, w3c_format))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return graph


def query_page(nonce: str) -> str:
    """The HTML query page: a form, the bundled queries to start from, and a result table."""
    queries = {
        name: {"question": q.question, "text": q.text} for name, q in bundled_queries().items()
    }
    # JSON in a script element: escape what could close the element or open markup
    data = (
        json.dumps(queries, ensure_ascii=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    options = "\n".join(
        f'<option value="{html.escape(name)}">{html.escape(name)}: '
        f"{html.escape(q['question'])}</option>"
        for name, q in queries.items()
    )
    return _PAGE.format(
        nonce=html.escape(nonce), options=options, data=data, endpoint=ENDPOINT_PATH
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Cytokine storm knowledge graph: SPARQL</title>
<style nonce="{nonce}">
body {{ font-family: sans-serif; margin: 2em; }} textarea {{ width: 100%; height: 14em; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
td, th {{ border: 1px solid #bbb; padding: 0.2em 0.5em; vertical-align: top; }}
#error {{ color: #a00; white-space: pre-wrap; font-family: monospace; }}
</style></head>
<body>
<h1>Cytokine storm knowledge graph</h1>
<p>SPARQL endpoint: <code>{endpoint}</code> (read-only). Prefixes kgo:, kge:, kgs:, kgsrc:, rdfs:,
skos:, dcterms:, prov:, oa: and others are predeclared. Bundled questions leave their parameters
unbound here; <code>kg query NAME --param name=value</code> binds them.</p>
<label>Start from a bundled question:
<select id="bundled"><option value="">(choose)</option>
{options}
</select></label>
<form id="form"><textarea id="query" name="query" spellcheck="false">SELECT ?syndrome ?label
WHERE {{ ?syndrome kgo:subtype_of+ kge:cytokine-storm-syndrome ; rdfs:label ?label }}
ORDER BY ?label</textarea>
<button type="submit">Run</button></form>
<div id="error"></div><div id="count"></div><table id="results"></table><pre id="graph"></pre>
<script type="application/json" id="queries">{data}</script>
<script nonce="{nonce}">
const queries = JSON.parse(document.getElementById("queries").textContent);
const box = document.getElementById("query");
document.getElementById("bundled").addEventListener("change", (event) => {{
  const q = queries[event.target.value];
  if (q) box.value = q.text;
}});
function clear() {{
  for (const id of ["error", "count", "results", "graph"]) {{
    document.getElementById(id).replaceChildren();
  }}
}}
document.getElementById("form").addEventListener("submit", async (event) => {{
  event.preventDefault();
  clear();
  const response = await fetch("{endpoint}", {{
    method: "POST",
    headers: {{"Content-Type": "application/sparql-query",
               "Accept": "application/sparql-results+json, text/turtle;q=0.9"}},
    body: box.value,
  }});
  const text = await response.text();
  if (!response.ok) {{ document.getElementById("error").textContent = text; return; }}
  if (!(response.headers.get("Content-Type") || "").includes("json")) {{
    document.getElementById("graph").textContent = text; return;
  }}
  const data = JSON.parse(text);
  const table = document.getElementById("results");
  if ("boolean" in data) {{
    document.getElementById("count").textContent = String(data.boolean); return;
  }}
  const head = table.insertRow();
  for (const v of data.head.vars) {{
    const th = document.createElement("th"); th.textContent = v; head.appendChild(th);
  }}
  for (const row of data.results.bindings) {{
    const tr = table.insertRow();
    for (const v of data.head.vars) {{ tr.insertCell().textContent = row[v] ? row[v].value : ""; }}
  }}
  document.getElementById("count").textContent = data.results.bindings.length + " rows";
}});
</script>
</body></html>
"""


@dataclass(frozen=True)
class _Request:
    """What a protocol request asks for, once read."""

    query: str | None = None
    update: bool = False
    dataset: bool = False


def _form_values(items: dict[str, list[str]], request: _Request | None = None) -> _Request:
    queries = items.get("query", [])
    if len(queries) > 1:
        raise ValueError("more than one query parameter")
    return _Request(
        query=queries[0] if queries else (request.query if request else None),
        update="update" in items,
        dataset=bool(items.get("default-graph-uri") or items.get("named-graph-uri")),
    )


def create_app(pool: QueryPool, graph_size: int) -> Starlette:
    """The ASGI application: ``/`` the query page, ``/sparql`` the endpoint."""
    import anyio
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route

    def error(status: int, message: str) -> Response:
        reply = Reply.error(status, message)
        return Response(reply.body, status_code=status, media_type=reply.media_type)

    async def home(request: Request) -> Response:
        nonce = secrets.token_urlsafe(16)
        csp = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'"
        )
        return HTMLResponse(query_page(nonce), headers={"Content-Security-Policy": csp})

    async def sparql(request: Request) -> Response:
        try:
            asked = await _read_request(request)
        except _BadRequest as exc:
            return error(exc.status, exc.message)
        if asked.update:
            return error(403, "SPARQL Update is not accepted: this endpoint is read-only")
        if asked.dataset:
            return error(
                400, "default-graph-uri and named-graph-uri are not supported: one graph is served"
            )
        if asked.query is None:
            endpoint = str(request.url.replace(query="", fragment=""))
            graph = service_description(endpoint, graph_size)
            fmt = negotiate(request.headers.get("accept"), "CONSTRUCT") or ResultFormat.TURTLE
            return Response(graph.serialize(format=fmt.rdflib_format), media_type=fmt.media_type)
        job = Job(
            query=asked.query,
            accept=request.headers.get("accept", "*/*"),
            format=request.query_params.get("format"),
        )
        reply = await anyio.to_thread.run_sync(pool.run, job)
        return Response(
            reply.body,
            status_code=reply.status,
            media_type=reply.media_type,
            headers={"Vary": "Accept"},
        )

    return Starlette(
        routes=[Route("/", home), Route(ENDPOINT_PATH, sparql, methods=["GET", "POST"])],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Accept", "Content-Type"],
                max_age=3600,
            )
        ],
    )


class _BadRequest(Exception):  # an internal signal; never leaves this module
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _read_request(request: Request) -> _Request:
    try:
        url_values = _form_values(parse_qs(request.url.query, keep_blank_values=True))
    except ValueError as exc:
        raise _BadRequest(400, str(exc)) from exc
    if request.method == "GET":
        return _checked(url_values)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_QUERY_BYTES:
        raise _BadRequest(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_QUERY_BYTES:
            raise _BadRequest(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadRequest(400, "the request body is not UTF-8") from exc
    if media == "application/sparql-update":
        return _Request(update=True)
    if media == "application/sparql-query":
        return _checked(_Request(query=text, dataset=url_values.dataset))
    if media == "application/x-www-form-urlencoded":
        try:
            values = _form_values(parse_qs(text, keep_blank_values=True), url_values)
        except ValueError as exc:
            raise _BadRequest(400, str(exc)) from exc
        if values.query is None and not values.update:
            raise _BadRequest(400, "the form has no query parameter")
        return _checked(_Request(values.query, values.update, values.dataset or url_values.dataset))
    raise _BadRequest(
        415,
        "send the query as application/sparql-query or application/x-www-form-urlencoded "
        f"(got {media or 'no content type'})",
    )


def _checked(request: _Request) -> _Request:
    if request.query is not None and len(request.query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise _BadRequest(413, f"the query is longer than {MAX_QUERY_BYTES} bytes")
    if request.query is not None and not request.query.strip():
        raise _BadRequest(400, "the query is empty")
    return request


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = DEFAULT_WORKERS,
    max_results: int = DEFAULT_MAX_RESULTS,
    data_dir: Path | None = None,
    graph_file: Path | None = None,
    store: StoreKind = StoreKind.OXIGRAPH,
    store_path: Path | None = None,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol until interrupted.

    Args:
        host: address to listen on (loopback by default; anything else exposes the endpoint).
        port: TCP port.
        timeout: seconds a query may run before its worker is killed.
        workers: queries that may run at the same time (one process each).
        max_results: largest answer, in rows or triples.
        data_dir: curation directory to build the graph from (bundled by default).
        graph_file: RDF file to serve instead of building.
        store: the kind of store the graph is held in (Oxigraph by default).
        store_path: an on-disk store written by ``kg build --store`` (nothing is parsed).

    Raises:
        CurationError, GraphFileError: the graph cannot be loaded.
    """
    import uvicorn

    from kg.querypool import QueryPool

    if timeout <= 0 or workers < 1 or max_results < 1:
        raise QueryError("--timeout, --workers and --max-results must be positive")
    graph = load_graph(data_dir, graph_file, store, store_path)
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("listening on %s: the endpoint is reachable from other machines", host)
    pool = QueryPool(graph, handle_job, size=workers, timeout=timeout, max_results=max_results)
    pool.start()
    try:
        app = create_app(pool, len(graph))
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
    finally:
        pool.close()


__all__ = ["create_app", "handle_job", "negotiate", "serve", "service_description"]
