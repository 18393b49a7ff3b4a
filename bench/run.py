"""Performance and scale benchmark of kg: build, load, queries, start-up, endpoint, explorer.

One command runs it all and writes a markdown report (not part of the test suite):

    python bench/run.py [--scales 1,10,100,1000] [--out bench/results.md] [--quick]

For each scale (times the real curation, written by ``bench/generate.py``) it measures, each
in a process of its own (``bench/probes.py``) so that peak memory is per run:

1. ``kg build --format ntriples --store``: wall time, peak memory, cost per statement;
2. pyoxigraph bulk-loading the build's own N-Triples in memory: the floor for 1.;
3. every bundled query on a ~1M-triple graph: kg's API on Oxigraph vs raw pyoxigraph vs
   kg's API on rdflib's memory store;
4. start-up: ``kg --help`` vs a bare typer app, and ``kg query 'ASK {}'``;
5. the SPARQL endpoint under concurrent clients (``bench/bench_endpoint.py``);
6. the explorer page (networkx view + HTML) and its cost per node.

``--quick`` runs small scales and fewer repetitions, to check the benchmark itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from report import Profile, Report, ScaleRun, Usage

BENCH = Path(__file__).resolve().parent
PROBES = BENCH / "probes.py"
GENERATE = BENCH / "generate.py"
_SUMMARY = re.compile(
    r"(?P<sources>\d+) sources, (?P<entities>\d+) entities, (?P<statements>\d+) statements,"
    r".*?(?P<triples>\d+) triples"
)
BARE_TYPER_APP = '''import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


app()
'''


# -- running things ------------------------------------------------------------------------------


def measure(command: Sequence[str | Path]) -> Usage:
    """Run ``command`` under a fresh wrapper process that reports its peak memory.

    Raises:
        RuntimeError: the command failed.
    """
    wrapper = [sys.executable, str(PROBES), "rusage", "--", *map(str, command)]
    done = subprocess.run(wrapper, capture_output=True, check=True)
    report = json.loads(done.stdout)
    if report["returncode"] != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited {report['returncode']}")
    return Usage(report["wall_s"], report["peak_mib"], report["stdout"])


def kg_command() -> list[str]:
    """The installed ``kg`` script beside this Python, else ``python -m kg``."""
    script = Path(sys.executable).parent / "kg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kg"]


def median_wall(command: Sequence[str | Path], runs: int) -> float:
    """Median wall time of ``runs`` runs of ``command`` (output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(list(map(str, command)), capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, OS and Python of this machine."""
    cpu = platform.processor() or platform.machine()
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kib / 1024**2:.1f} GiB"
    import pyoxigraph
    import rdflib

    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "pyoxigraph / rdflib": f"{pyoxigraph.__version__} / {rdflib.__version__}",
    }


# -- 1 and 2: build and load ---------------------------------------------------------------------


def generate(scale: int, out: Path) -> None:
    """Write a curation ``scale`` times the real one (bench/generate.py)."""
    subprocess.run([sys.executable, str(GENERATE), str(scale), str(out)], check=True)


def build_scale(scale: int, work: Path, *, measured: bool = True) -> ScaleRun:
    """Generate a curation at ``scale``, build it, and bulk-load its N-Triples in pyoxigraph."""
    run = ScaleRun(
        scale, work / f"curation-{scale}x", work / f"exports-{scale}x", work / f"store-{scale}x"
    )
    if not run.data.exists():
        generate(scale, run.data)
    command = [
        *kg_command(),
        "build",
        "--data", run.data,
        "--format", "ntriples",
        "--out", run.exports,
        "--store", run.store,
    ]  # fmt: skip
    run.build = measure(command)
    match = _SUMMARY.search(run.build.stdout)
    if match is None:
        raise RuntimeError(f"kg build printed no summary: {run.build.stdout!r}")
    run.statements, run.entities = int(match["statements"]), int(match["entities"])
    run.triples = int(match["triples"])
    if measured:
        run.load = measure([sys.executable, PROBES, "load", run.ntriples])
        run.load_s = run.load.json()["load_s"]
    return run


# -- 3: queries ----------------------------------------------------------------------------------


def query_scale(runs: Sequence[ScaleRun], target_triples: int) -> int:
    """The scale whose graph has about ``target_triples`` triples (triples grow linearly)."""
    small, large = runs[0], runs[-1]
    if small.scale == large.scale:
        return max(1, round(target_triples / small.triples * small.scale))
    per_replica = (large.triples - small.triples) / (large.scale - small.scale)
    fixed = small.triples - per_replica * small.scale  # the ontology
    return max(1, round((target_triples - fixed) / per_replica))


def time_queries(
    ntriples: Path, engine: str, runs: int, timeout_s: float
) -> tuple[dict[str, Any], Usage]:
    """Every bundled query on one engine (see ``probes.queries``), in a process of its own."""
    usage = measure(
        [
            sys.executable, PROBES, "queries", ntriples,
            "--engine", engine, "--runs", str(runs), "--timeout", str(timeout_s),
        ]
    )  # fmt: skip
    return usage.json(), usage


# -- 4: start-up ---------------------------------------------------------------------------------


def startup_times(work: Path, store: Path, runs: int) -> dict[str, float]:
    """Median wall time of ``kg --help``, a bare typer app's ``--help`` and ``kg query ASK``."""
    bare = work / "bare_typer_app.py"
    bare.write_text(BARE_TYPER_APP)
    kg = kg_command()
    return {
        "kg --help": median_wall([*kg, "--help"], runs),
        "bare typer app --help": median_wall([sys.executable, bare, "--help"], runs),
        "kg query 'ASK {}' (builds the bundled graph)": median_wall(
            [*kg, "query", "ASK {}"], max(3, runs // 2)
        ),
        "kg query --store-path (1x store) 'ASK {}'": median_wall(
            [*kg, "query", "--store-path", store, "ASK {}"], max(3, runs // 2)
        ),
    }


# -- 5: endpoint ---------------------------------------------------------------------------------


def endpoint_runs(store: Path, triples: int, clients: int, requests: int) -> list[tuple[str, Any]]:
    """The endpoint benchmark on the bundled graph and on the query-scale on-disk store."""
    sys.path.insert(0, str(BENCH))
    from bench_endpoint import measure_endpoint

    return [
        ("bundled graph", measure_endpoint(clients=clients, requests=requests)),
        (
            f"{triples:,} triples (--store-path)",
            measure_endpoint(
                clients=clients, requests=requests, serve_args=["--store-path", str(store)]
            ),
        ),
    ]


# -- 6: explorer ---------------------------------------------------------------------------------


def explorer_run(data: Path) -> tuple[dict[str, Any], Usage]:
    """The explorer page of one curation (see ``probes.explorer``)."""
    usage = measure([sys.executable, PROBES, "explorer", data])
    return usage.json(), usage


# -- profile -------------------------------------------------------------------------------------


def profile_build(run: ScaleRun, work: Path, top: int = 12) -> Profile:
    """cProfile ``kg build`` of ``run``'s curation.

    Returns:
        The functions with most own time, and kg's own functions by cumulative time.
    """
    stats_file = work / "build.prof"
    subprocess.run(
        [
            sys.executable, "-m", "cProfile", "-o", stats_file, "-m", "kg", "build",
            "--data", run.data, "--format", "ntriples",
            "--out", work / "profile-exports", "--store", work / "profile-store",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    stats = pstats.Stats(str(stats_file))
    rows = [
        (f"{_short_path(file)}:{line}({name})", own, cumulative)
        for (file, line, name), (_, _, own, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
    ]
    by_own = sorted(rows, key=lambda row: row[1], reverse=True)[:top]
    ours = [row for row in rows if row[0].startswith("kg/") and "cli.py" not in row[0]]
    by_cumulative = sorted(ours, key=lambda row: row[2], reverse=True)[:top]
    return Profile(stats.total_tt, by_own, by_cumulative)  # type: ignore[attr-defined]


def _short_path(file: str) -> str:
    for marker in ("site-packages/", "/kg/", "lib/python"):
        if marker in file:
            tail = file.split(marker, 1)[1]
            return ("kg/" + tail) if marker == "/kg/" else tail
    return file


# -- the command ---------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_all(args: argparse.Namespace, work: Path) -> Report:
    """Every measure, in order; progress on stderr."""
    report = Report(command=" ".join(["python bench/run.py", *sys.argv[1:]]), machine=machine())
    for scale in args.scales:
        _log(f"build {scale}x")
        report.scales.append(build_scale(scale, work))
    target = query_scale(report.scales, args.query_triples)
    by_scale = {run.scale: run for run in report.scales}
    if target not in by_scale:
        _log(f"build {target}x for the query graph")
        by_scale[target] = build_scale(target, work, measured=False)
    report.query_graph = by_scale[target]
    for engine in ("kg", "pyoxigraph", "memory"):
        _log(f"queries on {report.query_graph.triples:,} triples: {engine}")
        report.queries[engine], report.query_usage[engine] = time_queries(
            report.query_graph.ntriples, engine, args.runs, args.memory_timeout
        )
    _log("start-up")
    report.startup = startup_times(work, report.scales[0].store, args.startup_runs)
    if args.clients:
        _log("endpoint")
        report.endpoint = endpoint_runs(
            report.query_graph.store, report.query_graph.triples, args.clients, args.requests
        )
    for run in report.scales:
        if run.scale <= args.explorer_max:
            _log(f"explorer {run.scale}x")
            report.explorer.append((run.scale, explorer_run(run.data)[0]))
    profiled = [run for run in report.scales if run.scale <= args.profile_scale]
    if profiled:
        report.profile_scale = profiled[-1].scale
        _log(f"profile build {report.profile_scale}x")
        report.profile = profile_build(profiled[-1], work)
    return report


def _scales(text: str) -> list[int]:
    scales = sorted({int(part) for part in text.split(",") if part.strip()})
    if not scales or scales[0] < 1:
        raise argparse.ArgumentTypeError("scales are positive integers, e.g. 1,10,100")
    return scales


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", type=_scales, help="times the real curation (default 1,10,100,1000)"
    )
    parser.add_argument(
        "--out", type=Path, default=BENCH / "results.md", help="markdown report to write"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small scales, few runs: checks the benchmark"
    )
    parser.add_argument("--work", type=Path, help="keep generated files here (default: temp)")
    parser.add_argument(
        "--query-triples", type=int, help="size of the query graph (default 1,000,000)"
    )
    parser.add_argument("--runs", type=int, help="timed runs per query (default 5)")
    parser.add_argument(
        "--memory-timeout", type=float, help="seconds an rdflib memory query may run (default 20)"
    )
    parser.add_argument("--startup-runs", type=int, help="runs per start-up command (default 10)")
    parser.add_argument("--clients", type=int, help="endpoint clients; 0 skips (default 20)")
    parser.add_argument("--requests", type=int, help="queries per endpoint client (default 50)")
    parser.add_argument(
        "--explorer-max", type=int, default=100, help="largest scale the explorer is drawn at"
    )
    parser.add_argument(
        "--profile-scale", type=int, default=100, help="profile the build at this scale; 0: no"
    )
    args = parser.parse_args()
    defaults = {
        "scales": ([1, 10] if args.quick else [1, 10, 100, 1000]),
        "query_triples": 50_000 if args.quick else 1_000_000,
        "runs": 3 if args.quick else 5,
        "memory_timeout": 5.0 if args.quick else 20.0,
        "startup_runs": 3 if args.quick else 10,
        "clients": 4 if args.quick else 20,
        "requests": 10 if args.quick else 50,
    }
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.quick and args.profile_scale == 100:
        args.profile_scale = 10
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report = run_all(args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    text = report.markdown()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
