"""kg.query: loading, bound parameters, prefixes, result formats, errors, the `kg query` command."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import require
from rdflib import Graph, Literal
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import GraphFileError, QueryError, QuerySyntaxError, ReadOnlyError
from kg.formats import ResultFormat
from kg.namespaces import KGE
from kg.query import (
    answer,
    bundled_queries,
    format_result,
    load_graph,
    parse_param,
    prepare,
    query,
    run,
    to_term,
)

runner = CliRunner()
HUET = (
    "SELECT ?hr ?lower ?upper WHERE { kgs:cron-huet-hazard-ratio kgo:hazard_ratio ?hr ; "
    "kgo:ci_lower ?lower ; kgo:ci_upper ?upper }"
)


def test_load_graph_is_built_once_and_holds_curation_and_ontology(graph):
    first = load_graph()
    assert load_graph() is first
    assert len(first) == len(graph)
    assert (KGE.anakinra, KGE.anakinra, KGE.anakinra) not in first
    assert kg.load_graph() is first


def test_python_api_runs_a_bundled_query_with_parameters(graph):
    result = kg.query("drug-targets", {"drug": "il-6-blockade"}, graph=graph)
    assert sorted(str(r["targetLabel"]) for r in result) == ["IL-6", "IL-6 receptor"]


def test_prefixes_are_predeclared_and_numbers_are_exact(graph):
    result = run(graph, HUET)
    assert [(str(r["hr"]), str(r["lower"]), str(r["upper"])) for r in result] == [
        ("0.22", "0.11", "0.41")
    ]


def test_parameters_are_bound_never_pasted(graph):
    # a value crafted to close the string and add a pattern finds nothing and breaks nothing
    hostile = 'x")) } UNION { ?entity ?p ?o } #'
    assert len(query("find-entity", {"text": hostile}, graph=graph)) == 0
    # the same mechanism works for ad-hoc queries: a bound variable restricts the answer
    adhoc = "SELECT ?l WHERE { ?e rdfs:label ?l }"
    assert [str(r["l"]) for r in query(adhoc, {"e": "kge:anakinra"}, graph=graph)] == ["anakinra"]


def test_parameter_values_by_type():
    assert to_term("kge:il-6", "iri") == KGE["il-6"]
    assert to_term("<https://w3id.org/cytokine-storm-kg/entity/il-6>", "iri") == KGE["il-6"]
    assert to_term("il-6", "iri") == KGE["il-6"]
    assert to_term("52", "integer") == Literal(52)
    with pytest.raises(QueryError, match="not an IRI"):
        to_term("a b> <c", "iri")
    with pytest.raises(QueryError, match="not an integer"):
        to_term("52; DROP", "integer")
    assert parse_param("?drug=kge:anakinra") == ("drug", "kge:anakinra")
    with pytest.raises(QueryError, match="name=value"):
        parse_param("drug")


def test_unknown_parameter_and_unknown_query_name_are_query_errors(graph):
    with pytest.raises(QueryError, match="no parameter dose; its parameters: drug"):
        query("drug-targets", {"dose": "1"}, graph=graph)
    with pytest.raises(QueryError, match="did you mean 'drug-targets'"):
        query("drug-target", graph=graph)


def test_syntax_error_carries_line_column_and_text():
    with pytest.raises(QuerySyntaxError) as caught:
        prepare("SELECT ?x\nWHERE { ?x ?y }")
    error = caught.value
    assert (error.line, error.column, error.text) == (2, 9, "WHERE { ?x ?y }")
    assert "line 2, column 9" in str(error) and "^" in str(error)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_remote_datasets_and_services_are_refused_before_running(text):
    with pytest.raises(QueryError, match="not supported"):
        prepare(text)


@pytest.mark.parametrize(
    "text", ["LOAD <http://127.0.0.1:9/x.ttl>", "INSERT DATA { kge:a kge:b kge:c }", "CLEAR ALL"]
)
def test_updates_are_refused(text):
    with pytest.raises(ReadOnlyError, match="read-only"):
        prepare(text)


def test_unknown_prefix_is_a_query_error():
    with pytest.raises(QueryError, match="Unknown namespace prefix : foo"):
        prepare("SELECT ?x WHERE { ?x foo:bar ?y }")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
@pytest.mark.parametrize("name", ["drug-pharmacology", "study-arms", "recommended-against"])
def test_result_formats_are_byte_identical_to_another_engine(graph, name, fmt):
    require(importlib.util.find_spec("pyoxigraph"), "pyoxigraph is not installed")
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt").encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    # Oxigraph canonicalises literals as it loads them (4.0 becomes 4): both engines are given
    # the same, canonical, graph so that what is compared is how answers are written
    dumped = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    same = Graph().parse(data=dumped, format="nt")
    named = bundled_queries()[name]
    text = named.text
    for parameter in named.parameters:  # the defaults are trusted text, inlined for Oxigraph
        text = text.replace(f"?{parameter.name}", parameter.default)
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in graph.namespaces())
    formats = {
        "csv": pyoxigraph.QueryResultsFormat.CSV,
        "tsv": pyoxigraph.QueryResultsFormat.TSV,
        "json": pyoxigraph.QueryResultsFormat.JSON,
        "xml": pyoxigraph.QueryResultsFormat.XML,
    }
    theirs = store.query(prefixes + text).serialize(format=formats[fmt])
    ours = format_result(query(name, graph=same), ResultFormat(fmt)).encode()
    assert len(query(name, graph=same)) > 0
    assert ours == theirs


def test_ask_and_construct_formats(graph):
    ask = query("is-kind-of", graph=graph)
    assert format_result(ask, ResultFormat.JSON) == '{"head":{},"boolean":true}'
    assert format_result(ask, ResultFormat.TABLE) == "true\n"
    construct = query("entity-neighbourhood", graph=graph)
    for fmt in (ResultFormat.TURTLE, ResultFormat.NT, ResultFormat.JSON_LD):
        parsed = Graph().parse(data=format_result(construct, fmt), format=fmt.rdflib_format)
        assert len(parsed) == 7
    with pytest.raises(QueryError, match="answers are graphs"):
        format_result(construct, ResultFormat.CSV)
    with pytest.raises(QueryError, match="answers are tables"):
        format_result(ask, ResultFormat.TURTLE)


def test_table_shows_curies_and_values(graph):
    text, count = answer("drug-targets", width=200)
    assert count == 3
    assert "kge:il-1-alpha" in text and "IL-1α" in text and "binds" in text


def test_graph_file_is_queried_instead_of_building(tmp_path, graph):
    path = tmp_path / "g.ttl"
    graph.serialize(path, format="turtle")
    text, count = answer(HUET, fmt=ResultFormat.CSV, graph_file=path)
    assert (text, count) == ("hr,lower,upper\r\n0.22,0.11,0.41\r\n", 1)
    with pytest.raises(GraphFileError, match="file not found"):
        load_graph(graph_file=tmp_path / "missing.ttl")


def test_json_ld_with_a_remote_context_is_refused_not_fetched(tmp_path):
    path = tmp_path / "g.jsonld"
    path.write_text(json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "x:a"}))
    with pytest.raises(GraphFileError, match="remote context"):
        load_graph(graph_file=path)
    path.write_text(json.dumps({"@context": {"@import": "http://127.0.0.1:9/c"}, "@id": "x:a"}))
    with pytest.raises(GraphFileError, match="remote context"):
        load_graph(graph_file=path)


# -- the command ---------------------------------------------------------------------------------


def test_cli_list_documents_every_bundled_query():
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    for name, named in bundled_queries().items():
        assert name in result.output and named.question in result.output
    assert "--param drug=<iri> (default kge:anakinra)" in result.output


def test_cli_formats_and_parameters():
    result = runner.invoke(
        app, ["query", "study-arms", "-p", "study=soule-case-series", "-f", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "arm,armLabel,size,relation,outcomeLabel,count,denominator,percentage"
    )
    assert ",3,has outcome,survival,3,3," in result.output
    turtle = runner.invoke(app, ["query", "entity-neighbourhood", "-f", "nt"])
    assert turtle.exit_code == 0 and turtle.output.count(" .\n") == 7


def test_cli_rq_file(tmp_path):
    path = tmp_path / "huet.rq"
    path.write_text("# question: The Huet hazard ratio?\n" + HUET + "\n", encoding="utf-8")
    result = runner.invoke(app, ["query", str(path), "--format", "tsv"])
    assert result.exit_code == 0
    assert result.output == "?hr\t?lower\t?upper\n0.22\t0.11\t0.41\n"


def test_cli_exit_codes():
    none = runner.invoke(app, ["query", "SELECT ?x WHERE { ?x kgo:no_such_predicate ?y }"])
    assert none.exit_code == 0 and "no results" in none.output
    bad = runner.invoke(app, ["query", "SELECT ?x WHERE { ?x ?y }"])
    assert bad.exit_code == 2
    assert "line 1, column 19" in bad.output and "Traceback" not in bad.output
    update = runner.invoke(app, ["query", "DELETE WHERE { ?s ?p ?o }"])
    assert update.exit_code == 2 and "read-only" in update.output
    wrong_format = runner.invoke(app, ["query", "drug-targets", "-f", "turtle"])
    assert wrong_format.exit_code == 2
    missing = runner.invoke(app, ["query", "drug-targets", "--graph", "/nonexistent/g.ttl"])
    assert missing.exit_code == 1 and "file not found" in missing.output


def test_installed_command_answers_as_a_subprocess(tmp_path):
    command = shutil.which("kg", path=str(Path(sys.executable).parent))
    argv = [command] if command else [sys.executable, "-m", "kg"]
    done = subprocess.run(
        [*argv, "query", "drug-pharmacology", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    bindings = json.loads(done.stdout)["results"]["bindings"]
    half_life = next(b for b in bindings if b["statement"]["value"] == "cron-anakinra-half-life")
    assert float(half_life["value"]["value"]) == 4 and half_life["unit"]["value"] == "h"


def test_include_inferred_finds_what_hermit_entails():
    require(shutil.which("java"), "java is needed to run the HermiT reasoner")
    question = "SELECT ?x WHERE { kge:cytokine-storm-syndrome kgo:has_subtype ?x } ORDER BY ?x"
    curated = runner.invoke(app, ["query", question, "--format", "csv"])
    assert curated.exit_code == 0 and curated.output.splitlines() == ["x"]
    inferred = runner.invoke(app, ["query", question, "--format", "csv", "--include-inferred"])
    assert inferred.exit_code == 0, inferred.output
    subtypes = {line.rsplit("/", 1)[-1] for line in inferred.output.splitlines()[1:]}
    # MAS, HLH and CRS are curated as kinds of CSS; familial HLH only through HLH (transitive)
    assert {"macrophage-activation-syndrome", "hlh", "cytokine-release-syndrome"} <= subtypes
    assert "familial-hlh" in subtypes


def test_include_inferred_needs_a_curation(tmp_path):
    result = runner.invoke(
        app, ["query", "ASK {}", "--include-inferred", "--store-path", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--include-inferred reasons over a curation" in result.output
