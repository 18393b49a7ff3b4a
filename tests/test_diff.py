"""`kg diff`: statements added, removed and changed between two releases."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.diff import diff_releases
from kg.pipeline import run_build


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_diff_of_a_release_with_itself_is_empty(tmp_path):
    run_build(tmp_path / "a")
    assert diff_releases(tmp_path / "a", tmp_path / "a").empty


def test_diff_names_added_removed_and_changed_statements(tmp_path, data_copy):
    run_build(tmp_path / "old", data_dir=data_copy)
    statements = data_copy / "statements" / "cron-2020.yaml"
    _edit(statements, "hazard_ratio: 0.22", "hazard_ratio: 0.23")
    _edit(statements, "id: cron-coi-pfizer", "id: cron-coi-pfizer-renamed")
    run_build(tmp_path / "new", data_dir=data_copy)
    result = diff_releases(tmp_path / "old", tmp_path / "new")
    assert [r.id for r in result.removed] == ["cron-coi-pfizer"]
    assert [r.id for r in result.added] == ["cron-coi-pfizer-renamed"]
    assert [new.id for _, new in result.changed] == ["cron-huet-hazard-ratio"]
    lines = result.lines()
    assert "- cron-coi-pfizer: randy-cron received_funding_from pfizer (cron-2020)" in lines
    (changed,) = [line for line in lines if line.startswith("~ ")]
    assert "was hazard_ratio=0.22" in changed and "now hazard_ratio=0.23" in changed

    cli = CliRunner().invoke(app, ["diff", str(tmp_path / "old"), str(tmp_path / "new")])
    assert cli.exit_code == 0
    assert "+ cron-coi-pfizer-renamed" in cli.output
    assert "1 added, 1 removed, 1 changed" in cli.output


def test_diff_of_a_missing_release_is_a_clear_error(tmp_path):
    cli = CliRunner().invoke(app, ["diff", str(tmp_path / "nope"), str(tmp_path / "nope")])
    assert cli.exit_code == 2
    assert "no cytokine-storm-kg.nt there" in cli.output
