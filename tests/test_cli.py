"""The command line: through typer's runner, and once as the installed `kg` command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def test_build_writes_exports_and_reports_counts(tmp_path, seeds):
    result = runner.invoke(app, ["build", "--out", str(tmp_path), "--sources", str(seeds)])
    assert result.exit_code == 0, result.output
    assert "3 sources" in result.output and "statements" in result.output
    assert (tmp_path / "cytokine-storm-kg.ttl").is_file()


def test_bad_curation_gives_file_line_and_exit_1_without_traceback(tmp_path, mini_data):
    path = mini_data / "statements" / "paper.yaml"
    path.write_text(path.read_text().replace("object: il-1", "object: il1"), encoding="utf-8")
    result = runner.invoke(app, ["build", "--out", str(tmp_path / "o"), "--data", str(mini_data)])
    assert result.exit_code == 1
    assert f"{path}:" in result.output
    assert "unknown entity 'il1'; did you mean 'il-1'?" in result.output
    assert "Traceback" not in result.output


def test_check_quotes_command(mini_data):
    result = runner.invoke(app, ["check-quotes", str(mini_data), "--data", str(mini_data)])
    assert result.exit_code == 0, result.output
    assert "all 3 quotes found" in result.output


def test_installed_command_runs_as_a_subprocess(tmp_path):
    kg = shutil.which("kg", path=str(Path(sys.executable).parent))
    command = [kg] if kg else [sys.executable, "-m", "kg"]
    done = subprocess.run(
        [*command, "build", "--out", str(tmp_path), "--data", "/nonexistent-curation"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == "/nonexistent-curation: curation directory not found; pass an existing --data DIR"
    )
    helped = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "build" in helped.stdout


def test_installed_command_builds_from_any_directory(tmp_path):
    """The installed package carries its curation and ontology: no checkout needed."""
    from kg.pipeline import run_build

    kg = shutil.which("kg", path=str(Path(sys.executable).parent))
    command = [kg] if kg else [sys.executable, "-m", "kg"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [*command, "build", "--out", "out"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    run_build(tmp_path / "in-process")
    for name in ("cytokine-storm-kg.nt", "cytokine-storm-kg.ttl"):
        assert (elsewhere / "out" / name).read_bytes() == (
            tmp_path / "in-process" / name
        ).read_bytes()
