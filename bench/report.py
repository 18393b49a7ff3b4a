"""What the benchmark measured, and its rendering as the markdown report (``bench/run.py``).

The records (a process's wall time and peak memory, one scale's build and load, a profile)
and the goals of the "Performance and scale" issue they are checked against.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NT_FILE = "cytokine-storm-kg.nt"

# Goals of the "Performance and scale" issue
GOAL_BUILD_FLAT = 1.25  # cost per statement at any scale / at 1x
GOAL_BUILD_VS_LOAD = 5.0  # build time / pyoxigraph load time, at the largest scale
GOAL_MEMORY_VS_LOAD = 3.0  # build peak memory / pyoxigraph peak memory
GOAL_QUERY_VS_RAW = 1.5  # kg on Oxigraph / raw pyoxigraph, per query
GOAL_QUERY_VS_MEMORY = 20.0  # rdflib memory store / kg on Oxigraph, per query
GOAL_STARTUP = 1.3  # kg --help / bare typer --help


@dataclass(frozen=True)
class Usage:
    """Wall time and peak resident memory of one process (and what it printed)."""

    wall_s: float
    peak_mib: float
    stdout: str

    def json(self) -> Any:
        """The process's stdout, read as JSON."""
        return json.loads(self.stdout)


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


@dataclass(frozen=True)
class Profile:
    """Where a build spends its time: (function, own s, cumulative s) rows."""

    total_s: float
    by_own_time: list[tuple[str, float, float]]
    kg_by_cumulative: list[tuple[str, float, float]]


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
