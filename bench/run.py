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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PROBES = BENCH / "probes.py"
GENERATE = BENCH / "generate.py"
NT_FILE = "cytokine-storm-kg.nt"
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

# Goals of the "Performance and scale" issue
GOAL_BUILD_FLAT = 1.25  # cost per statement at any scale / at 1x
GOAL_BUILD_VS_LOAD = 5.0  # build time / pyoxigraph load time, at the largest scale
GOAL_MEMORY_VS_LOAD = 3.0  # build peak memory / pyoxigraph peak memory
GOAL_QUERY_VS_RAW = 1.5  # kg on Oxigraph / raw pyoxigraph, per query
GOAL_QUERY_VS_MEMORY = 20.0  # rdflib memory store / kg on Oxigraph, per query
GOAL_STARTUP = 1.3  # kg --help / bare typer --help


# -- running things ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Wall time and peak resident memory of one process (and what it printed)."""

    wall_s: float
    peak_mib: float
    stdout: str

    def json(self) -> Any:
        """The process's stdout, read as JSON."""
        return json.loads(self.stdout)


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


@dataclass
class ScaleRun:
    """One scale's curation, build and pyoxigraph load."""

    scale: int
    data: Path
    exports: Path
    store: Path
    statements: int = 0
    entities: int = 0
    triples: int = 0
    build: Usage | None = None
    load: Usage | None = None
    load_s: float = 0.0  # inside the process, without Python's start-up

    @property
    def ntriples(self) -> Path:
        """The build's N-Triples export."""
        return self.exports / NT_FILE


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


@dataclass(frozen=True)
class Profile:
    """Where a build spends its time: (function, own s, cumulative s) rows."""

    total_s: float
    by_own_time: list[tuple[str, float, float]]
    kg_by_cumulative: list[tuple[str, float, float]]


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


# -- the report ----------------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f}"


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def _bounded_ratio(
    top: float | None, bottom: float | None, limit: float
) -> tuple[str, float | None]:
    """``top / bottom`` where ``None`` means "stopped at ``limit``": (bound, value).

    >>> _bounded_ratio(None, 2.0, 10.0)
    ('> ', 5.0)
    >>> _bounded_ratio(None, None, 10.0)
    ('', None)
    """
    if top is None and bottom is None:
        return "", None
    if top is None:
        return "> ", limit / float(bottom)  # type: ignore[arg-type]
    if bottom is None:
        return "< ", top / limit
    return "", top / bottom


def _bounded_cell(ratio: tuple[str, float | None]) -> str:
    bound, value = ratio
    return "?" if value is None else bound + _ratio(value)


def _goal(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


@dataclass
class Report:
    """Everything measured, and its rendering as markdown."""

    command: str
    machine: dict[str, str]
    scales: list[ScaleRun] = field(default_factory=list)
    query_graph: ScaleRun | None = None
    queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    query_usage: dict[str, Usage] = field(default_factory=dict)
    startup: dict[str, float] = field(default_factory=dict)
    endpoint: list[tuple[str, Any]] = field(default_factory=list)
    explorer: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    profile: Profile | None = None
    profile_scale: int = 0

    def markdown(self) -> str:
        """The report as markdown: machine, then one section per measure."""
        lines = ["# kg performance and scale", "", f"`{self.command}`", ""]
        lines += _table(["machine", ""], list(self.machine.items()))
        lines += self._build_section() + self._query_section() + self._startup_section()
        lines += self._endpoint_section() + self._explorer_section() + self._profile_section()
        return "\n".join(lines)

    def _build_section(self) -> list[str]:
        base = self.scales[0]
        base_cost = base.build.wall_s / base.statements  # type: ignore[union-attr]
        rows = []
        for prev, run in zip([None, *self.scales], self.scales, strict=False):
            assert run.build is not None and run.load is not None
            cost = run.build.wall_s / run.statements
            marginal = "—"
            if prev is not None and prev.build is not None:
                extra = run.build.wall_s - prev.build.wall_s
                marginal = f"{extra / (run.statements - prev.statements) * 1e6:.0f}"
            rows.append(
                [
                    f"{run.scale}x",
                    f"{run.statements:,}",
                    f"{run.triples:,}",
                    f"{run.build.wall_s:.2f}",
                    f"{run.build.peak_mib:,.0f}",
                    f"{cost * 1e6:.0f}",
                    marginal,
                    f"{cost / base_cost:.2f}",
                    f"{run.load.wall_s:.2f} ({run.load_s:.2f})",
                    f"{run.load.peak_mib:,.0f}",
                    _ratio(run.build.wall_s / run.load.wall_s),
                    _ratio(run.build.peak_mib / run.load.peak_mib),
                ]
            )
        top = self.scales[-1]
        assert top.build is not None and top.load is not None
        worst_flat = max(
            (r.build.wall_s / r.statements) / base_cost  # type: ignore[union-attr]
            for r in self.scales
        )
        worst_memory = max(r.build.peak_mib / r.load.peak_mib for r in self.scales)  # type: ignore[union-attr]
        lines = ["## 1–2. Build vs pyoxigraph bulk load", ""]
        lines += [
            "`kg build --data DIR --format ntriples --out OUT --store STORE` (a process each; wall "
            "time includes Python start-up) against a process that bulk-loads that build's "
            "N-Triples into an in-memory `pyoxigraph.Store` (in brackets: the load alone). "
            "µs/stmt: build time per curated statement; marginal: extra time per extra "
            "statement since the previous scale.",
            "",
        ]
        lines += _table(
            [
                "scale", "statements", "triples", "build s", "build MiB", "µs/stmt",
                "marginal µs/stmt", "µs/stmt ÷ 1x", "pyoxigraph load s", "load MiB",
                "build ÷ load (time)", "build ÷ load (memory)",
            ],
            rows,
        )  # fmt: skip
        lines += _table(
            ["goal", "measured", ""],
            [
                [
                    f"cost per statement ≤ {GOAL_BUILD_FLAT}× the 1x cost at every scale",
                    f"worst {worst_flat:.2f}×",
                    _goal(worst_flat <= GOAL_BUILD_FLAT),
                ],
                [
                    f"build time ≤ {GOAL_BUILD_VS_LOAD}× pyoxigraph load at {top.scale}x",
                    f"{top.build.wall_s / top.load.wall_s:.1f}×",
                    _goal(top.build.wall_s / top.load.wall_s <= GOAL_BUILD_VS_LOAD),
                ],
                [
                    f"build peak memory ≤ {GOAL_MEMORY_VS_LOAD}× pyoxigraph's",
                    f"worst {worst_memory:.1f}× (at {top.scale}x: "
                    f"{top.build.peak_mib / top.load.peak_mib:.1f}×)",
                    _goal(worst_memory <= GOAL_MEMORY_VS_LOAD),
                ],
            ],
        )
        return lines

    def _query_section(self) -> list[str]:
        graph = self.query_graph
        assert graph is not None
        kg, raw, memory = (self.queries[e] for e in ("kg", "pyoxigraph", "memory"))
        timeout = memory["timeout_s"]
        rows, slow, not_faster = [], [], []

        # a run stopped at the time limit counts as the limit, shown as "> limit"
        def seconds(result: dict[str, Any]) -> float:
            return timeout if result["median_s"] is None else float(result["median_s"])

        def cell(result: dict[str, Any]) -> str:
            return f"> {timeout * 1000:.0f}" if result["median_s"] is None else _ms(seconds(result))

        undecided_raw: list[str] = []
        undecided_memory: list[str] = []
        for name, k in kg["queries"].items():
            r, m = raw["queries"][name], memory["queries"][name]
            vs_raw = _bounded_ratio(k["median_s"], r["median_s"], timeout)
            if vs_raw[1] is None:
                undecided_raw.append(name)
            elif vs_raw[1] > GOAL_QUERY_VS_RAW and vs_raw[0] != "< ":
                slow.append(name)
            speedup = _bounded_ratio(m["median_s"], k["median_s"], timeout)
            if speedup[1] is None:
                undecided_memory.append(name)
            elif speedup[1] < GOAL_QUERY_VS_MEMORY and speedup[0] != "> ":
                not_faster.append(name)
            rows.append(
                [
                    name,
                    "—" if k["size"] < 0 else k["size"],
                    cell(k),
                    cell(r),
                    _bounded_cell(vs_raw),
                    cell(m),
                    _bounded_cell(speedup),
                ]
            )
        kg_total = sum(seconds(q) for q in kg["queries"].values())
        raw_total = sum(seconds(q) for q in raw["queries"].values())
        lines = [f"## 3. Queries on {graph.triples:,} triples ({graph.scale}x)", ""]
        lines += [
            "Every bundled query with its default parameters (as `kg query NAME` runs it); median "
            f"of warm runs in one process per engine. kg: `kg.query(name, graph=...)` on "
            "Oxigraph (rdflib Graph over oxrdflib, kg's default); pyoxigraph: `Store.query(text)` "
            "with the same text and bindings, every term of the answer read; memory: kg's API on "
            f"rdflib's memory store (`--store memory`), stopped after {timeout:.0f} s. "
            "Load time and peak memory per engine: "
            + "; ".join(
                f"{e} {self.queries[e]['load_s']:.1f} s, {self.query_usage[e].peak_mib:,.0f} MiB"
                for e in ("kg", "pyoxigraph", "memory")
            )
            + ".",
            "",
        ]
        lines += _table(
            [
                "query", "rows", "kg ms", "pyoxigraph ms", "kg ÷ pyoxigraph", "rdflib memory ms",
                "memory ÷ kg",
            ],
            rows,
        )  # fmt: skip
        lines += _table(
            ["goal", "measured", ""],
            [
                [
                    f"each query ≤ {GOAL_QUERY_VS_RAW}× raw pyoxigraph",
                    f"{len(kg['queries']) - len(slow) - len(undecided_raw)}/{len(kg['queries'])} "
                    "queries; "
                    f"all queries together {kg_total / raw_total:.2f}×"
                    + (f"; over: {', '.join(slow)}" if slow else ""),
                    _goal(not slow),
                ],
                [
                    f"each query ≥ {GOAL_QUERY_VS_MEMORY:.0f}× faster than rdflib memory",
                    f"{len(kg['queries']) - len(not_faster) - len(undecided_memory)}"
                    f"/{len(kg['queries'])} queries"
                    + (f"; under: {', '.join(not_faster)}" if not_faster else ""),
                    _goal(not not_faster),
                ],
            ],
        )
        if undecided_raw or undecided_memory:
            lines += [
                "Both sides of a ratio stopped at the time limit (ratio unknown): "
                + ", ".join(sorted({*undecided_raw, *undecided_memory}))
                + ".",
                "",
            ]
        return lines

    def _startup_section(self) -> list[str]:
        ratio = self.startup["kg --help"] / self.startup["bare typer app --help"]
        lines = ["## 4. Start-up", "", "Median wall time of separate processes.", ""]
        lines += _table(
            ["command", "ms"], [[name, _ms(value)] for name, value in self.startup.items()]
        )
        lines += _table(
            ["goal", "measured", ""],
            [
                [
                    f"`kg --help` ≤ {GOAL_STARTUP}× a bare typer app's",
                    f"{ratio:.2f}×",
                    _goal(ratio <= GOAL_STARTUP),
                ]
            ],
        )
        return lines

    def _endpoint_section(self) -> list[str]:
        lines = ["## 5. SPARQL endpoint", ""]
        if not self.endpoint:
            return [*lines, "Not run.", ""]
        first = self.endpoint[0][1]
        lines += [
            f"`kg serve --workers {first.workers}`; {first.clients} concurrent clients × "
            f"{first.requests} queries each of `{first.query}` (JSON results), as "
            "`bench/bench_endpoint.py`.",
            "",
        ]
        rows = [
            [
                graph,
                f"{r.answered}/{r.clients * r.requests}",
                _ms(r.median_s),
                _ms(r.p95_s),
                f"{r.throughput:.0f}",
            ]
            for graph, r in self.endpoint
        ]
        return lines + _table(["graph", "answered", "median ms", "p95 ms", "queries/s"], rows)

    def _explorer_section(self) -> list[str]:
        lines = ["## 6. Explorer page", ""]
        lines += [
            "`kg.viz.render_explorer(kg.network.to_networkx(curation, include_hypotheses=True))`; "
            "per node: (view + page) time ÷ nodes. Linear if the per-node cost stays flat.",
            "",
        ]
        rows = []
        for scale, e in self.explorer:
            total = e["network_s"] + e["render_s"]
            rows.append(
                [
                    f"{scale}x",
                    f"{e['nodes']:,}",
                    f"{e['edges']:,}",
                    _ms(e["network_s"]),
                    _ms(e["render_s"]),
                    f"{total / e['nodes'] * 1e6:.0f}",
                    f"{e['html_bytes'] / 1024**2:.1f}",
                ]
            )
        return lines + _table(
            ["scale", "nodes", "edges", "to_networkx ms", "render ms", "µs/node", "page MiB"],
            rows,
        )

    def _profile_section(self) -> list[str]:
        if self.profile is None:
            return []
        lines = [
            f"## Where the build's time goes ({self.profile_scale}x, cProfile, "
            f"{self.profile.total_s:.1f} s profiled)",
            "",
            "Most own time:",
            "",
        ]
        header = ["function", "own s", "cumulative s"]
        lines += _table(
            header,
            [[f"`{n}`", f"{own:.2f}", f"{cum:.2f}"] for n, own, cum in self.profile.by_own_time],
        )
        lines += ["kg's functions by cumulative time:", ""]
        return lines + _table(
            header,
            [
                [f"`{n}`", f"{own:.2f}", f"{cum:.2f}"]
                for n, own, cum in self.profile.kg_by_cumulative
            ],
        )


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
