"""Compare two releases statement by statement: what was added, removed or changed.

A release is an export directory (its ``cytokine-storm-kg.nt``) or an N-Triples file.
Statements are matched by their IRI; a statement whose triple, modality, quote, evidence or
qualifiers differ between the two is reported as changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kg.errors import KGError
from kg.namespaces import KGS

NTRIPLES_NAME = "cytokine-storm-kg.nt"
RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
RDF_PREDICATE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"
RDF_OBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#object"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


class DiffError(KGError):
    """A release to compare cannot be read."""


@dataclass(frozen=True)
class StatementRecord:
    """What a release says of one statement: its triple, source, and every other property."""

    id: str
    triple: tuple[str, str, str]
    source: str
    properties: frozenset[tuple[str, str]]

    def describe(self) -> str:
        """``subject predicate object (source)`` with local names."""
        s, p, o = (_local(t) for t in self.triple)
        return f"{s} {p} {o} ({_local(self.source)})"


@dataclass(frozen=True)
class Diff:
    """The difference between two releases."""

    added: tuple[StatementRecord, ...]
    removed: tuple[StatementRecord, ...]
    changed: tuple[tuple[StatementRecord, StatementRecord], ...]

    def lines(self) -> list[str]:
        """``+``, ``-`` and ``~`` lines, one per statement, sorted by id."""
        out = [f"- {r.id}: {r.describe()}" for r in self.removed]
        out += [f"+ {r.id}: {r.describe()}" for r in self.added]
        for old, new in self.changed:
            gone = sorted(old.properties - new.properties)
            came = sorted(new.properties - old.properties)
            detail = "; ".join(
                [f"was {_local(p)}={_short(v)}" for p, v in gone]
                + [f"now {_local(p)}={_short(v)}" for p, v in came]
            )
            if old.triple != new.triple:
                detail = f"was {old.describe()}; " + detail
            out.append(f"~ {new.id}: {new.describe()}: {detail}".rstrip(": "))
        return sorted(out, key=lambda line: (line[2:], line[0]))

    @property
    def empty(self) -> bool:
        """Whether the releases hold the same statements."""
        return not (self.added or self.removed or self.changed)


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _decimal(text: str) -> str:
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return text


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def read_statements(path: Path) -> dict[str, StatementRecord]:
    """The statements of one release (an export directory or an N-Triples file)."""
    import pyoxigraph as ox

    file = path / NTRIPLES_NAME if path.is_dir() else path
    if not file.is_file():
        raise DiffError(f"{path}: no {NTRIPLES_NAME} there; give an export directory or a file")
    props: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    try:
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.N_TRIPLES):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value.startswith(str(KGS)):
                obj = quad.object
                if isinstance(obj, ox.Literal) and obj.datatype.value == XSD_DECIMAL:
                    value = _decimal(obj.value)  # 4 and 4.0 are one value
                else:
                    value = obj.value if isinstance(obj, ox.NamedNode | ox.Literal) else str(obj)
                props[subject.value][quad.predicate.value].add(value)
    except (OSError, SyntaxError) as exc:
        raise DiffError(f"{file}: not readable as N-Triples: {exc}") from exc
    records = {}
    for iri, by_predicate in props.items():
        single = {p: min(v) for p, v in by_predicate.items()}
        triple = (
            single.get(RDF_SUBJECT, ""),
            single.get(RDF_PREDICATE, ""),
            single.get(RDF_OBJECT, ""),
        )
        rest = frozenset(
            (p, v)
            for p, values in by_predicate.items()
            if p not in (RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT)
            for v in values
        )
        statement_id = iri[len(str(KGS)) :]
        records[statement_id] = StatementRecord(
            statement_id, triple, single.get(DERIVED_FROM, ""), rest
        )
    return records


def diff_releases(old: Path, new: Path) -> Diff:
    """Statements added, removed and changed from release ``old`` to release ``new``."""
    before, after = read_statements(old), read_statements(new)
    added = tuple(after[i] for i in sorted(after.keys() - before.keys()))
    removed = tuple(before[i] for i in sorted(before.keys() - after.keys()))
    changed = tuple(
        (before[i], after[i]) for i in sorted(before.keys() & after.keys()) if before[i] != after[i]
    )
    return Diff(added, removed, changed)
