"""The project's exceptions: one small hierarchy, each message naming the file and the fix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


class KGError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in curation input, located in a file.

    Args:
        file: the file the problem is in.
        line: 1-based line number (0 when the problem concerns the whole file).
        message: what is wrong, and the fix where one is known.
        kind: a short, stable name for the kind of problem (used to group reports).
        column: 1-based column, 0 when unknown.
        severity: ``error`` or ``warning``.
    """

    file: str
    line: int
    message: str
    kind: str = "curation"
    column: int = 0
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class CurationError(KGError):
    """The curation files hold one or more errors.

    The message lists each problem as ``file:line: what is wrong``.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls, file: str | Path, line: int, message: str, kind: str = "curation"
    ) -> CurationError:
        """Make an error holding one problem."""
        return cls([Problem(str(file), line, message, kind)])


class QuoteError(KGError):
    """A statement's quote does not occur in its source's text."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OntologyError(KGError):
    """The OWL schema cannot be read or lacks something the code needs."""


class ExportError(KGError):
    """An export could not be written."""


class GraphFileError(KGError):
    """An RDF file given as the graph cannot be read."""


class QueryError(KGError):
    """A query cannot be run as written: unknown name or parameter, update, unsafe feature."""


class QuerySyntaxError(QueryError):
    """A query is not valid SPARQL; carries the line, the column and the offending line."""

    def __init__(self, message: str, line: int, column: int, text: str) -> None:
        self.line = line
        self.column = column
        self.text = text
        pointer = " " * max(column - 1, 0) + "^"
        super().__init__(
            f"query syntax error at line {line}, column {column}: {message}\n  {text}\n  {pointer}"
        )


class ResultTooLargeError(QueryError):
    """An answer has more rows or triples than the limit allows."""


class ReadOnlyError(QueryError):
    """A SPARQL Update was sent; the graph is only ever queried."""


class ViewError(KGError):
    """A view of the graph cannot be drawn as asked: unknown entity or category, bad hop count."""
