"""Shared fixtures: the real curation built once per session, and tiny curation copies to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from kg.build import build_graph
from kg.curation import bundled_data_dir, load_curation
from kg.model import Curation

REPO = Path(__file__).resolve().parent.parent
#: The source texts live outside the repository (they are not ours to publish).
SEEDS = REPO.parent / "shared" / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def curation() -> Curation:
    """The bundled curation, loaded and checked."""
    return load_curation()


@pytest.fixture(scope="session")
def graph(curation: Curation) -> Graph:
    """The full built graph (ontology + curation). Do not modify it in tests."""
    return build_graph(curation)


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The folder of source texts; tests that need it skip where it is absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not found at {SEEDS}")
    return SEEDS


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled curation, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


@pytest.fixture
def mini_data(tmp_path: Path) -> Path:
    """A copy of the tiny curation in tests/data/mini."""
    target = tmp_path / "mini"
    shutil.copytree(DATA / "mini", target)
    return target
