"""Measurements that run in a process of their own, so that each one's peak memory is its own.

``bench/run.py`` starts these; each prints one JSON document on stdout.

    python bench/probes.py rusage -- COMMAND...          # wall time and peak RSS of COMMAND
    python bench/probes.py load FILE.nt                  # bulk-load N-Triples into pyoxigraph
    python bench/probes.py queries FILE.nt --engine kg   # every bundled query, timed
    python bench/probes.py explorer CURATION_DIR         # the explorer page, timed
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

#: How a query is answered: kg's API on Oxigraph (rdflib over oxrdflib), pyoxigraph itself,
#: or kg's API on rdflib's memory store (``kg query --store memory``).
ENGINES = ("kg", "pyoxigraph", "memory")


def _peak_mib(who: int) -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(who).ru_maxrss / 1024


def rusage(command: list[str]) -> dict[str, Any]:
    """Run ``command`` and report its wall time, peak resident memory, exit code and stdout.

    The peak is ``RUSAGE_CHILDREN`` of this fresh process: the largest of its waited-for
    descendants, here the one command.
    """
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, check=False)
    return {
        "wall_s": time.perf_counter() - started,
        "peak_mib": _peak_mib(resource.RUSAGE_CHILDREN),
        "returncode": done.returncode,
        "stdout": done.stdout.decode("utf-8", "replace"),
    }


def load(path: Path) -> dict[str, Any]:
    """Bulk-load an N-Triples file into an in-memory pyoxigraph store."""
    started = time.perf_counter()
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return {"load_s": time.perf_counter() - started, "triples": len(store)}


class _Timeout(Exception):
    """A query ran past its time limit."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def _answer_size(result: Any) -> int:
    """Rows, triples or 1 (ASK) of a kg QueryResult."""
    if result.graph is not None:
        return len(result.graph)
    return len(result.rows) if result.rows else int(result.boolean is not None)


def _raw_runner(path: Path) -> Callable[[str], int]:
    """Run a query on a pyoxigraph store and consume every term of the answer."""
    import pyoxigraph as ox

    from kg.namespaces import PREFIXES

    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

    def answer(text: str) -> int:
        result = store.query(text, prefixes=prefixes)
        if isinstance(result, ox.QueryBoolean):
            return 1
        rows = 0
        for row in result:
            rows += 1
            for _term in row:  # every term is materialised, as kg does
                pass
        return rows

    return answer


def queries(path: Path, engine: str, runs: int, timeout_s: float) -> dict[str, Any]:
    """Median latency of every bundled query, with its default parameters, on one engine.

    Every query is parsed once (and, but on the slow memory store, run once) before timing,
    so the medians are of a warm process, as in ``kg serve``. A run past ``timeout_s`` is
    stopped and recorded as ``None``; a query is not repeated once its runs add up to more
    than ``timeout_s`` (so a slow query may have one timed run).
    """
    from kg.formats import StoreKind
    from kg.query import _with_values, bind_parameters, bundled_queries, prepare, query
    from kg.store import graph_from_ntriples

    started = time.perf_counter()
    named = bundled_queries()
    if engine == "pyoxigraph":
        raw = _raw_runner(path)
        texts = {name: _with_values(q.text, bind_parameters(q, None)) for name, q in named.items()}

        def run_one(name: str) -> int:
            return raw(texts[name])
    else:
        kind = StoreKind.OXIGRAPH if engine == "kg" else StoreKind.MEMORY
        graph = graph_from_ntriples(path, kind)

        def run_one(name: str) -> int:
            return _answer_size(query(name, graph=graph))

    load_s = time.perf_counter() - started
    for q in named.values():
        prepare(q.text)
    signal.signal(signal.SIGALRM, _alarm)
    report: dict[str, Any] = {}
    for name in named:
        times: list[float] = []
        size = -1
        timed_out = False
        if engine != "memory":
            run_one(name)  # warm-up
        for _ in range(runs):
            t0 = time.perf_counter()
            try:
                signal.setitimer(signal.ITIMER_REAL, timeout_s)
                try:
                    size = run_one(name)
                finally:
                    # the alarm may go off here, just as the run ends: still a timeout
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except _Timeout:
                timed_out = True
                break
            times.append(time.perf_counter() - t0)
            if sum(times) > timeout_s:
                break  # a slow query has had its time: one more run would not change the story
        report[name] = {
            "median_s": None if timed_out else statistics.median(times),
            "runs": len(times),
            "size": size,
        }
    return {"engine": engine, "load_s": load_s, "timeout_s": timeout_s, "queries": report}


def explorer(data_dir: Path) -> dict[str, Any]:
    """Time the explorer page of a curation: the networkx view, then the HTML."""
    from kg.curation import load_curation
    from kg.network import to_networkx
    from kg.viz import render_explorer

    curation = load_curation(data_dir)
    t0 = time.perf_counter()
    graph = to_networkx(curation, include_hypotheses=True)
    t1 = time.perf_counter()
    html = render_explorer(graph)
    t2 = time.perf_counter()
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "network_s": t1 - t0,
        "render_s": t2 - t1,
        "html_bytes": len(html.encode("utf-8")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="probe", required=True)
    p = sub.add_parser("rusage", help="wall time and peak memory of a command")
    p.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    p = sub.add_parser("load", help="bulk-load N-Triples into pyoxigraph")
    p.add_argument("ntriples", type=Path, help="an N-Triples file")
    p = sub.add_parser("queries", help="time every bundled query")
    p.add_argument("ntriples", type=Path, help="an N-Triples file")
    p.add_argument("--engine", choices=ENGINES, default="kg", help="what answers the queries")
    p.add_argument("--runs", type=int, default=5, help="timed runs per query")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a run may take")
    p = sub.add_parser("explorer", help="time the explorer page")
    p.add_argument("data", type=Path, help="a curation directory")
    args = parser.parse_args()
    if args.probe == "rusage":
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        result = rusage(command)
    elif args.probe == "load":
        result = load(args.ntriples)
    elif args.probe == "queries":
        result = queries(args.ntriples, args.engine, args.runs, args.timeout)
    else:
        result = explorer(args.data)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
