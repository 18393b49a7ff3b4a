"""The curation loader: the real curation's content, and every kind of bad input it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.curation import load_curation
from kg.errors import CurationError
from kg.model import EntityRef, Modality


def _errors(data: Path) -> list[str]:
    with pytest.raises(CurationError) as info:
        load_curation(data)
    return [str(p) for p in info.value.problems]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_real_curation_covers_both_sources(curation):
    by_source = {s.id: 0 for s in curation.sources}
    for statement in curation.statements:
        by_source[statement.source] += 1
    assert by_source["cron-2020"] > 100
    assert by_source["soule-2020"] > 30
    assert {s.id for s in curation.sources} == {"cron-2020", "soule-2020", "huet-2020"}


def test_huet_doi_is_the_confirmed_one(curation):
    huet = next(s for s in curation.sources if s.id == "huet-2020")
    assert huet.doi == "10.1016/S2665-9913(20)30164-8"
    assert huet.pmid == "32835245"
    cron = next(s for s in curation.sources if s.id == "cron-2020")
    assert cron.doi is None  # no stored record confirmed it: left out rather than guessed
    assert cron.cites == ("huet-2020",)


def test_every_statement_has_quote_eco_and_modality(curation):
    for statement in curation.statements:
        assert statement.quote.strip()
        assert statement.evidence.startswith("ECO:")
        assert isinstance(statement.modality, Modality)


def test_hazard_ratio_qualifiers_are_typed_numbers(curation):
    from decimal import Decimal

    hr = next(s for s in curation.statements if s.id == "cron-huet-hazard-ratio")
    assert (hr.subject, hr.predicate, hr.object) == ("anakinra", "reduces", "imv-or-death")
    assert hr.qualifier("hazard_ratio") == Decimal("0.22")
    assert hr.qualifier("ci_lower") == Decimal("0.11")
    assert hr.qualifier("ci_upper") == Decimal("0.41")
    assert hr.qualifier("p_value_below") == Decimal("0.0001")
    assert hr.qualifier("sample_size") == 52
    assert hr.qualifier("comparator_sample_size") == 44
    assert hr.qualifier("in_study") == EntityRef("huet-cohort")


def test_glucocorticoids_for_covid_are_recommended_against(curation):
    who = next(s for s in curation.statements if s.id == "cron-who-against-glucocorticoids")
    assert (who.subject, who.predicate, who.object) == ("glucocorticoids", "treats", "covid-19")
    assert who.modality is Modality.RECOMMENDED_AGAINST
    assert who.qualifier("recommended_by") == EntityRef("who")
    based_on = {v for k, v in who.qualifiers if k == "based_on_experience_with"}
    assert based_on == {EntityRef("sars"), EntityRef("mers")}


def test_perforin_genetics_keep_zygosity(curation):
    by_id = {s.id: s for s in curation.statements}
    assert by_id["cron-homozygous-causes-fhlh"].qualifier("zygosity") == "homozygous"
    assert by_id["cron-homozygous-causes-fhlh"].object == "familial-hlh"
    assert by_id["cron-heterozygous-shlh"].qualifier("zygosity") == "heterozygous"
    assert by_id["cron-heterozygous-shlh"].object == "secondary-hlh"
    assert by_id["cron-genetics-covid-css-unknown"].modality is Modality.UNKNOWN


def test_claims_follow_their_sentences(curation):
    by_id = {s.id: s for s in curation.statements}
    # "the best studied pathway is defective lymphocyte killing via the perforin pathway"
    perforin = by_id["cron-perforin-pathway-contributes-css"]
    assert (perforin.subject, perforin.object) == (
        "defective-perforin-lymphocyte-killing",
        "cytokine-storm-syndrome",
    )
    # "improved survival in a subset of patients with sepsis and features of cytokine storm
    # syndrome": the benefit is not claimed for sepsis as such
    assert by_id["cron-anakinra-treats-sepsis-css"].object == "cytokine-storm-syndrome"
    # "While awaiting results of these clinical trials": efficacy in COVID-19-associated CSS is open
    awaited = by_id["cron-il1-trials-results-awaited"]
    assert (awaited.subject, awaited.object) == ("il-1-blockade", "covid-19-css")
    assert awaited.modality is Modality.UNKNOWN
    # "became a pandemic in early 2020": the text's period, no invented month
    pandemic = by_id["soule-covid-pandemic"]
    assert pandemic.qualifier("time_frame") == "early 2020"
    assert pandemic.qualifier("as_of") is None


def test_bundled_mini_fixture_loads(mini_data):
    curation = load_curation(mini_data)
    assert [s.id for s in curation.statements] == [
        "anakinra-treats-crs",
        "anakinra-prevents-crs",
        "anakinra-targets-il1",
    ]


# ---- bad input: each names the file and line -------------------------------------------------


def test_unknown_entity_is_named_with_line_and_suggestion(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "subject: anakinra", "subject: anakinara")
    line = _line_of(path, "subject: anakinara")
    assert _errors(mini_data) == [
        f"{path}:{line}: unknown entity 'anakinara'; did you mean 'anakinra'?"
        " (entities are listed in entities.yaml)"
    ]


def test_unknown_predicate(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "predicate: treats", "predicate: treat")
    (message,) = _errors(mini_data)
    assert message.startswith(
        f"{path}:{_line_of(path, 'predicate: treat')}: unknown predicate 'treat'"
    )
    assert "did you mean 'treats'?" in message


def test_unknown_source(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "source: paper", "source: papr")
    (message,) = _errors(mini_data)
    assert message.startswith(f"{path}:1: unknown source 'papr'; did you mean 'paper'?")


def test_missing_quote(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "    quote: anakinra could prevent cytokine release syndrome\n", "")
    line = _line_of(path, "- id: anakinra-prevents-crs")
    assert _errors(mini_data) == [f"{path}:{line}: statement lacks required field 'quote'"]


def test_number_with_decimal_comma(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "hazard_ratio: 0.5", 'hazard_ratio: "0,5"')
    line = _line_of(path, "hazard_ratio:")
    assert _errors(mini_data) == [
        f"{path}:{line}: qualifier 'hazard_ratio': '0,5' is not a number"
        " (write the decimal separator as a dot, e.g. 0.22)"
    ]


def test_count_must_be_whole(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "count: 3", "count: three")
    assert _errors(mini_data) == [
        f"{path}:{_line_of(path, 'count: three')}: qualifier 'count': 'three' is not a whole number"
    ]


def test_domain_violation_names_the_classes(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    # a cytokine cannot be what is treated
    _replace(path, "object: crs\n    modality: asserted", "object: il-1\n    modality: asserted")
    (message,) = _errors(mini_data)
    assert message == (
        f"{path}:{_line_of(path, 'object: il-1')}: statement 'anakinra-treats-crs':"
        " 'il-1' is a Cytokine, but 'treats' takes an object of class Disease or Phenotype"
    )


def test_unknown_modality(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "modality: hypothesised", "modality: hypothesized")
    (message,) = _errors(mini_data)
    assert "unknown modality 'hypothesized'; did you mean 'hypothesised'?" in message


def test_bad_eco_code(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "evidence: ECO:0000180", "evidence: ECO:180")
    (message,) = _errors(mini_data)
    assert message.endswith("evidence 'ECO:180' must be an ECO code such as ECO:0000304")


def test_malformed_yaml_stops_before_statements(mini_data):
    path = mini_data / "entities.yaml"
    _replace(path, "synonyms: [CRS]", "synonyms: [CRS")
    (message,) = _errors(mini_data)
    assert message.startswith(f"{path}:")
    assert "invalid YAML" in message


def test_duplicate_entity_id(mini_data):
    path = mini_data / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  - id: il-1\n    label: IL-1 again\n    category: Cytokine\n")
    (message,) = _errors(mini_data)
    assert f"duplicate entity id 'il-1' (first at {path}:" in message


def test_unknown_field_is_a_typo_not_ignored(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    _replace(path, "    quote: Blocking", "    qoute: Blocking")
    messages = _errors(mini_data)
    assert any("unknown field 'qoute' in statement; did you mean 'quote'?" in m for m in messages)


def test_bad_curie(mini_data):
    path = mini_data / "entities.yaml"
    _replace(path, "drugbank:DB00026", "drugbank:26")
    (message,) = _errors(mini_data)
    assert "does not match drugbank's pattern" in message


def test_html_in_label(mini_data):
    path = mini_data / "entities.yaml"
    _replace(path, "label: IL-1", 'label: "<script>alert(1)</script>"')
    (message,) = _errors(mini_data)
    assert "'label' holds HTML or markup" in message


def test_missing_directory(tmp_path):
    messages = _errors(tmp_path / "nope")
    assert messages == [
        f"{tmp_path / 'nope'}: curation directory not found; pass an existing --data DIR"
    ]
