"""Latency of the SPARQL endpoint under concurrent clients (a benchmark, not a test).

Starts ``kg serve`` on a free loopback port, lets CLIENTS threads send REQUESTS queries each
(a bundled competency question, JSON results) and prints the median and 95th percentile
latency and the throughput. Only loopback traffic; the loops are bounded.

    .venv/bin/python bench/bench_endpoint.py [--query recommended-against] [--clients 20]
        [--requests 50] [--workers 2] [--store-path DIR]

``bench/run.py`` calls :func:`measure_endpoint`.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.query import bundled_queries


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("kg serve exited")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("kg serve did not start in time")


@dataclass(frozen=True)
class EndpointResult:
    """Latencies of one run of the endpoint benchmark."""

    query: str
    clients: int
    requests: int
    workers: int
    answered: int
    errors: int
    median_s: float
    p95_s: float
    throughput: float


def measure_endpoint(
    query: str = "recommended-against",
    clients: int = 20,
    requests: int = 50,
    workers: int = 2,
    serve_args: Sequence[str] = (),
) -> EndpointResult:
    """Start ``kg serve`` (with ``serve_args``), send the queries, stop it and report.

    Args:
        query: a bundled query's name (sent with its default parameters' text).
        clients: concurrent client threads.
        requests: queries each client sends, one after the other.
        workers: ``kg serve --workers``.
        serve_args: more ``kg serve`` options, e.g. ``["--store-path", DIR]``.
    """
    text = bundled_queries()[query].text
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    command = [sys.executable, "-m", "kg", "serve", "--port", str(port)]
    command += ["--workers", str(workers), *serve_args]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    request_url = f"{url}?{urllib.parse.urlencode({'query': text})}"

    def client() -> None:
        for _ in range(requests):
            request = urllib.request.Request(
                request_url, headers={"Accept": "application/sparql-results+json"}
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    ok = response.status == 200
            except OSError as exc:
                ok = False
                with lock:
                    errors.append(repr(exc))
            elapsed = time.perf_counter() - started
            if ok:
                with lock:
                    latencies.append(elapsed)

    try:
        wait_until_up(url, process)
        # warm-up: each worker parses the query once
        for _ in range(workers * 2):
            urllib.request.urlopen(request_url, timeout=60).read()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(15)

    latencies.sort()
    p95 = latencies[max(round(0.95 * len(latencies)) - 1, 0)] if latencies else float("nan")
    return EndpointResult(
        query=query,
        clients=clients,
        requests=requests,
        workers=workers,
        answered=len(latencies),
        errors=len(errors),
        median_s=statistics.median(latencies) if latencies else float("nan"),
        p95_s=p95,
        throughput=len(latencies) / wall,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="recommended-against", help="bundled query name")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=50, help="queries per client")
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    parser.add_argument(
        "--store-path", type=Path, help="serve this on-disk store (kg build --store)"
    )
    args = parser.parse_args()
    serve_args = ["--store-path", str(args.store_path)] if args.store_path else []
    r = measure_endpoint(args.query, args.clients, args.requests, args.workers, serve_args)
    print(f"query: {r.query}; {r.clients} clients x {r.requests} queries; {r.workers} workers")
    print(f"answered: {r.answered}; errors: {r.errors}")
    print(
        f"latency median: {r.median_s * 1000:.1f} ms; "
        f"p95: {r.p95_s * 1000:.1f} ms; throughput: {r.throughput:.0f} queries/s"
    )


if __name__ == "__main__":
    main()
