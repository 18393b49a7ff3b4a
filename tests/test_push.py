"""`kg push` into a real triple store (Virtuoso on loopback), then the same answers there."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import free_port, require
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KGError
from kg.namespaces import PREFIXES
from kg.push import PushError, graph_store_url, push_graph

GRAPH = "https://w3id.org/cytokine-storm-kg/graph"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso server on free loopback ports, with a fresh database; yields its base URL."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    require(binary and isql, "Virtuoso (Debian virtuoso-opensource) is not installed")
    home = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    (home / "virtuoso.ini").write_text(
        f"""[Database]
DatabaseFile = {home}/virtuoso.db
ErrorLogFile = {home}/virtuoso.log
TransactionFile = {home}/virtuoso.trx
xa_persistent_file = {home}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {home}/virtuoso-temp.db
TransactionFile = {home}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [str(binary), "-f", "-c", str(home / "virtuoso.ini")],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"Virtuoso did not start: {(home / 'virtuoso.log').read_text()}")
                time.sleep(0.5)
        # the anonymous SPARQL user may write through the Graph Store endpoint (test server only)
        subprocess.run(
            [str(isql), str(sql_port), "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield base
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def _virtuoso_select(base: str, query: str) -> list[dict[str, str]]:
    import json

    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    url = f"{base}/sparql?" + urllib.parse.urlencode(
        {"query": prologue + query, "default-graph-uri": GRAPH}
    )
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        data = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


QUERIES = {
    "binds": "SELECT ?c WHERE { kge:anakinra kgo:binds ?c } ORDER BY ?c",
    "hazard ratio": (
        "SELECT ?hr ?lo ?hi WHERE { ?s rdf:subject kge:anakinra ; rdf:object kge:imv-or-death ;"
        " kgo:hazard_ratio ?hr ; kgo:ci_lower ?lo ; kgo:ci_upper ?hi }"
    ),
    "recommended against": (
        "SELECT ?subject ?object WHERE { ?s kgo:modality kgo:recommended_against ;"
        " rdf:subject ?subject ; rdf:object ?object }"
    ),
    "umbrella": (
        "SELECT ?s WHERE { ?s kgo:subtype_of kge:cytokine-storm-syndrome ;"
        " a kgo:CytokineStormSyndrome } ORDER BY ?s"
    ),
}


def test_push_then_query_gives_the_same_answers(virtuoso):
    result = CliRunner().invoke(
        app, ["push", "--endpoint", f"{virtuoso}/sparql-graph-crud", "--graph", GRAPH]
    )
    assert result.exit_code == 0, result.output
    assert "HTTP 201" in result.output or "HTTP 200" in result.output
    (count,) = _virtuoso_select(virtuoso, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    triples = Path(__file__).resolve().parent.parent / "exports" / "cytokine-storm-kg.nt"
    assert int(count["n"]) == triples.read_bytes().count(b"\n")

    from kg.query import query

    for name, text in QUERIES.items():
        local = [
            {k: str(v.toPython() if hasattr(v, "toPython") else v) for k, v in row.items()}
            for row in query(text).rows
        ]
        remote = _virtuoso_select(virtuoso, text)
        normalise = lambda rows: sorted(  # noqa: E731
            tuple(
                sorted((k, str(float(v)) if k in {"hr", "lo", "hi"} else v) for k, v in r.items())
            )
            for r in rows
        )
        assert normalise(remote) == normalise(local), name
    assert {r["c"].rsplit("/", 1)[1] for r in _virtuoso_select(virtuoso, QUERIES["binds"])} == {
        "il-1-alpha",
        "il-1-beta",
    }


def test_push_replaces_rather_than_duplicates(virtuoso):
    data = b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
    url = f"{virtuoso}/sparql-graph-crud"
    push_graph(data, url, "https://example.org/g")
    push_graph(data, url, "https://example.org/g")
    rows = _virtuoso_select(
        virtuoso, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/g> { ?s ?p ?o } }"
    )
    assert rows == [{"n": "1"}]


def test_unreachable_store_is_a_clear_error():
    with pytest.raises(PushError, match="cannot reach the store"):
        push_graph(b"", f"http://127.0.0.1:{free_port()}/store", timeout=5)


def test_bad_endpoint_url():
    with pytest.raises(KGError, match="not an http"):
        graph_store_url("ftp://example.org/x", None)
