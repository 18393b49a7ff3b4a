"""`run_build`: deterministic output, and a failed build leaves the previous exports untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import CurationError, QuoteError
from kg.export import ExportFormat
from kg.pipeline import run_build


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path):
    first = run_build(tmp_path / "a")
    run_build(tmp_path / "b")
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")
    assert (tmp_path / "a" / ExportFormat.TURTLE.filename).is_file()
    assert first.triples > 3000
    assert (tmp_path / "a" / "MANIFEST.sha256").is_file()
    statements = len(first.curation.statements)
    assert f"{statements} statements" in first.summary


def test_failed_build_keeps_previous_exports(tmp_path, data_copy):
    out = tmp_path / "exports"
    run_build(out, data_dir=data_copy)
    before = _snapshot(out)
    statements = data_copy / "statements" / "cron-2020.yaml"
    text = statements.read_text(encoding="utf-8")
    statements.write_text(
        text.replace("hazard_ratio: 0.22", 'hazard_ratio: "0,22"'), encoding="utf-8"
    )
    with pytest.raises(CurationError) as info:
        run_build(out, data_dir=data_copy)
    assert "qualifier 'hazard_ratio': '0,22' is not a number" in str(info.value)
    assert _snapshot(out) == before
    assert not list(tmp_path.glob(".exports-*")), "staging directory left behind"


def test_quote_check_blocks_the_build(tmp_path, mini_data):
    path = mini_data / "statements" / "paper.yaml"
    path.write_text(path.read_text().replace("abrogated", "cured"), encoding="utf-8")
    with pytest.raises(QuoteError):
        run_build(tmp_path / "out", data_dir=mini_data, sources_dir=mini_data)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_build_from_user_curation(tmp_path, mini_data):
    report = run_build(tmp_path / "out", data_dir=mini_data, sources_dir=mini_data)
    assert len(report.curation.statements) == 3
    from rdflib import Graph

    from kg.namespaces import KGE, KGO

    graph = Graph().parse(tmp_path / "out" / ExportFormat.TURTLE.filename)
    assert (KGE.anakinra, KGO.targets, KGE["il-1"]) in graph
    assert (KGE.anakinra, KGO.prevents, KGE.crs) not in graph  # hypothesised only


def test_ntriples_only_build_needs_no_rdflib_graph(tmp_path):
    report = run_build(tmp_path / "nt", formats=(ExportFormat.NTRIPLES,))
    assert [p.name for p in report.files] == [
        ExportFormat.NTRIPLES.filename,
        "shapes.ttl",
        "void.ttl",
        "MANIFEST.sha256",
    ]
    full = run_build(tmp_path / "full")
    assert (tmp_path / "nt" / ExportFormat.NTRIPLES.filename).read_bytes() == (
        tmp_path / "full" / ExportFormat.NTRIPLES.filename
    ).read_bytes()
    assert report.triples == full.triples


def test_build_can_write_a_persistent_store(tmp_path):
    from kg.namespaces import KGE, KGO
    from kg.store import open_store

    run_build(tmp_path / "out", store_path=tmp_path / "store")
    graph = open_store(tmp_path / "store")
    assert (KGE.anakinra, KGO.binds, KGE["il-1-beta"]) in graph


def test_merge_adds_external_triples_to_ntriples_and_store(tmp_path):
    from kg.store import open_store

    (tmp_path / "mesh.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ; ex:label 'a' .\n", encoding="utf-8"
    )
    (tmp_path / "more.nt").write_text(
        "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
        "<http://example.org/d> <http://example.org/b> <http://example.org/c> .\n",
        encoding="utf-8",
    )
    alone = run_build(tmp_path / "alone", formats=(ExportFormat.NTRIPLES,))
    report = run_build(
        tmp_path / "out",
        formats=(ExportFormat.NTRIPLES,),
        store_path=tmp_path / "store",
        merge=(tmp_path / "mesh.ttl", tmp_path / "more.nt"),
    )
    assert report.triples == alone.triples + 3  # the shared triple counts once
    lines = (tmp_path / "out" / ExportFormat.NTRIPLES.filename).read_bytes().splitlines()
    assert lines == sorted(lines)
    answer = open_store(tmp_path / "store").query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/b> <http://example.org/c> }"
    )
    assert [int(row[0]) for row in answer] == [2]


def test_merge_errors_name_the_file_and_line(tmp_path):
    from kg.errors import ExportError

    bad = tmp_path / "bad.nt"
    bad.write_text("<http://example.org/a> <http://example.org/b> <c> .\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(ExportError, match=rf"^{bad}:1: not valid N-Triples"):
        run_build(out, formats=(ExportFormat.NTRIPLES,), merge=(bad,))
    with pytest.raises(ExportError, match="add --format ntriples"):
        run_build(out, merge=(bad,))
    assert not out.exists() or not any(out.iterdir())


def test_build_writes_what_hermit_infers_in_a_file_of_its_own(tmp_path):
    import shutil

    from helpers import require

    require(shutil.which("java"), "java is needed to run the HermiT reasoner")
    run_build(tmp_path)
    inferred = (tmp_path / ExportFormat.INFERRED.filename).read_text(encoding="utf-8")
    curated = (tmp_path / ExportFormat.NTRIPLES.filename).read_text(encoding="utf-8")
    kge, kgo = (
        "https://w3id.org/cytokine-storm-kg/entity/",
        "https://w3id.org/cytokine-storm-kg/ontology/",
    )
    # the curation says MAS is a cytokine storm syndrome; the inverse is inferred, not curated
    mas = f"<{kge}macrophage-activation-syndrome>"
    line = f"<{kge}cytokine-storm-syndrome> <{kgo}has_subtype> {mas} .\n"
    assert line in inferred and line not in curated
    body = [t for t in inferred.splitlines(keepends=True) if t.startswith(f"<{kge}")]
    assert body and not set(body) & set(curated.splitlines(keepends=True))
    assert "prov#wasGeneratedBy" in inferred  # the file says where its triples come from
    manifest = (tmp_path / "MANIFEST.sha256").read_text(encoding="utf-8")
    assert ExportFormat.INFERRED.filename in manifest


def test_no_reason_leaves_the_inferred_file_out(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path), "--no-reason"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / ExportFormat.INFERRED.filename).exists()
    assert (tmp_path / ExportFormat.TURTLE.filename).is_file()


def test_an_inconsistency_stops_the_export(curation):
    import dataclasses
    import shutil

    from helpers import require

    from kg.export import export_files
    from kg.model import Located

    require(shutil.which("java"), "java is needed to run the HermiT reasoner")
    base = next(
        s for s in curation.statements if s.predicate == "treats" and s.modality == "asserted"
    )
    bad = dataclasses.replace(
        base, id="x-treats-il6", object="il-6", where=Located("wrong.yaml", 12)
    )
    broken = dataclasses.replace(curation, statements=(*curation.statements, bad))
    with pytest.raises(CurationError) as caught:
        export_files(broken, [ExportFormat.INFERRED])
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("wrong.yaml", 12)
    assert "x-treats-il6" in problem.message and "Cytokine" in problem.message


def test_a_missing_java_says_how_to_build_without_it(tmp_path, monkeypatch):
    from kg.errors import ExportError

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(
        ExportError, match=r"java not found: .*; or build without it: kg build --no-reason"
    ):
        run_build(tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
