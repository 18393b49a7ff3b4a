"""Explaining an OWL inconsistency: which curated statements HermiT cannot accept, and why.

HermiT's own answer to an inconsistent ontology is a Java exception naming nothing a curator
wrote. Here each asserted statement becomes a small class expression ("a thing of the
subject's category that has this predicate to a thing of the object's category"); HermiT then
says which of them are unsatisfiable, in one run for all statements. Conflicts that need two
statements about the same entity are found the same way, per entity, then narrowed by leaving
each statement out. Every problem is located at its statement's ``file:line``.
"""

from __future__ import annotations

import types
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kg.errors import Problem
from kg.model import Statement
from kg.reason import (
    CHECKS_IRI,
    PROBLEM_KIND,
    ReasonerError,
    category_iri,
    data_ntriples,
    new_world,
    predicate_iri,
    run_hermit,
)
from kg.schema import ONTOLOGY_FILE, Schema, ontology_dir

if TYPE_CHECKING:
    from owlready2 import ObjectPropertyClass, ThingClass


def explain_inconsistency(
    categories: dict[str, str], facts: Sequence[Statement], schema: Schema
) -> list[Problem]:
    """Find the statements that make the curation inconsistent, in words a curator can act on.

    Each asserted statement is checked against the schema and the categories of its two ends
    alone, all in one HermiT run: the class ``category(subject) and predicate some
    category(object)`` is unsatisfiable exactly when that statement alone contradicts the
    schema. Conflicts no single statement explains are looked for around each entity (the
    statements about it, taken together), and then removed statements are confirmed to restore
    consistency.
    """
    checks = _Checks(categories, schema)
    for index, statement in enumerate(facts):
        checks.add_statement(index, statement)
    star: dict[str, list[tuple[int, Statement]]] = defaultdict(list)
    for index, statement in enumerate(facts):
        star[statement.subject].append((index, statement))
        if statement.object != statement.subject:
            star[statement.object].append((index, statement))
    for entity_id, around in sorted(star.items()):
        if len(around) > 1:
            checks.add_star(entity_id, around, leave_out=None)
    unsatisfiable = checks.run()

    problems: list[Problem] = []
    culprits: set[int] = set()
    for index, statement in enumerate(facts):
        message = checks.statement_message(index, statement, unsatisfiable)
        if message:
            culprits.add(index)
            problems.append(_problem(statement, message))

    tangled = [
        entity_id
        for entity_id, around in sorted(star.items())
        if checks.star_name(entity_id, None) in unsatisfiable
        and not any(index in culprits for index, _ in around)
    ]
    if tangled:
        again = _Checks(categories, schema)
        for entity_id in tangled:
            for index, _ in star[entity_id]:
                again.add_star(entity_id, star[entity_id], leave_out=index)
        still = again.run()
        for entity_id in tangled:
            around = star[entity_id]
            # The statements whose removal alone frees the entity are in every conflict; when
            # there are none (several overlapping conflicts), all of them are named.
            needed = [
                (i, s) for i, s in around if again.star_name(entity_id, i) not in still
            ] or around
            culprits.update(i for i, _ in needed)
            problems.extend(_problem(s, checks.star_message(entity_id, needed)) for _, s in needed)

    remaining = [s for i, s in enumerate(facts) if i not in culprits]
    world = new_world(data_ntriples(categories, remaining, schema))
    try:
        restored = run_hermit(world, infer_property_values=False)
    finally:
        world.close()
    if not restored:
        path = ontology_dir() / ONTOLOGY_FILE
        problems.append(
            Problem(
                str(path),
                0,
                "the asserted statements are inconsistent with the ontology"
                + (", even without the statements above" if culprits else "")
                + ", and no single statement or entity explains why: "
                "open the graph and the ontology in Protege and ask HermiT for an explanation",
                PROBLEM_KIND,
            )
        )
    return sorted(problems, key=lambda p: (p.file, p.line, p.message))


def _problem(statement: Statement, message: str) -> Problem:
    return Problem(
        statement.where.file,
        statement.where.line,
        f"statement {statement.id!r}: {message}",
        PROBLEM_KIND,
    )


class _Checks:
    """A world holding the schema and one named class per question; HermiT answers them all."""

    def __init__(self, categories: dict[str, str], schema: Schema) -> None:
        self.categories = categories
        self.schema = schema
        self.world = new_world()
        self.namespace = self.world.get_ontology(CHECKS_IRI)

    def _class(self, entity_id: str) -> ThingClass:
        category = self.categories.get(entity_id)
        if category is None:
            return self.world["http://www.w3.org/2002/07/owl#Thing"]
        return self.world[str(category_iri(self.schema, category))]

    def _property(self, statement: Statement) -> ObjectPropertyClass:
        return self.world[str(predicate_iri(self.schema, statement))]

    def _new(self, name: str, parent: ThingClass, restrictions: Iterable[Any]) -> None:
        with self.namespace:
            cls: Any = types.new_class(name, (parent,))
        cls.is_a.extend(restrictions)

    def add_statement(self, index: int, statement: Statement) -> None:
        from owlready2 import Inverse, Thing

        prop = self._property(statement)
        subject, obj = self._class(statement.subject), self._class(statement.object)
        self._new(f"s{index}_subject", subject, [prop.some(Thing)])
        self._new(f"s{index}_object", obj, [Inverse(prop).some(Thing)])
        self._new(f"s{index}_both", subject, [prop.some(obj)])

    def star_name(self, entity_id: str, leave_out: int | None) -> str:
        suffix = "" if leave_out is None else f"_without_{leave_out}"
        return f"{CHECKS_IRI}e_{entity_id}{suffix}"

    def add_star(
        self, entity_id: str, around: Sequence[tuple[int, Statement]], leave_out: int | None
    ) -> None:
        from owlready2 import Inverse

        restrictions = []
        for index, statement in around:
            if index == leave_out:
                continue
            prop = self._property(statement)
            if statement.subject == entity_id:
                restrictions.append(prop.some(self._class(statement.object)))
            if statement.object == entity_id:
                restrictions.append(Inverse(prop).some(self._class(statement.subject)))
        name = self.star_name(entity_id, leave_out).removeprefix(CHECKS_IRI)
        self._new(name, self._class(entity_id), restrictions)

    def run(self) -> set[str]:
        """The IRIs of the question classes HermiT finds unsatisfiable."""
        try:
            if not run_hermit(self.world, infer_property_values=False):
                raise ReasonerError("the ontology itself is inconsistent: check its axioms")
            return {
                c.iri for c in self.world.inconsistent_classes() if c.iri.startswith(CHECKS_IRI)
            }
        finally:
            self.world.close()

    def describe(self, entity_id: str) -> str:
        """``'il-6' is a Cytokine, so a GeneOrProtein``."""
        category = self.categories.get(entity_id)
        if category is None:
            return f"'{entity_id}' (not a curated entity)"
        kind = self.schema.kind_of(category)
        extra = f", so {_a(kind)}" if kind != category else ""
        return f"'{entity_id}' is {_a(category)}{extra}"

    def statement_message(
        self, index: int, statement: Statement, unsatisfiable: set[str]
    ) -> str | None:
        """Why ``statement`` alone contradicts the schema, or ``None`` if it does not."""
        predicate = self.schema.predicates[statement.predicate]
        if f"{CHECKS_IRI}s{index}_subject" in unsatisfiable:
            allowed = _classes(predicate.domain)
            return (
                f"{self.describe(statement.subject)}, but '{statement.predicate}' makes its "
                f"subject {allowed}, which is disjoint: correct the subject, the predicate or "
                "the category"
            )
        if f"{CHECKS_IRI}s{index}_object" in unsatisfiable:
            allowed = _classes(predicate.range)
            return (
                f"{self.describe(statement.object)}, but '{statement.predicate}' makes its "
                f"object {allowed}, which is disjoint: correct the object, the predicate or "
                "the category"
            )
        if f"{CHECKS_IRI}s{index}_both" in unsatisfiable:
            return (
                f"'{statement.subject}' '{statement.predicate}' '{statement.object}' "
                f"contradicts the ontology's axioms ({self.describe(statement.subject)}; "
                f"{self.describe(statement.object)})"
            )
        return None

    def star_message(self, entity_id: str, needed: Sequence[tuple[int, Statement]]) -> str:
        """Why the statements about ``entity_id`` cannot all hold together."""
        parts = []
        for _, other in needed:
            predicate = self.schema.predicates[other.predicate]
            bound = predicate.domain if other.subject == entity_id else predicate.range
            parts.append(f"'{other.id}' ({other.predicate}) makes it {_classes(bound)}")
        return (
            f"{self.describe(entity_id)}, and the statements about it cannot all hold: "
            + "; ".join(parts)
            + ", which are disjoint: correct one of them"
        )


def _a(name: str) -> str:
    """``a Disease``, ``an Intervention``."""
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _classes(names: frozenset[str]) -> str:
    """``a Disease or Phenotype``; anything when the schema sets no bound."""
    if not names:
        return "something else"
    return _a(" or ".join(sorted(names)))
