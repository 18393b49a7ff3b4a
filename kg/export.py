"""Serialise the graph: one writer per format, and an all-or-nothing write of ``exports/``."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path

from rdflib import Graph

from kg.errors import ExportError

log = logging.getLogger(__name__)

BASENAME = "cytokine-storm-kg"


class ExportFormat(StrEnum):
    """The formats ``kg build`` writes and ``kg export`` offers."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"

    @property
    def filename(self) -> str:
        """The file name this format is written to inside ``exports/``."""
        return _FILENAMES[self]


_FILENAMES = {
    ExportFormat.TURTLE: f"{BASENAME}.ttl",
    ExportFormat.NTRIPLES: f"{BASENAME}.nt",
}


def to_turtle(graph: Graph) -> bytes:
    """Turtle, with the project's prefixes; rdflib sorts subjects, so output is stable."""
    return graph.serialize(format="turtle", encoding="utf-8")


def to_ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, sorted so that two builds give identical bytes."""
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines()
    return b"\n".join(sorted(line for line in lines if line.strip())) + b"\n"


WRITERS: dict[ExportFormat, Callable[[Graph], bytes]] = {
    ExportFormat.TURTLE: to_turtle,
    ExportFormat.NTRIPLES: to_ntriples,
}


def serialize(graph: Graph, fmt: ExportFormat) -> bytes:
    """The bytes of ``graph`` in ``fmt``."""
    return WRITERS[fmt](graph)


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
    """Serialise ``graph`` in each of ``formats`` and write them into ``out_dir``."""
    files = {fmt.filename: serialize(graph, fmt) for fmt in formats}
    log.info("writing %d files to %s", len(files), out_dir)
    return write_files(files, out_dir)
