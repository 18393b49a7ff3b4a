"""The ``kg`` command: parses arguments, calls one library function, prints.

Heavy modules are imported inside the commands so that ``kg --help`` stays instant.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")] = False,
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
        help="A curation directory (sources.yaml, entities.yaml, statements/); default: the bundled one.",
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
    out: Annotated[Path, typer.Option("--out", help="Directory the exports are written to.")] = DEFAULT_OUT,
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
) -> None:
    """Check the curation, build the graph and write the exports (all or nothing)."""
    from kg.errors import KGError
    from kg.pipeline import run_build

    try:
        report = run_build(out, data_dir=data, sources_dir=sources, store_path=store)
    except KGError as exc:
        _fail(exc, 1)
    typer.echo(f"{report.summary} -> {out}")


@app.command("check-quotes")
def check_quotes(
    sources: Annotated[
        Path, typer.Argument(help="Folder holding the source texts named by sources.yaml.", file_okay=False)
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
