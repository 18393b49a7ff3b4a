"""`kg validate`: each check on a small broken curation, the report's forms, the real data clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import require
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.curation import load_curation
from kg.errors import CurationError
from kg.validate import format_json, format_text, validate, validate_paths
from kg.yamlio import parse_yaml

runner = CliRunner()
FAST = {"reason": False, "shacl": False}


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _only(report, kind: str):
    found = [p for p in report.problems if p.kind == kind]
    assert found, f"no {kind} problem in {[str(p) for p in report.problems]}"
    return found


def _statements(mini: Path) -> Path:
    return mini / "statements" / "paper.yaml"


def _java() -> None:
    require(shutil.which("java"), "java not found: install default-jre-headless for HermiT")


# --- the real curation ---------------------------------------------------------------------


def test_real_curation_is_clean_with_every_check(seeds):
    _java()
    report = validate(sources_dir=seeds)
    assert [str(p) for p in report.problems] == []
    ran = {check.name for check in report.checks if check.skipped is None}
    assert ran == {"read", "quotes", "alignment", "contradictions", "shacl", "owl"}
    assert report.counts["statements"] == len(load_curation().statements)
    for check in report.checks:  # reported in the closing note; never asserted on
        print(f"{check.name}: {check.seconds:.2f} s")


# --- one broken fixture per check ----------------------------------------------------------


def test_unknown_entity_with_suggestion(mini_data):
    path = _statements(mini_data)
    _replace(
        path,
        "subject: anakinra\n    predicate: treats",
        "subject: anakinara\n    predicate: treats",
    )
    (problem,) = _only(validate(mini_data, **FAST), "unknown-entity")
    assert (problem.file, problem.line) == (str(path), _line_of(path, "anakinara"))
    assert "did you mean 'anakinra'?" in problem.message


def test_duplicate_statement_id(mini_data):
    path = _statements(mini_data)
    _replace(path, "id: anakinra-prevents-crs", "id: anakinra-treats-crs")
    (problem,) = _only(validate(mini_data, **FAST), "duplicate-id")
    first = _line_of(path, "- id: anakinra-treats-crs")
    assert problem.line == first + 10  # the second one, which was anakinra-prevents-crs
    assert f"first at {path}:{first}" in problem.message


def test_unknown_predicate(mini_data):
    path = _statements(mini_data)
    _replace(path, "predicate: targets", "predicate: target")
    (problem,) = _only(validate(mini_data, **FAST), "unknown-predicate")
    assert problem.line == _line_of(path, "predicate: target")
    assert "did you mean 'targets'?" in problem.message


def test_unknown_category(mini_data):
    path = mini_data / "entities.yaml"
    _replace(path, "category: Cytokine", "category: Cytokin")
    (problem,) = _only(validate(mini_data, **FAST), "unknown-category")
    assert (problem.file, problem.line) == (str(path), _line_of(path, "Cytokin"))


def test_wrong_type_and_decimal_comma(mini_data):
    path = _statements(mini_data)
    _replace(path, "hazard_ratio: 0.5", "hazard_ratio: '0,5'")
    (problem,) = _only(validate(mini_data, **FAST), "number")
    assert problem.line == _line_of(path, "hazard_ratio")
    assert "0,5" in problem.message and "dot" in problem.message


def test_yaml_1_1_surprises_stay_text(mini_data):
    """`no`, `1.10`, `012` are never read as false, 1.1, 10: the schema types every scalar."""
    path = mini_data / "entities.yaml"
    _replace(path, "label: IL-1", "label: no\n    synonyms: [1.10, 012]")
    curation = load_curation(mini_data)
    il1 = curation.entity("il-1")
    assert (il1.label, il1.synonyms) == ("no", ("1.10", "012"))


def test_bad_curie_prefix(mini_data):
    path = mini_data / "entities.yaml"
    _replace(path, "drugbank:DB00026", "drugbonk:DB00026")
    (problem,) = _only(validate(mini_data, **FAST), "curie")
    assert (problem.file, problem.line) == (str(path), _line_of(path, "drugbonk"))


def test_bad_curie_pattern(mini_data):
    path = mini_data / "entities.yaml"
    _replace(path, "drugbank:DB00026", "drugbank:00026")
    (problem,) = _only(validate(mini_data, **FAST), "curie")
    assert problem.line == _line_of(path, "drugbank:00026")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "https://example.org/a paper"),
        ("url", "example.org/paper"),
        ("licence", "https://creativecommons.org/licenses/by/4.0/{x}"),
        ("doi", '10.1016/x"y'),
    ],
)
def test_an_iri_that_n_triples_could_not_carry(mini_data, field, value):
    path = mini_data / "sources.yaml"
    _replace(path, "    text_file: paper.txt", f"    text_file: paper.txt\n    {field}: '{value}'")
    (problem,) = [p for p in validate(mini_data, **FAST).problems if p.kind in {"iri", "doi"}]
    assert (problem.file, problem.line) == (str(path), _line_of(path, f"{field}:"))
    assert value in problem.message


def test_quote_not_in_source(mini_data):
    path = _statements(mini_data)
    _replace(path, "anakinra could prevent", "anakinra will prevent")
    (problem,) = _only(validate(mini_data, sources_dir=mini_data, **FAST), "quote")
    assert problem.line == _line_of(path, "- id: anakinra-prevents-crs")
    assert "anakinra-prevents-crs" in problem.message


def test_quote_that_does_not_name_the_object_is_a_warning(mini_data):
    path = _statements(mini_data)
    _replace(path, "object: il-1", "object: crs")
    _replace(path, "predicate: targets", "predicate: treats")
    (problem,) = _only(validate(mini_data, **FAST), "alignment")
    assert problem.severity == "warning"
    assert problem.line == _line_of(path, "- id: anakinra-targets-il1")
    assert "does not name its object 'cytokine release syndrome'" in problem.message


def test_quote_mentions_explains_an_indirect_reference(mini_data):
    path = _statements(mini_data)
    _replace(path, "quote: anakinra could prevent", "quote: it could prevent")
    (problem,) = _only(validate(mini_data, **FAST), "alignment")
    assert "its subject 'anakinra'" in problem.message
    _replace(
        path,
        "quote: it could prevent",
        "quote_mentions: ['it (anakinra)']\n    quote: it could prevent",
    )
    assert validate(mini_data, **FAST).clean


def test_asserted_and_negated_in_one_source_contradict(mini_data):
    path = _statements(mini_data)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + "  - id: anakinra-does-not-treat-crs\n    subject: anakinra\n    predicate: treats\n"
        "    object: crs\n    modality: negative\n    evidence: ECO:0000180\n"
        "    quote: anakinra abrogated the symptoms of cytokine release syndrome\n",
        encoding="utf-8",
    )
    (problem,) = _only(validate(mini_data, **FAST), "contradiction")
    assert problem.severity == "error"
    assert problem.line == _line_of(path, "- id: anakinra-does-not-treat-crs")
    assert "contradicts 'anakinra-treats-crs'" in problem.message


def test_cytokine_as_object_of_treats_is_caught_by_schema_and_reasoner(mini_data):
    _java()
    path = _statements(mini_data)
    _replace(path, "object: crs\n    modality: asserted", "object: il-1\n    modality: asserted")
    report = validate(mini_data, reason=True, shacl=False)
    (schema,) = _only(report, "range")
    assert schema.line == _line_of(path, "object: il-1")
    assert "statement 'anakinra-treats-crs'" in schema.message
    owl = [p for p in report.problems if p.kind.startswith("owl")]
    assert owl, "HermiT did not find the inconsistency"
    assert all(p.file == str(path) for p in owl)
    assert any("anakinra-treats-crs" in p.message for p in owl)
    assert "Exception" not in "".join(p.message for p in owl)


def test_missing_java_skips_only_the_reasoner(mini_data, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java", raising=False)
    report = validate(mini_data, reason=True, shacl=False)
    (owl,) = [c for c in report.checks if c.name == "owl"]
    assert owl.skipped is not None and "java" in owl.skipped.lower()
    assert "\n" not in owl.skipped
    assert report.clean


def test_broken_entities_skip_the_later_checks(mini_data):
    (mini_data / "entities.yaml").write_text("entities: [\n", encoding="utf-8")
    report = validate(mini_data)
    (problem,) = _only(report, "yaml")
    assert problem.file == str(mini_data / "entities.yaml")
    skipped = {c.name for c in report.checks if c.skipped}
    assert skipped == {"quotes", "alignment", "contradictions", "shacl", "owl"}


# --- the report ----------------------------------------------------------------------------


def _broken_twice(mini_data: Path) -> Path:
    path = _statements(mini_data)
    _replace(
        path,
        "subject: anakinra\n    predicate: treats",
        "subject: anakinara\n    predicate: treats",
    )
    _replace(path, "evidence: ECO:0006185", "evidence: ECO-0006185")
    return path


def test_text_report_groups_by_kind_with_counts(mini_data):
    path = _broken_twice(mini_data)
    text = format_text(validate(mini_data, **FAST))
    assert "\nevidence (1):\n" in text and "\nunknown-entity (1):\n" in text
    assert f"  {path}:{_line_of(path, 'anakinara')}: unknown entity 'anakinara'" in text
    assert text.rstrip().endswith("2 errors, 0 warnings (evidence 1, unknown-entity 1)")


def test_json_report_for_ci(mini_data):
    path = _broken_twice(mini_data)
    document = json.loads(format_json(validate(mini_data, **FAST)))
    assert document["clean"] is False
    assert document["summary"] == {
        "errors": 2,
        "warnings": 0,
        "by_kind": {"evidence": 1, "unknown-entity": 1},
    }
    kinds = {(p["kind"], p["file"], p["line"]) for p in document["problems"]}
    assert ("unknown-entity", str(path), _line_of(path, "anakinara")) in kinds


def test_a_file_path_shows_only_that_files_problems(mini_data):
    _broken_twice(mini_data)
    entities = mini_data / "entities.yaml"
    (report,) = validate_paths([entities], **FAST)
    assert report.clean
    (report,) = validate_paths([_statements(mini_data)], **FAST)
    assert len(report.problems) == 2


def test_cli_exit_codes_and_formats(mini_data, tmp_path):
    clean = runner.invoke(app, ["validate", str(mini_data), "--no-reason", "--no-shacl"])
    assert clean.exit_code == 0, clean.output
    assert "clean: no problems found" in clean.output
    _broken_twice(mini_data)
    broken = runner.invoke(app, ["validate", str(mini_data), "--no-reason", "-f", "json"])
    assert broken.exit_code == 1
    assert json.loads(broken.output)["summary"]["errors"] == 2
    missing = runner.invoke(app, ["validate", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert "no such file or directory" in missing.output
    assert "Traceback" not in missing.output


# --- hostile input: the loader only ever raises its own error -------------------------------

HOSTILE = [
    (b"\xef\xbb\xbfentities: [\n", "BOM and bad YAML"),
    (b"entities:\n\t- id: x\n", "tab"),
    (b"entities: [\xff\xfe]\n", "UTF-8"),
    (b"", "empty"),
    (b"entities:\n  - id: a\n    id: b\n", "duplicate key"),
    (b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "alias"),
    (b"entities: !!python/object/apply:os.system ['echo hi']\n", "tag"),
    (b"entities:\n  - id: x\n    label: '<script>alert(1)</script>'\n    category: Drug\n", "HTML"),
]


@pytest.mark.parametrize(("raw", "what"), HOSTILE, ids=[w for _, w in HOSTILE])
def test_hostile_entities_file_gives_file_line_and_no_traceback(mini_data, raw, what, tmp_path):
    path = mini_data / "entities.yaml"
    path.write_bytes(raw)
    result = runner.invoke(app, ["build", "--out", str(tmp_path / "o"), "--data", str(mini_data)])
    assert result.exit_code == 1, (what, result.output)
    assert str(path) in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_a_50_mb_file_is_refused_before_parsing(mini_data):
    path = mini_data / "entities.yaml"
    with path.open("wb") as handle:
        handle.write(b"entities:\n")
        handle.write(b"  - {id: x, label: y, category: Drug}\n" * 1_400_000)
    with pytest.raises(CurationError) as caught:
        load_curation(mini_data)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.message.endswith("bytes, over the 5242880-byte limit; split it")


def test_a_byte_order_mark_is_harmless(mini_data):
    """Editors on Windows write one; it carries no meaning, so it is dropped, not refused."""
    path = mini_data / "entities.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_curation(mini_data).entity("il-1").label == "IL-1"


_scalars = st.one_of(
    st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_only_ever_raise_curation_error(raw):
    try:
        parse_yaml(raw, "random.yaml")
    except CurationError as exc:
        assert all(p.file == "random.yaml" for p in exc.problems)


MINI = Path(__file__).resolve().parent / "data" / "mini"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_mutated_curation_only_ever_raises_curation_error(tmp_path_factory, data):
    """Take the mini curation, damage one file at a random place, and load it."""
    root = tmp_path_factory.mktemp("mutant")
    shutil.copytree(MINI, root, dirs_exist_ok=True)
    name = data.draw(st.sampled_from(["entities.yaml", "sources.yaml", "statements/paper.yaml"]))
    path = root / name
    raw = path.read_bytes()
    how = data.draw(st.sampled_from(["cut", "insert", "replace-value", "document"]))
    at = data.draw(st.integers(0, len(raw)))
    if how == "cut":
        raw = raw[:at] + raw[at + data.draw(st.integers(1, 40)) :]
    elif how == "insert":
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=12)) + raw[at:]
    elif how == "replace-value":
        raw = raw.replace(b": ", b": " + json.dumps(data.draw(_scalars)).encode() + b" #", 1)
    else:
        raw = json.dumps(data.draw(_documents)).encode()
    path.write_bytes(raw)
    try:
        load_curation(root)
    except CurationError as exc:
        assert exc.problems and all(p.file.startswith(str(root)) for p in exc.problems)


def test_reports_name_files_as_the_curator_wrote_them(mini_data, monkeypatch):
    _broken_twice(mini_data)
    monkeypatch.chdir(mini_data.parent)
    (report,) = validate_paths([Path("mini/statements/paper.yaml")], **FAST)
    assert {p.file for p in report.problems} == {"mini/statements/paper.yaml"}
