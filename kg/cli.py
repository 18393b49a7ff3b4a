"""The ``kg`` command: parses arguments, calls one library function, prints.

Heavy modules are imported inside the commands so that ``kg --help`` stays instant.
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kg.formats import ReportFormat, ResultFormat, StoreKind

app = typer.Typer(
    name="kg",
    help="Build, check and export the cytokine storm knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_OUT = Path("exports")


def run() -> None:
    """The console entry point: the app, with unexpected errors as one line, not a traceback."""
    try:
        app(prog_name="kg")
    except Exception as exc:  # the CLI edge: anything the library did not anticipate
        if logging.getLogger().isEnabledFor(logging.INFO):
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc} (run with --verbose for the traceback)",
            err=True,
        )
        sys.exit(3)


def _fail(exc: Exception, code: int = 2) -> NoReturn:
    """Print a library error as plain lines on stderr and exit without a traceback."""
    typer.echo(str(exc), err=True)
    raise typer.Exit(code) from None


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")
    ] = False,
) -> None:
    """Build, check and export the cytokine storm knowledge graph."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="A curation directory (sources.yaml, entities.yaml, statements/);"
        " default: the bundled one.",
        file_okay=False,
    ),
]
SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help="A folder of source texts; when given, every quote is checked against its source.",
        file_okay=False,
    ),
]


@app.command()
def build(
    out: Annotated[
        Path, typer.Option("--out", help="Directory the exports are written to.")
    ] = DEFAULT_OUT,
    data: DataOption = None,
    sources: SourcesOption = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Also write an on-disk Oxigraph store there (read by kg query/serve --store).",
            file_okay=False,
        ),
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            help="Write only this export format (repeatable); default: every format.",
        ),
    ] = None,
    reason: Annotated[
        bool,
        typer.Option(
            "--reason/--no-reason",
            help="Run HermiT (needs Java): stop on an inconsistency, and write what it infers"
            " to cytokine-storm-kg.inferred.nt, apart from the curated graph.",
        ),
    ] = True,
    merge: Annotated[
        list[Path] | None,
        typer.Option(
            "--merge",
            help="Add an external RDF file's triples (.nt, .ttl, .rdf, .owl) to the N-Triples"
            " export and the store (repeatable; with --format ntriples).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Check the curation, build the graph and write the exports (all or nothing)."""
    from kg.errors import KGError
    from kg.export import ExportFormat
    from kg.pipeline import run_build

    try:
        chosen = tuple(ExportFormat(f) for f in formats) if formats else tuple(ExportFormat)
        if not reason:
            chosen = tuple(f for f in chosen if f is not ExportFormat.INFERRED)
    except ValueError:
        names = ", ".join(f.value for f in ExportFormat)
        _fail(KGError(f"--format: unknown format among {formats}; choose from {names}"), 2)
    try:
        report = run_build(
            out,
            data_dir=data,
            sources_dir=sources,
            store_path=store,
            formats=chosen,
            merge=tuple(merge or ()),
        )
    except KGError as exc:
        _fail(exc, 1)
    typer.echo(f"{report.summary} -> {out}")


@app.command("check-quotes")
def check_quotes(
    sources: Annotated[
        Path,
        typer.Argument(
            help="Folder holding the source texts named by sources.yaml.", file_okay=False
        ),
    ],
    data: DataOption = None,
) -> None:
    """Check that every statement's quote occurs in its source's text."""
    from kg.curation import load_curation
    from kg.errors import KGError
    from kg.quotes import check_quotes as run_check

    try:
        curation = load_curation(data)
        problems = run_check(curation, sources)
    except KGError as exc:
        _fail(exc, 2)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        typer.echo(f"{len(problems)} quotes not found", err=True)
        raise typer.Exit(1)
    typer.echo(f"all {len(curation.statements)} quotes found in their sources")


@app.command()
def version() -> None:
    """Print the package version."""
    from importlib.metadata import version as dist_version

    typer.echo(dist_version("cytokine-storm-kg"))


StoreOption = Annotated[
    StoreKind,
    typer.Option("--store", help="Hold the graph in Oxigraph (fast) or rdflib's memory store."),
]
StorePathOption = Annotated[
    Path | None,
    typer.Option(
        "--store-path",
        help="Open the on-disk Oxigraph store written by `kg build --store` (no parsing).",
        file_okay=False,
    ),
]


@app.command("query")
def query_command(
    query: Annotated[
        str | None,
        typer.Argument(help="SPARQL text, a .rq file, or a bundled query's name (see --list)."),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help="A parameter as name=value (repeatable); bound, never pasted in."
        ),
    ] = None,
    fmt: Annotated[
        ResultFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table, csv, tsv, json or xml for SELECT/ASK; turtle, nt, json-ld or rdf-xml "
            "for CONSTRUCT/DESCRIBE (default: table, or turtle).",
        ),
    ] = None,
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the bundled queries, their questions, parameters.")
    ] = False,
    data: DataOption = None,
    graph: Annotated[
        Path | None,
        typer.Option("--graph", help="Query this RDF file, not the built graph.", dir_okay=False),
    ] = None,
    store: StoreOption = StoreKind.OXIGRAPH,
    store_path: StorePathOption = None,
    include_inferred: Annotated[
        bool,
        typer.Option(
            "--include-inferred",
            help="Also query what HermiT infers from the curation (subclass membership,"
            " inverses, transitive subtypes); without it, only curated triples.",
        ),
    ] = False,
) -> None:
    """Answer a SPARQL query; exit 0 (also with no results), 2 for a bad query, 1 otherwise."""
    from kg.errors import KGError, QueryError
    from kg.query import answer, describe_queries

    if list_queries:
        typer.echo(describe_queries(), nl=False)
        return
    if query is None:
        _fail(QueryError("give a query, a .rq file or a bundled query's name (kg query --list)"))
    try:
        text, count = answer(
            query,
            param or (),
            fmt,
            data_dir=data,
            graph_file=graph,
            store=store,
            store_path=store_path,
            width=shutil.get_terminal_size((120, 24)).columns,
            inferred=include_inferred,
        )
    except QueryError as exc:
        _fail(exc, 2)
    except KGError as exc:
        _fail(exc, 1)
    typer.echo(text, nl=not text.endswith("\n"))
    if count == 0 and fmt in (None, ResultFormat.TABLE):
        typer.echo("no results", err=True)


@app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = 8000,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds a query may run before it is stopped.")
    ] = 5.0,
    workers: Annotated[
        int, typer.Option("--workers", help="Queries that may run at once (one process each).")
    ] = 2,
    max_results: Annotated[
        int, typer.Option("--max-results", help="Largest answer served, in rows or triples.")
    ] = 10_000,
    data: DataOption = None,
    graph: Annotated[
        Path | None,
        typer.Option("--graph", help="Serve this RDF file, not the built graph.", dir_okay=False),
    ] = None,
    store: StoreOption = StoreKind.OXIGRAPH,
    store_path: StorePathOption = None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql."""
    from kg.errors import KGError
    from kg.serve import serve

    try:
        serve(
            host,
            port,
            timeout=timeout,
            workers=workers,
            max_results=max_results,
            data_dir=data,
            graph_file=graph,
            store=store,
            store_path=store_path,
        )
    except KGError as exc:
        _fail(exc, 1)


@app.command("diff")
def diff_command(
    old: Annotated[
        Path, typer.Argument(help="The older release: an export directory or .nt file.")
    ],
    new: Annotated[
        Path, typer.Argument(help="The newer release: an export directory or .nt file.")
    ],
) -> None:
    """List the statements added (+), removed (-) and changed (~) between two releases."""
    from kg.diff import diff_releases
    from kg.errors import KGError

    try:
        result = diff_releases(old, new)
    except KGError as exc:
        _fail(exc, 2)
    for line in result.lines():
        typer.echo(line)
    typer.echo(
        f"{len(result.added)} added, {len(result.removed)} removed, {len(result.changed)} changed",
        err=True,
    )


@app.command("push")
def push_command(
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="The store's SPARQL 1.1 Graph Store Protocol URL.")
    ],
    graph: Annotated[
        str | None,
        typer.Option("--graph", help="Named graph IRI to write (default: the default graph)."),
    ] = None,
    add: Annotated[
        bool, typer.Option("--add", help="Add to the graph (POST) instead of replacing it (PUT).")
    ] = False,
    syntax: Annotated[
        str, typer.Option("--syntax", help="Send the graph as ntriples (default) or turtle.")
    ] = "ntriples",
    user: Annotated[str | None, typer.Option("--user", help="HTTP basic auth user.")] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", envvar="KG_PUSH_PASSWORD", help="HTTP basic auth password."),
    ] = None,
    data: DataOption = None,
) -> None:
    """Upload the graph to a triple store (Virtuoso, Fuseki, GraphDB, Oxigraph server)."""
    from kg.errors import KGError
    from kg.push import PushSyntax, push_curation

    if syntax not in set(PushSyntax):
        _fail(KGError(f"--syntax: {syntax!r} is neither ntriples nor turtle"), 2)
    try:
        result = push_curation(
            endpoint,
            graph,
            data_dir=data,
            syntax=PushSyntax(syntax),
            replace=not add,
            user=user,
            password=password,
        )
    except KGError as exc:
        _fail(exc, 1)
    typer.echo(f"sent {result.triples} triples to {result.url}: HTTP {result.status}")


@app.command("export")
def export_command(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="turtle, ntriples, rdfxml, jsonld, trig, nquads, owl, graphml, gexf,"
            " cytoscape, kgx, neo4j, explorer, overview or inferred.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write (a directory for kgx and neo4j); default: standard output.",
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Write the graph in one export format (kg build writes them all into exports/)."""
    from kg.errors import ExportError, KGError
    from kg.export import ExportFormat, export_format

    if fmt not in set(ExportFormat):
        names = ", ".join(f.value for f in ExportFormat)
        _fail(ExportError(f"--format: unknown format {fmt!r}; choose from {names}"), 2)
    try:
        result = export_format(ExportFormat(fmt), out, data_dir=data)
    except KGError as exc:
        _fail(exc, 1)
    if result.data is not None:
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
    for path in result.paths:
        typer.echo(f"wrote {path}", err=True)


@app.command("viz")
def viz_command(
    out: Annotated[
        Path, typer.Option("--out", help="The HTML file to write.", dir_okay=False)
    ] = DEFAULT_OUT / "explorer.html",
    focus: Annotated[
        str | None,
        typer.Option("--focus", help="Draw only the neighbourhood of this entity (id or label)."),
    ] = None,
    hops: Annotated[
        int, typer.Option("--hops", help="How many steps out from --focus.", min=0)
    ] = 1,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            help="Keep only entities of this category and its subcategories (repeatable).",
        ),
    ] = None,
    include_hypotheses: Annotated[
        bool,
        typer.Option(
            "--include-hypotheses/--asserted-only",
            help="Also draw hypothesised, recommended, recommended-against, unknown and negative"
            " statements (dashed, in their own colours).",
        ),
    ] = True,
    include_inferred: Annotated[
        bool,
        typer.Option(
            "--include-inferred",
            help="Also draw what HermiT infers from the curation (inverse and transitive"
            " relations), dotted and marked 'inferred' (needs Java).",
        ),
    ] = False,
    data: DataOption = None,
) -> None:
    """Write the interactive explorer: one self-contained HTML page that opens offline."""
    from kg.errors import KGError
    from kg.viz import write_explorer

    try:
        report = write_explorer(
            out,
            data_dir=data,
            focus=focus,
            hops=hops,
            categories=category or (),
            include_hypotheses=include_hypotheses,
            include_inferred=include_inferred,
        )
    except KGError as exc:
        _fail(exc, 1)
    for note in report.notes:
        typer.echo(note, err=True)
    typer.echo(report.summary)


@app.command("validate")
def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Curation directories, or files inside one (only their problems are shown);"
            " default: the bundled curation."
        ),
    ] = None,
    sources: SourcesOption = None,
    reason: Annotated[
        bool,
        typer.Option("--reason/--no-reason", help="Check OWL consistency with HermiT (Java)."),
    ] = True,
    shacl: Annotated[
        bool, typer.Option("--shacl/--no-shacl", help="Validate the built graph with SHACL.")
    ] = True,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="text for people, json for CI."),
    ] = ReportFormat.TEXT,
) -> None:
    """Run every check on the curation; exit 0 when clean, 1 when problems are found."""
    from kg.errors import KGError
    from kg.validate import format_json, format_text, validate_paths

    try:
        reports = validate_paths(paths or [], sources_dir=sources, reason=reason, shacl=shacl)
    except KGError as exc:
        _fail(exc, 2)
    if fmt is ReportFormat.JSON:
        if len(reports) == 1:
            typer.echo(format_json(reports[0]), nl=False)
        else:
            import json

            merged = [json.loads(format_json(report)) for report in reports]
            typer.echo(json.dumps(merged, indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(format_text(report) for report in reports), nl=False)
    if not all(report.clean for report in reports):
        raise typer.Exit(1)
