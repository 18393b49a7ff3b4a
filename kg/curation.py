"""Read a curation directory and check it: every problem reported as ``file:line: message``.

A curation directory holds::

    sources.yaml          # the documents
    entities.yaml         # the entities statements speak of (or entities/*.yaml, split)
    statements/*.yaml     # one file per source: its statements

The bundled curation (``kg/data``) is the default; ``kg build --data DIR`` reads another.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import CurationError, Problem
from kg.model import (
    Curation,
    Entity,
    EntityRef,
    Located,
    Modality,
    QualifierValue,
    Source,
    Statement,
)
from kg.schema import Schema, load_schema
from kg.xrefs import check_curie
from kg.yamlio import YList, YMap, YStr, read_yaml

log = logging.getLogger(__name__)

SOURCES_FILE = "sources.yaml"
ENTITIES_FILE = "entities.yaml"
ENTITIES_DIR = "entities"
STATEMENTS_DIR = "statements"

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
ECO_PATTERN = re.compile(r"^ECO:\d{7}$")
DOI_PATTERN = re.compile(r'^10\.\d{4,9}/[^\s<>"{}|\\^`]+$')
#: An absolute IRI as N-Triples can carry it: a scheme, and none of the characters RFC 3987
#: excludes (spaces, angle brackets, quotes, braces, '|', '\\', '^', '`').
IRI_PATTERN = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|\\^`]+$')
YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]|&#?\w+;")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

SOURCE_FIELDS = {
    "id": True,
    "title": True,
    "authors": True,
    "venue": True,
    "year": True,
    "type": True,
    "licence": False,
    "doi": False,
    "pmid": False,
    "url": False,
    "text_file": False,
    "description": False,
    "cites": False,
}
ENTITY_FIELDS = {
    "id": True,
    "label": True,
    "category": True,
    "synonyms": False,
    "description": False,
    "xrefs": False,
    "close_matches": False,
}
STATEMENT_FIELDS = {
    "id": True,
    "subject": True,
    "predicate": True,
    "object": True,
    "quote": True,
    "evidence": True,
    "modality": True,
    "context": False,
    "qualifiers": False,
    "quote_mentions": False,
}
TEXT_CHOICES = {
    "zygosity": {"homozygous", "heterozygous"},
    "direction": {"higher", "lower"},
}


def bundled_data_dir() -> Path:
    """The curation shipped with the package."""
    return Path(str(resources.files("kg") / "data"))


def load_curation(data_dir: Path | None = None, schema: Schema | None = None) -> Curation:
    """Read and check every curation file of ``data_dir``.

    Args:
        data_dir: a curation directory; the bundled one when ``None``.
        schema: the schema to check against; the project's ontology when ``None``.

    Returns:
        The checked, typed records, in file order.

    Raises:
        CurationError: listing every problem found, each as ``file:line: message``.
    """
    reader = _Reader(data_dir or bundled_data_dir(), schema or load_schema())
    curation = reader.read()
    if reader.problems:
        raise CurationError(reader.problems)
    return curation


#: Problems that leave a record whole: the statement is read, typed and can be built, but
#: breaks the schema's meaning (a reasoner and SHACL can still look at it).
SEMANTIC_KINDS = frozenset({"domain", "range"})


def read_curation(
    data_dir: Path | None = None, schema: Schema | None = None
) -> tuple[Curation | None, list[Problem]]:
    """Read the curation for checking: the records and every problem, without raising.

    Unlike :func:`load_curation`, a statement whose only problems are of
    :data:`SEMANTIC_KINDS` (its subject or object is outside the predicate's domain or range)
    is kept in the returned curation, so that ``kg validate`` can show what SHACL and the
    OWL reasoner make of it too. The curation is ``None`` when sources or entities are broken
    or a file cannot be read at all.

    Returns:
        The curation (or ``None``) and the problems found, sorted by file and line.
    """
    reader = _Reader(data_dir or bundled_data_dir(), schema or load_schema(), lenient=True)
    try:
        curation: Curation | None = reader.read()
    except CurationError as exc:
        return None, exc.problems
    return curation, sorted(reader.problems, key=lambda p: (p.file, p.line, p.column, p.message))


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass
class _Reader:
    root: Path
    schema: Schema
    lenient: bool = False
    problems: list[Problem] = field(default_factory=list)

    # -- reporting -------------------------------------------------------------------------

    def problem(self, file: Path, line: int, message: str, kind: str) -> None:
        self.problems.append(Problem(str(file), line, message, kind))

    def read(self) -> Curation:
        if not self.root.is_dir():
            raise CurationError.single(
                self.root, 0, "curation directory not found; pass an existing --data DIR", "layout"
            )
        sources = self._read_sources(self.root / SOURCES_FILE)
        entities: list[Entity] = []
        seen_entities: dict[str, Located] = {}
        for path in self._entity_files():
            entities.extend(self._read_entities(path, seen_entities))
        if self.problems:
            # statements are checked against sources and entities; with those broken, every
            # reference would be reported again as unknown, burying the real problem
            raise CurationError(self.problems)
        statements_dir = self.root / STATEMENTS_DIR
        statement_files = sorted(statements_dir.glob("*.yaml")) if statements_dir.is_dir() else []
        if not statement_files:
            self.problem(statements_dir, 0, "no statement files (statements/*.yaml)", "layout")
        statements: list[Statement] = []
        source_ids = {s.id: s for s in sources}
        entity_index = {e.id: e for e in entities}
        seen: dict[str, Located] = {}
        for path in statement_files:
            for statement in self._read_statements(path, source_ids, entity_index):
                if statement.id in seen:
                    first = seen[statement.id]
                    self.problem(
                        path,
                        statement.where.line,
                        f"duplicate statement id {statement.id!r}"
                        f" (first at {first.file}:{first.line})",
                        "duplicate-id",
                    )
                    continue
                seen[statement.id] = statement.where
                statements.append(statement)
        log.info(
            "read %d sources, %d entities, %d statements from %s",
            len(sources),
            len(entities),
            len(statements),
            self.root,
        )
        return Curation(tuple(sources), tuple(entities), tuple(statements))

    # -- shared helpers --------------------------------------------------------------------

    def _load_list(self, path: Path, key: str) -> YList | None:
        if not path.is_file():
            self.problem(path, 0, f"missing file; a curation directory needs {path.name}", "layout")
            return None
        try:
            doc = read_yaml(path)
        except CurationError as exc:
            self.problems.extend(exc.problems)
            return None
        if not isinstance(doc, YMap) or key not in doc:
            line = doc.line if isinstance(doc, YMap | YList) else 1
            self.problem(
                path, line, f"expected a mapping with a '{key}:' list at the top", "structure"
            )
            return None
        items = doc[key]
        if not isinstance(items, YList):
            self.problem(path, doc.line_of(key), f"'{key}' must be a list", "structure")
            return None
        return items

    def _fields(self, path: Path, item: Any, spec: dict[str, bool], what: str) -> YMap | None:
        if not isinstance(item, YMap):
            line = getattr(item, "line", 0)
            self.problem(path, line, f"each {what} must be a mapping of fields", "structure")
            return None
        ok = True
        for key in item:
            if key not in spec:
                self.problem(
                    path,
                    item.line_of(key),
                    f"unknown field {key!r} in {what}{_suggest(key, spec)}",
                    "unknown-field",
                )
                ok = False
        for key, required in spec.items():
            if required and key not in item:
                self.problem(
                    path, item.line, f"{what} lacks required field '{key}'", "missing-field"
                )
                ok = False
        return item if ok else None

    def _text(self, path: Path, item: YMap, key: str, *, markup_ok: bool = False) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        line = item.line_of(key)
        if not isinstance(value, YStr):
            self.problem(path, line, f"'{key}' must be text, not a list or mapping", "type")
            return None
        text = " ".join(value.split())
        if not text:
            self.problem(path, line, f"'{key}' is empty", "type")
            return None
        if CONTROL.search(value):
            self.problem(path, line, f"'{key}' holds a control character; remove it", "type")
            return None
        if not markup_ok and MARKUP.search(text):
            self.problem(
                path,
                line,
                f"'{key}' holds HTML or markup ({text[:40]!r}); write plain text",
                "markup",
            )
            return None
        return text

    def _texts(self, path: Path, item: YMap, key: str) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        line = item.line_of(key)
        if isinstance(value, YStr):
            value = YList([value])
        if not isinstance(value, YList) or not all(isinstance(v, YStr) for v in value):
            self.problem(path, line, f"'{key}' must be a list of text values", "type")
            return ()
        out = []
        for v in value:
            text = " ".join(v.split())
            if MARKUP.search(text) or CONTROL.search(v):
                self.problem(path, v.line, f"'{key}' holds HTML or a control character", "markup")
            elif text:
                out.append(text)
        return tuple(out)

    def _id(self, path: Path, item: YMap, what: str) -> str | None:
        value = self._text(path, item, "id")
        if value is None:
            return None
        if not ID_PATTERN.match(value):
            self.problem(
                path,
                item.line_of("id"),
                f"{what} id {value!r} must be lower-case letters, digits, '_' or '-'",
                "id",
            )
            return None
        return value

    def _iri(self, path: Path, item: YMap, key: str, *, text_ok: bool = False) -> str | None:
        """An IRI field; with ``text_ok``, a value without ``://`` may be plain text."""
        value = self._text(path, item, key)
        if value is None or (text_ok and "://" not in value) or IRI_PATTERN.match(value):
            return value
        self.problem(
            path,
            item.line_of(key),
            f"'{key}' {value!r} is not an IRI (a scheme such as https:, and no spaces, quotes"
            " or <>{}|\\^` characters: write a space as %20)",
            "iri",
        )
        return None

    def _integer(self, path: Path, line: int, key: str, value: Any) -> int | None:
        if isinstance(value, YStr) and re.fullmatch(r"[+-]?\d+", value.strip()):
            return int(value)
        self.problem(path, line, f"'{key}' must be a whole number, not {value!r}", "number")
        return None

    # -- sources ---------------------------------------------------------------------------

    def _read_sources(self, path: Path) -> list[Source]:
        items = self._load_list(path, "sources")
        out: list[Source] = []
        seen: set[str] = set()
        for raw in items or ():
            item = self._fields(path, raw, SOURCE_FIELDS, "source")
            if item is None:
                continue
            sid = self._id(path, item, "source")
            title = self._text(path, item, "title")
            venue = self._text(path, item, "venue")
            kind = self._text(path, item, "type")
            year = self._integer(path, item.line_of("year"), "year", item["year"])
            authors = self._texts(path, item, "authors")
            doi = self._text(path, item, "doi")
            if doi and not DOI_PATTERN.match(doi):
                self.problem(
                    path, item.line_of("doi"), f"DOI {doi!r} must look like 10.xxxx/...", "doi"
                )
            pmid = self._text(path, item, "pmid")
            if pmid and not pmid.isdigit():
                self.problem(path, item.line_of("pmid"), f"PMID {pmid!r} must be digits", "pmid")
            if sid and sid in seen:
                self.problem(
                    path, item.line_of("id"), f"duplicate source id {sid!r}", "duplicate-id"
                )
                continue
            if sid is None or title is None or venue is None or kind is None or year is None:
                continue
            seen.add(sid)
            out.append(
                Source(
                    id=sid,
                    title=title,
                    authors=authors,
                    venue=venue,
                    year=year,
                    type=kind,
                    licence=self._iri(path, item, "licence", text_ok=True),
                    doi=doi,
                    pmid=pmid,
                    url=self._iri(path, item, "url"),
                    text_file=self._text(path, item, "text_file"),
                    description=self._text(path, item, "description"),
                    cites=self._texts(path, item, "cites"),
                    where=Located(str(path), item.line),
                )
            )
        for source in out:
            for cited in source.cites:
                if cited not in seen:
                    self.problem(
                        path,
                        source.where.line,
                        f"source {source.id!r} cites unknown source"
                        f" {cited!r}{_suggest(cited, seen)}",
                        "unknown-source",
                    )
        return out

    # -- entities --------------------------------------------------------------------------

    def _entity_files(self) -> list[Path]:
        """``entities.yaml``, then any ``entities/*.yaml`` (large curations split them)."""
        split = self.root / ENTITIES_DIR
        files = sorted(split.glob("*.yaml")) if split.is_dir() else []
        single = self.root / ENTITIES_FILE
        return [single, *files] if single.is_file() or not files else files

    def _read_entities(self, path: Path, seen: dict[str, Located]) -> list[Entity]:
        items = self._load_list(path, "entities")
        out: list[Entity] = []
        categories = {c for c in self.schema.categories if c != "Entity"}
        for raw in items or ():
            item = self._fields(path, raw, ENTITY_FIELDS, "entity")
            if item is None:
                continue
            eid = self._id(path, item, "entity")
            label = self._text(path, item, "label")
            category = self._text(path, item, "category")
            if category is not None and category not in categories:
                self.problem(
                    path,
                    item.line_of("category"),
                    f"unknown category {category!r}{_suggest(category, categories)}"
                    " (categories are the classes of ontology/kg.ttl)",
                    "unknown-category",
                )
                category = None
            xrefs = self._curies(path, item, "xrefs")
            close = self._curies(path, item, "close_matches")
            if eid is not None and eid in seen:
                self.problem(
                    path,
                    item.line_of("id"),
                    f"duplicate entity id {eid!r} (first at {seen[eid].file}:{seen[eid].line})",
                    "duplicate-id",
                )
                continue
            if eid is None or label is None or category is None:
                continue
            seen[eid] = Located(str(path), item.line)
            out.append(
                Entity(
                    id=eid,
                    label=label,
                    category=category,
                    synonyms=self._texts(path, item, "synonyms"),
                    description=self._text(path, item, "description"),
                    xrefs=xrefs,
                    close_matches=close,
                    where=Located(str(path), item.line),
                )
            )
        return out

    def _curies(self, path: Path, item: YMap, key: str) -> tuple[str, ...]:
        out = []
        for curie in self._texts(path, item, key):
            message = check_curie(curie)
            if message:
                self.problem(path, item.line_of(key), message, "curie")
            else:
                out.append(curie)
        return tuple(out)

    # -- statements ------------------------------------------------------------------------

    def _read_statements(
        self, path: Path, sources: dict[str, Source], entities: dict[str, Entity]
    ) -> list[Statement]:
        try:
            doc = read_yaml(path)
        except CurationError as exc:
            self.problems.extend(exc.problems)
            return []
        if not isinstance(doc, YMap) or "source" not in doc or "statements" not in doc:
            line = doc.line if isinstance(doc, YMap | YList) else 1
            self.problem(
                path, line, "expected 'source:' (a source id) and a 'statements:' list", "structure"
            )
            return []
        source_id = doc["source"]
        if not isinstance(source_id, YStr) or source_id not in sources:
            hint = _suggest(str(source_id), sources) if isinstance(source_id, YStr) else ""
            self.problem(
                path,
                doc.line_of("source"),
                f"unknown source {source_id!r}{hint} (sources are listed in {SOURCES_FILE})",
                "unknown-source",
            )
            return []
        if not isinstance(doc["statements"], YList):
            self.problem(
                path, doc.line_of("statements"), "'statements' must be a list", "structure"
            )
            return []
        out = []
        for raw in doc["statements"]:
            statement = self._statement(path, raw, str(source_id), entities)
            if statement is not None:
                out.append(statement)
        return out

    def _entity(
        self, path: Path, item: YMap, key: str, entities: dict[str, Entity]
    ) -> Entity | None:
        value = self._text(path, item, key)
        if value is None:
            return None
        entity = entities.get(value)
        if entity is None:
            self.problem(
                path,
                item.line_of(key),
                f"unknown entity {value!r}{_suggest(value, entities)}"
                f" (entities are listed in {ENTITIES_FILE})",
                "unknown-entity",
            )
        return entity

    def _statement(
        self, path: Path, raw: Any, source: str, entities: dict[str, Entity]
    ) -> Statement | None:
        item = self._fields(path, raw, STATEMENT_FIELDS, "statement")
        if item is None:
            return None
        before = len(self.problems)
        sid = self._id(path, item, "statement")
        subject = self._entity(path, item, "subject", entities)
        obj = self._entity(path, item, "object", entities)
        predicate_name = self._text(path, item, "predicate")
        predicate = self.schema.predicates.get(predicate_name or "")
        if predicate_name is not None and predicate is None:
            self.problem(
                path,
                item.line_of("predicate"),
                f"unknown predicate {predicate_name!r}"
                f"{_suggest(predicate_name, self.schema.predicates)}"
                " (predicates are the sub-properties of kgo:related_to in ontology/kg.ttl)",
                "unknown-predicate",
            )
        if predicate and subject and not self.schema.is_a(subject.category, predicate.domain):
            self.problem(
                path,
                item.line_of("subject"),
                f"statement {sid!r}: {subject.id!r} is a {subject.category}, but"
                f" '{predicate.name}' takes a subject of class"
                f" {' or '.join(sorted(predicate.domain))}",
                "domain",
            )
        if predicate and obj and not self.schema.is_a(obj.category, predicate.range):
            self.problem(
                path,
                item.line_of("object"),
                f"statement {sid!r}: {obj.id!r} is a {obj.category}, but"
                f" '{predicate.name}' takes an object of class"
                f" {' or '.join(sorted(predicate.range))}",
                "range",
            )
        quote = self._text(path, item, "quote", markup_ok=True)
        evidence = self._text(path, item, "evidence")
        if evidence is not None and not ECO_PATTERN.match(evidence):
            self.problem(
                path,
                item.line_of("evidence"),
                f"evidence {evidence!r} must be an ECO code such as ECO:0000304",
                "evidence",
            )
        modality_text = self._text(path, item, "modality")
        modality = None
        if modality_text is not None:
            try:
                modality = Modality(modality_text)
            except ValueError:
                choices = [m.value for m in Modality]
                self.problem(
                    path,
                    item.line_of("modality"),
                    f"unknown modality {modality_text!r}{_suggest(modality_text, choices)};"
                    f" one of {', '.join(choices)}",
                    "modality",
                )
        qualifiers = self._qualifiers(path, item, entities)
        found = self.problems[before:]
        if any(not (self.lenient and p.kind in SEMANTIC_KINDS) for p in found):
            return None
        assert sid and subject and obj and predicate and quote and evidence and modality
        return Statement(
            id=sid,
            source=source,
            subject=subject.id,
            predicate=predicate.name,
            object=obj.id,
            quote=quote,
            evidence=evidence,
            modality=modality,
            context=self._text(path, item, "context"),
            qualifiers=qualifiers,
            quote_mentions=self._texts(path, item, "quote_mentions"),
            where=Located(str(path), item.line),
        )

    def _qualifiers(
        self, path: Path, item: YMap, entities: dict[str, Entity]
    ) -> tuple[tuple[str, QualifierValue | EntityRef], ...]:
        raw = item.get("qualifiers")
        if raw is None:
            return ()
        if not isinstance(raw, YMap):
            self.problem(
                path, item.line_of("qualifiers"), "'qualifiers' must be a mapping", "structure"
            )
            return ()
        out: list[tuple[str, QualifierValue | EntityRef]] = []
        for name, value in raw.items():
            line = raw.line_of(name)
            spec = self.schema.qualifiers.get(name)
            if spec is None:
                self.problem(
                    path,
                    line,
                    f"unknown qualifier {name!r}{_suggest(name, self.schema.qualifiers)}"
                    " (qualifiers are defined in ontology/kg.ttl)",
                    "unknown-qualifier",
                )
                continue
            values = value if isinstance(value, YList) else [value]
            for v in values:
                if not isinstance(v, YStr):
                    self.problem(
                        path, line, f"qualifier {name!r} must be a value or a list", "type"
                    )
                    continue
                typed = self._typed(path, line, name, v, spec.datatype, spec.entity_range, entities)
                if typed is not None:
                    out.append((name, typed))
        return tuple(out)

    def _typed(
        self,
        path: Path,
        line: int,
        name: str,
        value: YStr,
        datatype: Any,
        entity_range: str | None,
        entities: dict[str, Entity],
    ) -> QualifierValue | EntityRef | None:
        text = value.strip()
        if entity_range is not None:
            entity = entities.get(text)
            if entity is None:
                self.problem(
                    path,
                    line,
                    f"qualifier {name!r}: unknown entity {text!r}{_suggest(text, entities)}",
                    "unknown-entity",
                )
                return None
            if not self.schema.is_a(entity.category, frozenset({entity_range})):
                self.problem(
                    path,
                    line,
                    f"qualifier {name!r} takes a {entity_range},"
                    f" but {text!r} is a {entity.category}",
                    "range",
                )
                return None
            return EntityRef(text)
        kind = str(datatype).rsplit("#", 1)[-1]
        parse = _PARSERS.get(kind)
        if parse is None:
            if MARKUP.search(text) or CONTROL.search(text):
                self.problem(
                    path, line, f"qualifier {name!r} holds HTML or a control character", "markup"
                )
                return None
            allowed = TEXT_CHOICES.get(name)
            if allowed and text not in allowed:
                self.problem(
                    path,
                    line,
                    f"qualifier {name!r} must be one of {', '.join(sorted(allowed))}",
                    "qualifier-value",
                )
                return None
            return " ".join(text.split())
        parsed, hint = parse(text)
        if parsed is None:
            self.problem(path, line, f"qualifier {name!r}: {text!r} is not {hint}", "number")
            return None
        typed: QualifierValue = parsed
        return typed


def _decimal(text: str) -> tuple[Decimal | None, str]:
    hint = "a number"
    if "," in text or "·" in text:
        return None, "a number (write the decimal separator as a dot, e.g. 0.22)"
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return None, hint
    try:
        return Decimal(text), hint
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None, hint


def _integer(text: str) -> tuple[int | None, str]:
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text), "a whole number"
    return None, "a whole number"


def _boolean(text: str) -> tuple[bool | None, str]:
    return {"true": True, "false": False}.get(text), "true or false"


def _year_month(text: str) -> tuple[str | None, str]:
    return (text if YEAR_MONTH.match(text) else None), "a year and month (YYYY-MM)"


_PARSERS: dict[str, Callable[[str], tuple[Any, str]]] = {
    "decimal": _decimal,
    "integer": _integer,
    "boolean": _boolean,
    "gYearMonth": _year_month,
}
