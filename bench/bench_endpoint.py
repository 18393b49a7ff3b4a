"""Latency of the SPARQL endpoint under concurrent clients (a benchmark, not a test).

Starts ``kg serve`` on a free loopback port, lets CLIENTS threads send REQUESTS queries each
(a bundled competency question, JSON results) and prints the median and 95th percentile
latency and the throughput. Only loopback traffic; the loops are bounded.

    .venv/bin/python bench/bench_endpoint.py [--query recommended-against] [--clients 20]
        [--requests 50] [--workers 2]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="recommended-against", help="bundled query name")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=50, help="queries per client")
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    args = parser.parse_args()

    text = bundled_queries()[args.query].text
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port), "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    request_url = f"{url}?{urllib.parse.urlencode({'query': text})}"

    def client() -> None:
        for _ in range(args.requests):
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
        for _ in range(args.workers * 2):
            urllib.request.urlopen(request_url, timeout=60).read()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
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
    print(
        f"query: {args.query}; {args.clients} clients x {args.requests} queries; "
        f"{args.workers} workers"
    )
    print(f"answered: {len(latencies)}; errors: {len(errors)}")
    print(
        f"latency median: {statistics.median(latencies) * 1000:.1f} ms; "
        f"p95: {p95 * 1000:.1f} ms; throughput: {len(latencies) / wall:.0f} queries/s"
    )


if __name__ == "__main__":
    main()
