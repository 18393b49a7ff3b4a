"""kg serve: the SPARQL 1.1 Protocol endpoint, queried by real clients over loopback."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from helpers import free_port, require, wait_for_http
from rdflib import Graph
from rdflib.compare import to_isomorphic

from kg.formats import ResultFormat
from kg.query import bundled_queries, format_result, load_graph, query
from kg.serve import query_page

TIMEOUT = 3
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CYTOKINES = bundled_queries()["elevated-cytokines"].text


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[str]:
    """`kg serve` as a subprocess on a free loopback port; yields the endpoint URL."""
    port = free_port()
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "serve",
            "--port",
            str(port),
            "--timeout",
            str(TIMEOUT),
            "--workers",
            "3",
            "--max-results",
            "2000",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_for_http(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def fetch(url, *, data=None, headers=None, method=None):
    """(status, content type, body) of a request; errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def get(endpoint, text, accept="*/*"):
    return fetch(
        f"{endpoint}?{urllib.parse.urlencode({'query': text})}", headers={"Accept": accept}
    )


def local(text, fmt):
    return format_result(query(text), fmt).encode()


def test_service_description_at_the_endpoint(endpoint):
    status, media, body = fetch(endpoint)
    assert status == 200 and media.startswith("text/turtle")
    described = Graph().parse(data=body, format="turtle")
    answer = described.query(
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "SELECT ?lang ?n WHERE { ?s a sd:Service ; sd:endpoint ?e ; sd:supportedLanguage ?lang ; "
        "sd:defaultDataset/sd:defaultGraph/<http://rdfs.org/ns/void#triples> ?n }"
    )
    rows = list(answer)
    assert len(rows) == 1 and str(rows[0][0]).endswith("#SPARQL11Query")
    assert int(rows[0][1]) == len(load_graph())


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", ResultFormat.JSON),
        ("application/sparql-results+xml", ResultFormat.XML),
        ("text/csv", ResultFormat.CSV),
        ("text/tab-separated-values", ResultFormat.TSV),
    ],
)
def test_content_negotiation_gives_exactly_what_kg_query_gives(endpoint, accept, fmt):
    status, media, body = get(endpoint, CYTOKINES, accept)
    assert status == 200 and media.startswith(fmt.media_type.split(";")[0])
    assert body == local(CYTOKINES, fmt)


def test_post_form_and_sparql_query_bodies(endpoint):
    form = urllib.parse.urlencode({"query": CYTOKINES}).encode()
    status, _, body = fetch(
        endpoint, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200 and body == local(CYTOKINES, ResultFormat.JSON)
    status, _, body = fetch(
        endpoint,
        data=CYTOKINES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert status == 200 and body == local(CYTOKINES, ResultFormat.CSV)


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_answers_in_rdf(endpoint, accept, rdf_format):
    text = bundled_queries()["entity-neighbourhood"].text.replace("?entity", "kge:il-6")
    status, media, body = get(endpoint, text, accept)
    assert status == 200 and media.startswith(accept)
    served = Graph().parse(data=body, format=rdf_format)
    assert to_isomorphic(served) == to_isomorphic(query(text).graph)


def test_sparqlwrapper_gets_the_same_answer_as_kg_query(endpoint):
    require(importlib.util.find_spec("SPARQLWrapper"), "SPARQLWrapper is not installed")
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(bundled_queries()["recommended-against"].text)
    client.setReturnFormat(JSON)
    served = client.query().convert()
    assert served == json.loads(
        local(bundled_queries()["recommended-against"].text, ResultFormat.JSON)
    )
    assert {b["byLabel"]["value"] for b in served["results"]["bindings"]} == {"WHO"}


def test_rdflib_sparqlstore_gets_the_same_answer_as_kg_query(endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(endpoint))
    text = bundled_queries()["syndrome-subtypes"].text.replace(
        "?umbrella", "kge:cytokine-storm-syndrome"
    )
    served = [tuple(row) for row in remote.query(text)]
    assert served == [
        tuple(row[v] for v in ("syndrome", "label", "parent", "parentLabel"))
        for row in query(text).rows
    ]
    assert len(served) == 6


def test_updates_are_refused(endpoint):
    insert = "INSERT DATA { kge:a kge:b kge:c }"
    form = urllib.parse.urlencode({"update": insert}).encode()
    assert (
        fetch(endpoint, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})[0]
        == 403
    )
    assert (
        fetch(
            endpoint, data=insert.encode(), headers={"Content-Type": "application/sparql-update"}
        )[0]
        == 403
    )
    status, _, body = get(endpoint, insert)
    assert status == 403 and b"read-only" in body
    assert len(query("ASK { kge:a kge:b kge:c }")) == 0


def test_malformed_requests_get_400_with_a_message(endpoint):
    status, media, body = get(endpoint, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and media.startswith("text/plain")
    assert body.startswith(b"Error 400: query syntax error at line 1, column 19")
    two = fetch(f"{endpoint}?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two[0] == 400 and b"more than one query" in two[2]
    assert fetch(endpoint, data=b"ASK {}", headers={"Content-Type": "text/plain"})[0] == 415
    assert get(endpoint, "ASK {}", "image/png")[0] == 406
    assert fetch(f"{endpoint}?query=ASK%7B%7D&default-graph-uri=http://x/")[0] == 400
    assert get(endpoint, "   ")[0] == 400


def test_result_size_limit(endpoint):
    status, _, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 400 and b"more than 2000 rows" in body
    assert get(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 2000")[0] == 200


def test_service_from_and_load_reach_nothing(endpoint):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
    try:
        for text in [
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"LOAD <{target}>",
        ]:
            status, _, body = get(endpoint, text)
            assert status in (400, 403), (text, body)
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()


def test_cors_for_browser_tools(endpoint):
    origin = {"Origin": "https://yasgui.example"}
    status, _, _ = fetch(
        endpoint,
        method="OPTIONS",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 200
    request = urllib.request.Request(f"{endpoint}?query=ASK%7B%7D", headers=origin)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_query_page(endpoint):
    status, media, body = fetch(endpoint.removesuffix("/sparql") + "/")
    assert status == 200 and media.startswith("text/html")
    assert b"repurposing-candidates" in body and b"<textarea" in body


def test_query_page_escapes_everything(monkeypatch):
    from kg import query as query_module
    from kg import serve as serve_module

    hostile = query_module.NamedQuery(
        name="x", text="</script><script>alert(1)</script>", question='<img src=x onerror="y">'
    )
    monkeypatch.setattr(serve_module, "bundled_queries", lambda: {"x": hostile})
    page = query_page("nonce")
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;img src=x onerror=&quot;y&quot;&gt;" in page


def test_a_runaway_query_is_stopped_while_others_are_answered(endpoint):
    outcome = {}

    def runaway():
        started = time.monotonic()
        outcome["status"], _, outcome["body"] = get(endpoint, CROSS_PRODUCT)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    answered = 0
    while thread.is_alive() and answered < 200:
        status, _, body = get(endpoint, CYTOKINES)
        assert status == 200 and body == local(CYTOKINES, ResultFormat.JSON)
        answered += 1
    thread.join()
    assert outcome["status"] == 503
    assert b"longer than the time limit" in outcome["body"]
    assert answered >= 5  # other clients kept being answered while the runaway ran
    assert get(endpoint, "ASK { kge:anakinra kgo:binds kge:il-1-beta }")[2] == (
        b'{"head":{},"boolean":true}'
    )


@pytest.mark.slow
def test_twenty_clients_fifty_queries_each_see_no_errors(endpoint):
    require(importlib.util.find_spec("SPARQLWrapper"), "SPARQLWrapper is not installed")
    from SPARQLWrapper import JSON, SPARQLWrapper

    expected = json.loads(local(CYTOKINES, ResultFormat.JSON))
    errors: list[str] = []

    def client():
        wrapper = SPARQLWrapper(endpoint)
        wrapper.setQuery(CYTOKINES)
        wrapper.setReturnFormat(JSON)
        for _ in range(50):
            try:
                if wrapper.query().convert() != expected:
                    errors.append("wrong answer")
            except Exception as exc:  # any failure is what this test counts
                errors.append(repr(exc))

    threads = [threading.Thread(target=client) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
