"""The curated records: sources, entities and statements, as plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Modality(StrEnum):
    """How a source puts a statement. Only ``asserted`` statements yield a direct triple."""

    ASSERTED = "asserted"
    HYPOTHESISED = "hypothesised"
    RECOMMENDED = "recommended"
    RECOMMENDED_AGAINST = "recommended_against"
    UNKNOWN = "unknown"
    NEGATIVE = "negative"


#: A qualifier value once typed: a number, a flag, text, or an entity id (see :class:`EntityRef`).
QualifierValue = Decimal | int | bool | str


@dataclass(frozen=True)
class EntityRef:
    """A reference to a curated entity inside a qualifier."""

    id: str


@dataclass(frozen=True)
class Located:
    """Where a record was read from."""

    file: str
    line: int


@dataclass(frozen=True)
class Source:
    """A document the graph is curated from."""

    id: str
    title: str
    authors: tuple[str, ...]
    venue: str
    year: int
    type: str
    licence: str | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    text_file: str | None = None
    description: str | None = None
    cites: tuple[str, ...] = ()
    where: Located = field(default=Located("", 0), compare=False)


@dataclass(frozen=True)
class Entity:
    """A curated entity: a disease, a cytokine, a therapy, a study..."""

    id: str
    label: str
    category: str
    synonyms: tuple[str, ...] = ()
    description: str | None = None
    xrefs: tuple[str, ...] = ()
    close_matches: tuple[str, ...] = ()
    where: Located = field(default=Located("", 0), compare=False)


@dataclass(frozen=True)
class Statement:
    """One curated claim of one source, with its quote and evidence."""

    id: str
    source: str
    subject: str
    predicate: str
    object: str
    quote: str
    evidence: str
    modality: Modality
    context: str | None = None
    qualifiers: tuple[tuple[str, QualifierValue | EntityRef], ...] = ()
    quote_mentions: tuple[str, ...] = ()
    where: Located = field(default=Located("", 0), compare=False)

    def qualifier(self, name: str) -> QualifierValue | EntityRef | None:
        """The first value of qualifier ``name``, or ``None``."""
        for key, value in self.qualifiers:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Curation:
    """Everything read from one curation directory, checked and typed."""

    sources: tuple[Source, ...]
    entities: tuple[Entity, ...]
    statements: tuple[Statement, ...]

    def entity(self, entity_id: str) -> Entity:
        """The entity with ``entity_id``; raises ``KeyError`` if there is none."""
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)
