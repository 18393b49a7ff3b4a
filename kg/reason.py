"""OWL 2 reasoning over the curated graph with HermiT: consistency, explanations, entailments.

The schema (``ontology/kg.ttl``), each curated entity as an individual of its category and each
*asserted* statement as a property assertion go into an isolated owlready2 world, and HermiT
(bundled with owlready2, run on Java) decides whether they are consistent. When they are, the
entailments the curation does not state (the superclasses of each entity's category, inverse and
symmetric property values, the transitive closure of ``subtype_of``, super-property values) come
back as :attr:`ReasoningResult.inferred`, to be written to a file of their own
(:data:`INFERRED_FILE`) and never mixed silently into the curated graph. When they are not,
each statement responsible is reported as a :class:`~kg.errors.Problem` at its ``file:line``.

Hypothesised, recommended, unknown and negative statements are not facts, and the reasoner never
sees them.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import time
import types
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from kg.build import DATASET_IRI, entity_iri
from kg.errors import KGError, Problem
from kg.model import Curation, Modality, Statement
from kg.namespaces import KGO, VOID
from kg.schema import ONTOLOGY_FILE, Schema, load_ontology_graph, load_schema, ontology_dir

if TYPE_CHECKING:
    from owlready2 import ObjectPropertyClass, ThingClass, World

log = logging.getLogger(__name__)

#: The export file holding the inferred triples (never mixed into the curated graph's files).
INFERRED_FILE = "cytokine-storm-kg.inferred.nt"
#: The dataset the inferred triples form, described at the top of :data:`INFERRED_FILE`.
INFERRED_DATASET_IRI = URIRef(str(DATASET_IRI) + "-inferred")
#: The reasoning run that produced them.
REASONING_ACTIVITY_IRI = URIRef(str(INFERRED_DATASET_IRI) + "/reasoning")
#: The reasoner, as named by its authors.
HERMIT_IRI = URIRef("http://www.hermit-reasoner.com/")
#: The kind of the problems this module reports.
PROBLEM_KIND = "owl-inconsistency"

JAVA_MISSING = (
    "java not found: install a Java runtime (e.g. Debian's default-jre-headless) "
    "to run the HermiT reasoner"
)
_ONTOLOGY_IRI = str(KGO).rstrip("/")
_DATA_IRI = str(DATASET_IRI) + "/reasoner-input"
_INFERRED_IRI = str(INFERRED_DATASET_IRI) + "/owlready2"
_CHECKS_IRI = str(DATASET_IRI) + "/reasoner-checks#"

#: A triple of IRIs: subject, predicate, object.
IRITriple = tuple[URIRef, URIRef, URIRef]


class ReasonerError(KGError):
    """HermiT could not reason over the graph (a Java failure, a malformed input)."""


class ReasonerUnavailableError(ReasonerError):
    """No Java runtime to run HermiT on."""


@dataclass(frozen=True)
class ReasoningResult:
    """What HermiT concluded about the curation.

    Args:
        consistent: whether the ontology and the asserted statements have a model.
        problems: when not consistent, one problem per responsible statement, located at the
            statement's ``file:line`` (kind ``owl-inconsistency``).
        inferred: entailed triples the curation does not assert (empty when inconsistent),
            sorted: class memberships, inverse, symmetric, transitive and super-property values.
    """

    consistent: bool
    problems: list[Problem] = field(default_factory=list)
    inferred: list[IRITriple] = field(default_factory=list)


def reason(curation: Curation, *, schema: Schema | None = None) -> ReasoningResult:
    """Check ``curation`` for consistency with the OWL schema and compute what it entails.

    Args:
        curation: checked records, from :func:`kg.curation.load_curation`.
        schema: the schema the records were checked against (the project's by default).

    Returns:
        The verdict; when inconsistent, problems naming the statements to correct.

    Raises:
        ReasonerUnavailableError: no Java runtime is installed.
        ReasonerError: HermiT failed for another reason (the message's one line says which).
    """
    _require_java()
    schema = schema or load_schema()
    facts = [s for s in curation.statements if s.modality is Modality.ASSERTED]
    categories = {e.id: e.category for e in curation.entities}
    started = time.perf_counter()
    world = _new_world(_data_ntriples(categories, facts, schema))
    try:
        consistent = _run_hermit(world, infer_property_values=True)
        inferred = _entailments(world, categories, facts, schema) if consistent else []
    finally:
        world.close()
    problems = [] if consistent else _explain(categories, facts, schema)
    log.info(
        "HermiT: %s, %d inferred triples, %d problems in %.1f s",
        "consistent" if consistent else "inconsistent",
        len(inferred),
        len(problems),
        time.perf_counter() - started,
    )
    return ReasoningResult(consistent, problems, inferred)


def inferred_graph_ntriples(result: ReasoningResult) -> bytes:
    """The inferred triples as N-Triples, for :data:`INFERRED_FILE`; the same bytes every run.

    The file opens with a description of itself (a ``void:Dataset`` generated by a
    ``prov:Activity``, the HermiT run, that used the schema and the curated dataset), then holds
    each inferred triple on its own line, sorted.

    Args:
        result: the outcome of :func:`reason`.

    Returns:
        UTF-8 N-Triples, each line ending in ``\\n``.
    """
    dataset, activity = INFERRED_DATASET_IRI, REASONING_ACTIVITY_IRI
    title = "Cytokine storm knowledge graph: inferred triples"
    description = (
        "Triples entailed by the OWL 2 schema and the asserted curated statements, computed by "
        "the HermiT reasoner; none of them is curated."
    )
    about = Graph()
    for triple in (
        (dataset, RDF.type, VOID.Dataset),
        (dataset, RDF.type, PROV.Entity),
        (dataset, DCTERMS.title, Literal(title)),
        (dataset, DCTERMS.description, Literal(description)),
        (dataset, VOID.triples, Literal(len(result.inferred), datatype=XSD.integer)),
        (dataset, PROV.wasDerivedFrom, DATASET_IRI),
        (dataset, PROV.wasGeneratedBy, activity),
        (activity, RDF.type, PROV.Activity),
        (activity, RDFS.label, Literal("OWL 2 reasoning with HermiT")),
        (activity, PROV.used, URIRef(_ONTOLOGY_IRI)),
        (activity, PROV.used, DATASET_IRI),
        (activity, PROV.wasAssociatedWith, HERMIT_IRI),
        (HERMIT_IRI, RDF.type, PROV.SoftwareAgent),
        (HERMIT_IRI, RDFS.label, Literal("HermiT OWL 2 reasoner")),
    ):
        about.add(triple)
    triples = Graph()
    for triple in result.inferred:
        triples.add(triple)
    return _sorted_ntriples(about) + _sorted_ntriples(triples)


# ---- running HermiT ---------------------------------------------------------------------------


def _require_java() -> None:
    if shutil.which("java") is None:
        raise ReasonerUnavailableError(JAVA_MISSING)


def _sorted_ntriples(graph: Graph) -> bytes:
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _data_ntriples(categories: dict[str, str], facts: Sequence[Statement], schema: Schema) -> bytes:
    """The ABox: each entity typed by its category, each asserted statement as one triple."""
    graph = Graph()
    for entity_id, category in categories.items():
        node = entity_iri(entity_id)
        graph.add((node, RDF.type, OWL.NamedIndividual))
        graph.add((node, RDF.type, _category_iri(schema, category)))
    for statement in facts:
        subject, obj = entity_iri(statement.subject), entity_iri(statement.object)
        for node in (subject, obj):
            graph.add((node, RDF.type, OWL.NamedIndividual))
        graph.add((subject, _predicate_iri(schema, statement), obj))
    return graph.serialize(format="nt", encoding="utf-8")


def _category_iri(schema: Schema, category: str) -> URIRef:
    try:
        return schema.categories[category]
    except KeyError:
        raise ReasonerError(f"unknown category {category!r}: not a class of the ontology") from None


def _predicate_iri(schema: Schema, statement: Statement) -> URIRef:
    try:
        return schema.predicates[statement.predicate].iri
    except KeyError:
        raise ReasonerError(
            f"{statement.where.file}:{statement.where.line}: statement {statement.id!r}: "
            f"unknown predicate {statement.predicate!r}"
        ) from None


def _new_world(data: bytes | None = None) -> World:
    """A fresh owlready2 world (never the default one) holding the schema, and ``data``."""
    import owlready2

    world = owlready2.World()
    schema_nt = load_ontology_graph().serialize(format="nt", encoding="utf-8")
    try:
        world.get_ontology(_ONTOLOGY_IRI).load(fileobj=io.BytesIO(schema_nt))
        if data is not None:
            world.get_ontology(_DATA_IRI).load(fileobj=io.BytesIO(data))
    except owlready2.OwlReadyError as exc:
        world.close()
        path = ontology_dir() / ONTOLOGY_FILE
        raise ReasonerError(f"{path}: owlready2 cannot read the ontology or data: {exc}") from exc
    return world


def _run_hermit(world: World, *, infer_property_values: bool) -> bool:
    """Run HermiT on ``world``, adding its conclusions there; ``False`` if inconsistent."""
    import owlready2

    inferred = world.get_ontology(_INFERRED_IRI)
    try:
        with inferred:
            owlready2.sync_reasoner_hermit(
                world,
                infer_property_values=infer_property_values,
                debug=0,
                # xsd:gYearMonth (the range of kgo:as_of) is outside the OWL 2 datatype map;
                # no individual here carries a data value, so HermiT may skip it.
                ignore_unsupported_datatypes=True,
            )
    except owlready2.OwlReadyInconsistentOntologyError:
        return False
    except owlready2.OwlReadyJavaError as exc:
        raise ReasonerError(f"HermiT failed: {_java_message(str(exc))}") from None
    except (FileNotFoundError, PermissionError) as exc:
        raise ReasonerUnavailableError(JAVA_MISSING) from exc
    except subprocess.SubprocessError as exc:
        raise ReasonerError(f"HermiT failed: {exc}") from None
    return True


def _java_message(text: str) -> str:
    """The one line of a Java error worth showing: the exception, not the stack."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("at ", "Java error message is"))]
    for line in lines:
        if "Exception" in line or "Error" in line:
            return line.removeprefix('Exception in thread "main" ')
    return lines[0] if lines else "no message"


# ---- reading the entailments ------------------------------------------------------------------


def _entailments(
    world: World, categories: dict[str, str], facts: Sequence[Statement], schema: Schema
) -> list[IRITriple]:
    """Triples among the curated entities, in the kgo vocabulary, entailed but not asserted.

    HermiT decides consistency, realises each individual and closes transitive properties;
    owlready2 keeps inverse and symmetric values implicit, so they are read through its
    ``INDIRECT_`` view, which also adds the values of super-properties.
    """
    from owlready2 import ThingClass

    kgo, kge = str(KGO), str(entity_iri(""))
    asserted: set[IRITriple] = {
        (entity_iri(s.subject), _predicate_iri(schema, s), entity_iri(s.object)) for s in facts
    }
    asserted |= {(entity_iri(e), RDF.type, schema.categories[c]) for e, c in categories.items()}
    properties = [world[str(p.iri)] for p in schema.predicates.values()]
    entities = sorted(set(categories) | {s.subject for s in facts} | {s.object for s in facts})
    entailed: set[IRITriple] = set()
    for entity_id in entities:
        subject = entity_iri(entity_id)
        individual = world[str(subject)]
        if individual is None:
            continue
        for cls in individual.is_a:
            if isinstance(cls, ThingClass):
                entailed.update(
                    (subject, RDF.type, URIRef(c.iri))
                    for c in cls.ancestors()
                    if c.iri.startswith(kgo)
                )
        for prop in properties:
            for value in getattr(individual, "INDIRECT_" + prop.python_name):
                iri = getattr(value, "iri", "")
                if iri.startswith(kge):
                    entailed.add((subject, URIRef(prop.iri), URIRef(iri)))
    return sorted(entailed - asserted)


# ---- explaining an inconsistency --------------------------------------------------------------


def _explain(
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
    world = _new_world(_data_ntriples(categories, remaining, schema))
    try:
        restored = _run_hermit(world, infer_property_values=False)
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
        self.world = _new_world()
        self.namespace = self.world.get_ontology(_CHECKS_IRI)
        self.kinds = _top_kinds(schema)

    def _class(self, entity_id: str) -> ThingClass:
        category = self.categories.get(entity_id)
        if category is None:
            return self.world["http://www.w3.org/2002/07/owl#Thing"]
        return self.world[str(_category_iri(self.schema, category))]

    def _property(self, statement: Statement) -> ObjectPropertyClass:
        return self.world[str(_predicate_iri(self.schema, statement))]

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
        return f"{_CHECKS_IRI}e_{entity_id}{suffix}"

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
        name = self.star_name(entity_id, leave_out).removeprefix(_CHECKS_IRI)
        self._new(name, self._class(entity_id), restrictions)

    def run(self) -> set[str]:
        """The IRIs of the question classes HermiT finds unsatisfiable."""
        try:
            if not _run_hermit(self.world, infer_property_values=False):
                raise ReasonerError("the ontology itself is inconsistent: check its axioms")
            return {
                c.iri for c in self.world.inconsistent_classes() if c.iri.startswith(_CHECKS_IRI)
            }
        finally:
            self.world.close()

    def describe(self, entity_id: str) -> str:
        """``'il-6' is a Cytokine, so a GeneOrProtein``."""
        category = self.categories.get(entity_id)
        if category is None:
            return f"'{entity_id}' (not a curated entity)"
        kind = self.kinds.get(category, category)
        extra = f", so {_a(kind)}" if kind != category else ""
        return f"'{entity_id}' is {_a(category)}{extra}"

    def statement_message(
        self, index: int, statement: Statement, unsatisfiable: set[str]
    ) -> str | None:
        """Why ``statement`` alone contradicts the schema, or ``None`` if it does not."""
        predicate = self.schema.predicates[statement.predicate]
        if f"{_CHECKS_IRI}s{index}_subject" in unsatisfiable:
            allowed = _classes(predicate.domain)
            return (
                f"{self.describe(statement.subject)}, but '{statement.predicate}' makes its "
                f"subject {allowed}, which is disjoint: correct the subject, the predicate or "
                "the category"
            )
        if f"{_CHECKS_IRI}s{index}_object" in unsatisfiable:
            allowed = _classes(predicate.range)
            return (
                f"{self.describe(statement.object)}, but '{statement.predicate}' makes its "
                f"object {allowed}, which is disjoint: correct the object, the predicate or "
                "the category"
            )
        if f"{_CHECKS_IRI}s{index}_both" in unsatisfiable:
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


def _top_kinds(schema: Schema) -> dict[str, str]:
    """Each category's top-level kind, the child of kgo:Entity: Cytokine's is GeneOrProtein."""
    graph = load_ontology_graph()
    tops = {
        str(c)[len(str(KGO)) :]
        for c in graph.subjects(RDFS.subClassOf, KGO.Entity)
        if isinstance(c, URIRef)
    }
    kinds = {}
    for category, ancestors in schema.ancestors.items():
        found = sorted(ancestors & tops)
        if found:
            kinds[category] = found[0]
    return kinds


def _a(name: str) -> str:
    """``a Disease``, ``an Intervention``."""
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _classes(names: frozenset[str]) -> str:
    """``a Disease or Phenotype``; anything when the schema sets no bound."""
    if not names:
        return "something else"
    return _a(" or ".join(sorted(names)))


__all__ = [
    "INFERRED_FILE",
    "ReasonerError",
    "ReasonerUnavailableError",
    "ReasoningResult",
    "inferred_graph_ntriples",
    "reason",
]
