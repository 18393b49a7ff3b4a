"""Quote–claim alignment: a statement's quote should name the things the statement links.

A quote can exist in the paper and still not support the claim it is attached to. The cheap,
useful check is that the quote mentions the subject and the object, by label, synonym or id
(compared like the quote check: case, whitespace and hyphens ignored, so "IL-6" finds "il 6"
and "cytokine" finds "cytokines"). Where a quote legitimately names an entity another way
("It", "this pandemic", the study a paragraph is about), the statement says so in
``quote_mentions`` ("It (anakinra)"), and the entity's name there counts.
"""

from __future__ import annotations

from kg.errors import Problem
from kg.model import Curation, Entity, Statement
from kg.quotes import normalise

KIND = "alignment"


def _key(text: str) -> str:
    """The form names and quotes are compared in.

    >>> _key("IL-6 Blockade") == _key("il 6 blockade")
    True
    """
    return normalise(text).casefold()


def _names(entity: Entity) -> list[str]:
    return [_key(name) for name in (entity.label, *entity.synonyms, entity.id) if name]


def mentions(statement: Statement, entity: Entity) -> bool:
    """Whether ``statement``'s quote, or its ``quote_mentions``, names ``entity``.

    >>> from kg.model import Entity, Modality, Statement
    >>> il6 = Entity("il-6", "IL-6", "Cytokine", synonyms=("interleukin-6",))
    >>> quote = "raised interleukin 6 levels"
    >>> mentions(Statement("s", "src", "x", "p", "il-6", quote, "E", Modality.ASSERTED), il6)
    True
    """
    names = _names(entity)
    quote = _key(statement.quote)
    if any(name in quote for name in names):
        return True
    return any(name in _key(note) for note in statement.quote_mentions for name in names)


def check_alignment(curation: Curation) -> list[Problem]:
    """A warning for each statement whose quote names neither by name nor by note its subject
    or its object.

    Returns:
        Problems of kind ``alignment``, severity ``warning``, at the statement's line.
    """
    entities = {entity.id: entity for entity in curation.entities}
    problems = []
    for statement in curation.statements:
        for role in ("subject", "object"):
            entity = entities.get(getattr(statement, role))
            if entity is None or mentions(statement, entity):
                continue
            problems.append(
                Problem(
                    statement.where.file,
                    statement.where.line,
                    f"statement {statement.id!r}: the quote does not name its {role}"
                    f" {entity.label!r} (by label, synonym or id); if it refers to it another"
                    f' way, say how in quote_mentions, e.g. ["It ({entity.label})"]',
                    KIND,
                    severity="warning",
                )
            )
    return problems
