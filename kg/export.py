"""Serialise the graph: one writer per format, and an all-or-nothing write of ``exports/``.

RDF syntaxes come from the rdflib graph; graph formats (GraphML, GEXF, Cytoscape.js, KGX,
Neo4j) from the property-graph view (:mod:`kg.propertygraph`), in which every edge carries
its provenance; the explorer page (:mod:`kg.viz`) and the overview picture (:mod:`kg.overview`)
from the networkx view (:mod:`kg.network`); the inferred triples from HermiT
(:mod:`kg.reason`), in a file of their own. Every writer sorts what it writes, so rebuilding
gives identical bytes.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from rdflib import Graph

from kg.errors import ExportError
from kg.model import Curation
from kg.reason import INFERRED_FILE

log = logging.getLogger(__name__)

BASENAME = "cytokine-storm-kg"


class ExportFormat(StrEnum):
    """The formats ``kg build`` writes and ``kg export`` offers."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    RDFXML = "rdfxml"
    JSONLD = "jsonld"
    TRIG = "trig"
    NQUADS = "nquads"
    OWL = "owl"
    GRAPHML = "graphml"
    GEXF = "gexf"
    CYTOSCAPE = "cytoscape"
    KGX = "kgx"
    NEO4J = "neo4j"
    EXPLORER = "explorer"
    OVERVIEW = "overview"
    INFERRED = "inferred"

    @property
    def filename(self) -> str:
        """The main file this format is written to inside ``exports/``."""
        return _FILENAMES[self]


_FILENAMES = {
    ExportFormat.TURTLE: f"{BASENAME}.ttl",
    ExportFormat.NTRIPLES: f"{BASENAME}.nt",
    ExportFormat.RDFXML: f"{BASENAME}.rdf",
    ExportFormat.JSONLD: f"{BASENAME}.jsonld",
    ExportFormat.TRIG: f"{BASENAME}.trig",
    ExportFormat.NQUADS: f"{BASENAME}.nq",
    ExportFormat.OWL: f"{BASENAME}.owl",
    ExportFormat.GRAPHML: f"{BASENAME}.graphml",
    ExportFormat.GEXF: f"{BASENAME}.gexf",
    ExportFormat.CYTOSCAPE: f"{BASENAME}.cyjs",
    ExportFormat.KGX: "kgx/nodes.tsv",
    ExportFormat.NEO4J: "neo4j/nodes.csv",
    ExportFormat.EXPLORER: "explorer.html",
    ExportFormat.OVERVIEW: "overview.png",
    ExportFormat.INFERRED: INFERRED_FILE,
}


@dataclass
class Release:
    """What the writers read: the curation, and views of it built on first use."""

    curation: Curation
    _graph: Graph | None = field(default=None, repr=False)

    @property
    def graph(self) -> Graph:
        """The full rdflib graph (ontology + curation)."""
        if self._graph is None:
            from kg.build import build_graph

            self._graph = build_graph(self.curation)
        return self._graph

    @cached_property
    def ntriples(self) -> bytes:  # assigned to when external triples are merged in
        """Sorted N-Triples of the whole graph, written straight from the records."""
        from kg.store import curation_ntriples

        return curation_ntriples(self.curation)


def to_turtle(graph: Graph) -> bytes:
    """Turtle, with the project's prefixes; rdflib sorts subjects, so output is stable."""
    return graph.serialize(format="turtle", encoding="utf-8")


def to_ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, sorted so that two builds give identical bytes."""
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines()
    return b"\n".join(sorted(line for line in lines if line.strip())) + b"\n"


def to_rdfxml(graph: Graph) -> bytes:
    """RDF/XML from rdflib's plain writer (its pretty one drops triples on OWL list nodes).

    The release uses :func:`ntriples_to` instead, whose output order is fixed.
    """
    return graph.serialize(format="xml", encoding="utf-8")


def ntriples_to(ntriples: bytes, fmt: str) -> bytes:
    """Re-serialise sorted N-Triples (or N-Quads) with Oxigraph, which writes in input order.

    rdflib's RDF/XML, JSON-LD and TriG writers follow its store's hash order, which changes
    from one process to the next; Oxigraph's keep the (sorted) order they are given.
    """
    import pyoxigraph as ox

    from kg.namespaces import PREFIXES

    source = ox.RdfFormat.N_QUADS if fmt in {"trig"} else ox.RdfFormat.N_TRIPLES
    target = {
        "rdfxml": ox.RdfFormat.RDF_XML,
        "jsonld": ox.RdfFormat.JSON_LD,
        "trig": ox.RdfFormat.TRIG,
    }[fmt]
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    if fmt == "trig":
        prefixes["np"] = "https://w3id.org/cytokine-storm-kg/np/"
    quads = ox.parse(ntriples, format=source)
    data = ox.serialize(quads, format=target, prefixes=prefixes)
    return data if isinstance(data, bytes) else b""


def serialize(graph: Graph, fmt: ExportFormat) -> bytes:
    """The bytes of ``graph`` in one of the single-file RDF syntaxes."""
    writer = {
        ExportFormat.TURTLE: to_turtle,
        ExportFormat.NTRIPLES: to_ntriples,
        ExportFormat.RDFXML: to_rdfxml,
    }.get(fmt)
    if writer is None:
        raise ExportError(f"{fmt.value} is not written from a single graph; use export_files")
    return writer(graph)


def _ntriples(release: Release, fmt: ExportFormat) -> dict[str, bytes]:
    return {fmt.filename: release.ntriples}


def _jsonld(release: Release, fmt: ExportFormat) -> dict[str, bytes]:
    from kg.exporters.jsonld import jsonld_files

    return jsonld_files(ntriples_to(release.ntriples, "jsonld"), fmt.filename)


def _datasets(release: Release, fmt: ExportFormat) -> dict[str, bytes]:
    from kg.exporters.nanopub import nanopub_dataset

    lines = nanopub_dataset(release.curation).serialize(format="nquads", encoding="utf-8")
    nquads = b"\n".join(sorted(set(lines.splitlines()))) + b"\n"
    if fmt is ExportFormat.NQUADS:
        return {fmt.filename: nquads}
    return {fmt.filename: ntriples_to(nquads, "trig")}


def _owl(release: Release, fmt: ExportFormat) -> dict[str, bytes]:
    from kg.exporters.owl import owl_file

    return {fmt.filename: owl_file(release.ntriples)}


def _property_graph(release: Release, fmt: ExportFormat) -> dict[str, bytes]:
    from kg.exporters import graphs

    return graphs.WRITERS[fmt](release.curation, fmt.filename)


def _explorer(release: Release, fmt: ExportFormat) -> dict[str, bytes]:
    from kg.viz import explorer_html

    return {fmt.filename: explorer_html(release.curation)}


def _overview(release: Release, fmt: ExportFormat) -> dict[str, bytes]:
    from kg.overview import overview_png

    return {fmt.filename: overview_png(release.curation)}


def _inferred(release: Release, fmt: ExportFormat) -> dict[str, bytes]:
    """What HermiT infers, in a file of its own: never mixed into the curated graph."""
    from kg.reason import ReasonerUnavailableError, inferred_graph_ntriples, require_consistent

    try:
        result = require_consistent(release.curation)
    except ReasonerUnavailableError as exc:
        raise ExportError(f"{exc}; or build without it: kg build --no-reason") from exc
    return {fmt.filename: inferred_graph_ntriples(result)}


_WRITERS: dict[ExportFormat, Callable[[Release, ExportFormat], dict[str, bytes]]] = {
    ExportFormat.TURTLE: lambda r, f: {f.filename: to_turtle(r.graph)},
    ExportFormat.NTRIPLES: _ntriples,
    ExportFormat.RDFXML: lambda r, f: {f.filename: ntriples_to(r.ntriples, "rdfxml")},
    ExportFormat.JSONLD: _jsonld,
    ExportFormat.TRIG: _datasets,
    ExportFormat.NQUADS: _datasets,
    ExportFormat.OWL: _owl,
    ExportFormat.GRAPHML: _property_graph,
    ExportFormat.GEXF: _property_graph,
    ExportFormat.CYTOSCAPE: _property_graph,
    ExportFormat.KGX: _property_graph,
    ExportFormat.NEO4J: _property_graph,
    ExportFormat.EXPLORER: _explorer,
    ExportFormat.OVERVIEW: _overview,
    ExportFormat.INFERRED: _inferred,
}


def merge_ntriples(ntriples: bytes, paths: Iterable[Path]) -> bytes:
    """Sorted, distinct N-Triples of ``ntriples`` and every triple of the RDF files ``paths``.

    The files are parsed by Oxigraph in the syntax their extension names (``.nt``, ``.ttl``,
    ``.rdf``/``.owl``/``.xml`` as RDF/XML, ``.n3``).

    Raises:
        ExportError: a file cannot be read, has an unknown extension or is not valid RDF
            (the message gives the line and column).
    """
    import pyoxigraph as ox

    lines = set(ntriples.splitlines(keepends=True))
    for path in paths:
        extension = path.suffix.lstrip(".").lower()
        fmt = ox.RdfFormat.RDF_XML if extension in {"owl", "xml"} else None
        fmt = fmt or ox.RdfFormat.from_extension(extension)
        if fmt is None or fmt.supports_datasets:
            raise ExportError(
                f"{path}: cannot tell the RDF syntax from {path.suffix!r};"
                " name the file .nt, .ttl, .rdf, .owl or .n3"
            )
        try:
            triples = ox.parse(path=str(path), format=fmt)
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            raise ExportError(f"{path}:{exc.lineno}: not valid {fmt.name}: {exc.msg}") from exc
        except OSError as exc:
            raise ExportError(f"{path}: cannot read the file to merge: {exc.strerror}") from exc
        lines.update((data or b"").splitlines(keepends=True))
    return b"".join(sorted(lines))


def format_files(curation: Curation, fmt: ExportFormat) -> dict[str, bytes]:
    """The files of one format (name inside ``exports/`` -> bytes), without the description."""
    return _WRITERS[fmt](Release(curation), fmt)


@dataclass(frozen=True)
class FormatExport:
    """What ``kg export`` produced: files written, or the bytes for standard output."""

    fmt: ExportFormat
    paths: tuple[Path, ...] = ()
    data: bytes | None = None


def export_format(
    fmt: ExportFormat, out: Path | None = None, data_dir: Path | None = None
) -> FormatExport:
    """Export the curation in one format (``kg export``).

    With ``out`` ``None`` a one-file format is returned as bytes (for standard output).
    ``out`` is the file to write for one-file formats; JSON-LD also writes its published
    ``context.jsonld`` beside it. For the multi-file formats (KGX, Neo4j) ``out`` is a
    directory, which receives ``nodes.tsv``/``edges.tsv`` or ``nodes.csv``/``relationships.csv``.

    Raises:
        CurationError: the curation has problems.
        ExportError: a multi-file format without ``out``, or the files could not be written.
    """
    from kg.curation import load_curation

    files = format_files(load_curation(data_dir), fmt)
    folder = fmt.filename.rsplit("/", 1)[0] + "/" if "/" in fmt.filename else None
    if folder is not None:
        if out is None:
            raise ExportError(f"{fmt.value} writes several files: give a directory with --out")
        named = {name.removeprefix(folder): data for name, data in files.items()}
        return FormatExport(fmt, paths=tuple(write_files(named, out)))
    if out is None:
        return FormatExport(fmt, data=files[fmt.filename])
    named = {out.name if name == fmt.filename else name: data for name, data in files.items()}
    if out.name in named and len(named) != len(files):
        raise ExportError(f"{out}: this name is taken by a companion file; choose another")
    return FormatExport(fmt, paths=tuple(write_files(named, out.parent)))


def export_files(
    curation: Curation, formats: Iterable[ExportFormat], *, merge: Iterable[Path] = ()
) -> dict[str, bytes]:
    """Every file of ``formats`` (name -> bytes), plus the dataset description and manifest.

    The dataset description (VoID + DCAT, ``void.ttl``) and the SHA-256 manifest
    (``MANIFEST.sha256``) describe exactly the files written with them; the SHACL shapes
    (``shapes.ttl``) come along, so that a copy can be validated where it is loaded. The
    triples of the ``merge`` files join the curation's in the N-Triples (see
    :func:`merge_ntriples`).
    """
    from kg.exporters.void import dataset_description, manifest
    from kg.shacl import SHAPES_FILE, shapes_path

    release = Release(curation)
    if merge:
        release.ntriples = merge_ntriples(release.ntriples, merge)
    files: dict[str, bytes] = {}
    for fmt in formats:
        files.update(_WRITERS[fmt](release, fmt))
    files[SHAPES_FILE] = shapes_path().read_bytes()  # so that others can validate their copies
    files["void.ttl"] = dataset_description(curation, release.ntriples, files)
    files["MANIFEST.sha256"] = manifest(files)
    return files


def write_files(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``out_dir`` all at once.

    Everything is written to a temporary directory beside ``out_dir`` first; only when every
    file is complete are they moved into place (``os.replace``, atomic per file), so a failure
    leaves the previous exports as they were.

    Raises:
        ExportError: the directory cannot be created or written.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".exports-", dir=out_dir.parent))
    except OSError as exc:
        raise ExportError(f"{out_dir}: cannot create the export directory: {exc.strerror}") from exc
    try:
        for name, data in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
        written = []
        for name in files:
            target = out_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
            written.append(target)
        return written
    except OSError as exc:
        raise ExportError(f"{out_dir}: cannot write exports: {exc.strerror}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def export_graph(graph: Graph, formats: Iterable[ExportFormat], out_dir: Path) -> list[Path]:
    """Serialise ``graph`` in each single-graph RDF format and write them into ``out_dir``."""
    files = {fmt.filename: serialize(graph, fmt) for fmt in formats}
    log.info("writing %d files to %s", len(files), out_dir)
    return write_files(files, out_dir)
