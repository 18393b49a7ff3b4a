"""The quote check: every statement's quote must occur in its source's text.

Texts extracted from published PDFs split words ("con di tions"), break lines with hyphens
("pan-\\ndemic") and wrap freely, so quote and text are compared with whitespace and hyphens
removed (see :func:`normalise`).
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import KGError, Problem, QuoteError
from kg.model import Curation

_IGNORED = re.compile(r"[\s\-\u00ad\u2010\u2011]+")


def normalise(text: str) -> str:
    """Remove whitespace and hyphens, the artefacts of text extraction.

    >>> normalise("pan-\\ndemic con di tions")
    'pandemicconditions'
    """
    return _IGNORED.sub("", text)


def check_quotes(curation: Curation, sources_dir: Path) -> list[Problem]:
    """Check each statement's quote against its source's text in ``sources_dir``.

    A source names its text with ``text_file`` (a file name inside ``sources_dir``).

    Args:
        curation: the checked curation.
        sources_dir: a directory holding the source texts.

    Returns:
        One problem per quote not found, and per source whose text is missing.

    Raises:
        KGError: ``sources_dir`` is not a directory.
    """
    if not sources_dir.is_dir():
        raise KGError(f"{sources_dir}: not a directory; pass the folder holding the source texts")
    texts: dict[str, str | None] = {}
    problems: list[Problem] = []
    quoted = {statement.source for statement in curation.statements}
    for source in curation.sources:
        if source.id not in quoted:
            continue  # a cited document with no statements of its own has nothing to check
        path = sources_dir / source.text_file if source.text_file else None
        if path is None or not path.is_file():
            texts[source.id] = None
            problems.append(
                Problem(
                    source.where.file,
                    source.where.line,
                    f"source {source.id!r}: text file {source.text_file!r}"
                    f" not found in {sources_dir}",
                    "quote",
                )
            )
            continue
        texts[source.id] = normalise(path.read_text(encoding="utf-8"))
    for statement in curation.statements:
        text = texts.get(statement.source)
        if text is None:
            continue
        if normalise(statement.quote) not in text:
            problems.append(
                Problem(
                    statement.where.file,
                    statement.where.line,
                    f"statement {statement.id!r}: quote not found"
                    f" in the text of {statement.source!r}:"
                    f" {statement.quote[:70]!r}",
                    "quote",
                )
            )
    return problems


def require_quotes(curation: Curation, sources_dir: Path) -> None:
    """Like :func:`check_quotes`, but raise :class:`QuoteError` when any quote is not found."""
    problems = check_quotes(curation, sources_dir)
    if problems:
        raise QuoteError(problems)
