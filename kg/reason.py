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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from kg.build import DATASET_IRI, entity_iri
from kg.errors import KGError, Problem
from kg.model import Curation, Modality, Statement
from kg.namespaces import KGO, VOID
from kg.schema import ONTOLOGY_FILE, Schema, load_ontology_graph, load_schema, ontology_dir
from kg.store import ntriples_lines

if TYPE_CHECKING:
    from owlready2 import World

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
#: Where kg.explain names the classes it asks HermiT about.
CHECKS_IRI = str(DATASET_IRI) + "/reasoner-checks#"

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
    world = new_world(data_ntriples(categories, facts, schema))
    try:
        consistent = run_hermit(world, infer_property_values=True)
        inferred = _entailments(world, categories, facts, schema) if consistent else []
    finally:
        world.close()
    if consistent:
        problems: list[Problem] = []
    else:
        from kg.explain import explain_inconsistency

        problems = explain_inconsistency(categories, facts, schema)
    log.info(
        "HermiT: %s, %d inferred triples, %d problems in %.1f s",
        "consistent" if consistent else "inconsistent",
        len(inferred),
        len(problems),
        time.perf_counter() - started,
    )
    return ReasoningResult(consistent, problems, inferred)


def require_consistent(curation: Curation, *, schema: Schema | None = None) -> ReasoningResult:
    """:func:`reason`, for callers that need the entailments: an inconsistency is an error.

    Raises:
        CurationError: the curation is inconsistent (the problems name the statements).
        ReasonerUnavailableError, ReasonerError: see :func:`reason`.
    """
    from kg.errors import CurationError

    result = reason(curation, schema=schema)
    if not result.consistent:
        raise CurationError(result.problems)
    return result


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
    about = (
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
    )
    return "".join(ntriples_lines(about) + ntriples_lines(result.inferred)).encode("utf-8")


# ---- running HermiT ---------------------------------------------------------------------------


def _require_java() -> None:
    if shutil.which("java") is None:
        raise ReasonerUnavailableError(JAVA_MISSING)


def data_ntriples(categories: dict[str, str], facts: Sequence[Statement], schema: Schema) -> bytes:
    """The ABox: each entity typed by its category, each asserted statement as one triple."""
    graph = Graph()
    for entity_id, category in categories.items():
        node = entity_iri(entity_id)
        graph.add((node, RDF.type, OWL.NamedIndividual))
        graph.add((node, RDF.type, category_iri(schema, category)))
    for statement in facts:
        subject, obj = entity_iri(statement.subject), entity_iri(statement.object)
        for node in (subject, obj):
            graph.add((node, RDF.type, OWL.NamedIndividual))
        graph.add((subject, predicate_iri(schema, statement), obj))
    return graph.serialize(format="nt", encoding="utf-8")


def category_iri(schema: Schema, category: str) -> URIRef:
    try:
        return schema.categories[category]
    except KeyError:
        raise ReasonerError(f"unknown category {category!r}: not a class of the ontology") from None


def predicate_iri(schema: Schema, statement: Statement) -> URIRef:
    try:
        return schema.predicates[statement.predicate].iri
    except KeyError:
        raise ReasonerError(
            f"{statement.where.file}:{statement.where.line}: statement {statement.id!r}: "
            f"unknown predicate {statement.predicate!r}"
        ) from None


def new_world(data: bytes | None = None) -> World:
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


def run_hermit(world: World, *, infer_property_values: bool) -> bool:
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
        (entity_iri(s.subject), predicate_iri(schema, s), entity_iri(s.object)) for s in facts
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


__all__ = [
    "INFERRED_FILE",
    "ReasonerError",
    "ReasonerUnavailableError",
    "ReasoningResult",
    "inferred_graph_ntriples",
    "reason",
    "require_consistent",
]
