"""The committed ``exports/`` are exactly what ``kg build`` writes today (never stale)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXPORTS = REPO / "exports"


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build in another process, with another hash seed (set order must not leak)."""
    out = tmp_path_factory.mktemp("exports")
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=REPO,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
        timeout=600,
    )
    return out


def test_committed_exports_are_current(rebuilt):
    committed, fresh = _files(EXPORTS), _files(rebuilt)
    assert sorted(committed) == sorted(fresh), "exports/ lists other files: run `kg build`"
    stale = [name for name in committed if committed[name] != fresh[name]]
    assert not stale, f"exports/ is stale ({', '.join(stale)}): run `kg build`"


def test_manifest_matches_the_committed_files():
    import hashlib

    for line in (EXPORTS / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((EXPORTS / name).read_bytes()).hexdigest() == digest, name
