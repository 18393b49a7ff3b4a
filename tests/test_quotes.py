"""The quote check against the source texts."""

from __future__ import annotations

import pytest

from kg.curation import load_curation
from kg.errors import KGError, QuoteError
from kg.quotes import check_quotes, normalise, require_quotes


def test_every_real_quote_is_in_its_source(curation, seeds):
    assert check_quotes(curation, seeds) == []


def test_normalise_absorbs_extraction_artefacts():
    assert normalise("con di tions") == normalise("conditions")
    assert normalise("pan-\ndemic") == normalise("pandemic")
    assert normalise("0·22") != normalise("0.22")  # the text's words are kept, not its glyphs


def test_mini_quotes_found_across_line_break_hyphens(mini_data):
    curation = load_curation(mini_data)
    assert check_quotes(curation, mini_data) == []


def test_altered_quote_is_reported_with_file_and_line(mini_data):
    path = mini_data / "statements" / "paper.yaml"
    text = path.read_text(encoding="utf-8").replace("could prevent", "will prevent")
    path.write_text(text, encoding="utf-8")
    curation = load_curation(mini_data)
    with pytest.raises(QuoteError) as info:
        require_quotes(curation, mini_data)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert "statement 'anakinra-prevents-crs': quote not found" in problem.message


def test_missing_text_file_is_reported(mini_data):
    (mini_data / "paper.txt").unlink()
    problems = check_quotes(load_curation(mini_data), mini_data)
    assert [p.message.split(":")[0] for p in problems] == ["source 'paper'"]


def test_sources_dir_must_exist(curation, tmp_path):
    with pytest.raises(KGError, match="not a directory"):
        check_quotes(curation, tmp_path / "absent")
