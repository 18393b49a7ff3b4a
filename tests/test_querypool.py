"""kg.querypool: killable workers and the network guard."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from kg.query import load_graph
from kg.querypool import Job, QueryPool
from kg.serve import handle_job

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture
def listener():
    """A loopback TCP socket that records whether anything connects to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = server.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def test_block_network_stops_outbound_connections(listener):
    port = listener.getsockname()[1]
    code = (
        "from kg.querypool import block_network\n"
        "block_network()\n"
        "import urllib.request\n"
        f"urllib.request.urlopen('http://127.0.0.1:{port}/x', timeout=5)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "network access is disabled in this process" in done.stderr
    assert connections(listener) == 0


@pytest.mark.slow
def test_a_runaway_query_is_killed_and_its_worker_replaced():
    pool = QueryPool(load_graph(), handle_job, size=1, timeout=1.5, max_results=100)
    pool.start()
    try:
        ok = pool.run(Job("ASK { kge:anakinra kgo:binds kge:il-1-alpha }", "application/json"))
        assert (ok.status, ok.body) == (200, b'{"head":{},"boolean":true}')
        stopped = pool.run(Job(CROSS_PRODUCT))
        assert stopped.status == 503
        assert b"longer than the time limit of 1.5 s" in stopped.body
        again = pool.run(Job("ASK { kge:anakinra kgo:binds kge:il-1-beta }", "text/csv"))
        assert (again.status, again.body) == (200, b"true")
        too_big = pool.run(Job("SELECT * WHERE { ?s ?p ?o }"))
        assert too_big.status == 400 and b"more than 100 rows" in too_big.body
    finally:
        pool.close()
