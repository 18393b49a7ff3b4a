"""The main job: curation in, checked graph and export files out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.curation import load_curation
from kg.errors import ExportError
from kg.export import ExportFormat, export_files, write_files
from kg.model import Curation
from kg.quotes import require_quotes
from kg.store import curation_ntriples


@dataclass(frozen=True)
class BuildReport:
    """What a build read and wrote."""

    curation: Curation
    triples: int
    files: tuple[Path, ...]

    @property
    def summary(self) -> str:
        """One line for the command line."""
        c = self.curation
        xrefs = sum(len(e.xrefs) + len(e.close_matches) for e in c.entities)
        return (
            f"{len(c.sources)} sources, {len(c.entities)} entities, {len(c.statements)} statements,"
            f" {xrefs} cross-references, {self.triples} triples; wrote {len(self.files)} files"
        )


def run_build(
    out_dir: Path,
    data_dir: Path | None = None,
    sources_dir: Path | None = None,
    formats: tuple[ExportFormat, ...] = tuple(ExportFormat),
    store_path: Path | None = None,
    merge: tuple[Path, ...] = (),
) -> BuildReport:
    """Load and check the curation, build the graph, write the exports.

    N-Triples and the on-disk store are written straight from the records; an rdflib graph is
    built only when another format needs one (so ``--format ntriples`` scales to large
    curations). A dataset description (``void.ttl``) and a SHA-256 manifest come with them.

    Args:
        out_dir: where the export files go (created if needed).
        data_dir: a curation directory; the bundled curation when ``None``.
        sources_dir: a folder of source texts; when given, every quote is checked against them.
        formats: which exports to write.
        store_path: also write an on-disk Oxigraph store there, for `kg query --store`.
        merge: external RDF files (N-Triples, Turtle, RDF/XML, N3) whose triples are added to
            the N-Triples export and the store, e.g. an ontology or a larger KG to query
            together with the curation. Only with ``formats`` = N-Triples: the other formats
            are written from the curation's records and would silently leave them out.

    Raises:
        CurationError: the curation has problems (nothing is written).
        QuoteError: a quote is not in its source (nothing is written).
        ExportError: the files could not be written (the previous ones stay).
    """
    if merge and tuple(formats) != (ExportFormat.NTRIPLES,):
        raise ExportError(
            "--merge adds external triples to the N-Triples export and the store only;"
            " add --format ntriples"
        )
    curation = load_curation(data_dir)
    if sources_dir is not None:
        require_quotes(curation, sources_dir)
    files = export_files(curation, formats, merge=merge)
    written = write_files(files, out_dir)
    ntriples = files.get(ExportFormat.NTRIPLES.filename) or curation_ntriples(curation)
    if store_path is not None:
        from kg.store import write_store

        write_store(ntriples, store_path)
    return BuildReport(curation, ntriples.count(b"\n"), tuple(written))
