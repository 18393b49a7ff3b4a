"""The benchmark's synthetic curation (bench/generate.py): a valid curation, exactly N times the
real one. The benchmark itself (bench/run.py) is not run here: it measures, it does not test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg.curation import load_curation

GENERATE = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


def test_generated_curation_is_twice_the_real_one(curation, tmp_path):
    out = tmp_path / "curation-2x"
    subprocess.run(
        [sys.executable, str(GENERATE), "2", str(out)], check=True, capture_output=True, timeout=300
    )

    doubled = load_curation(out)

    assert len(doubled.statements) == 2 * len(curation.statements)
    assert len(doubled.entities) == 2 * len(curation.entities)
    assert len(doubled.sources) == 2 * len(curation.sources)
    # the replica is a disjoint copy: same labels and claims under suffixed ids
    labels = {e.id: e.label for e in doubled.entities}
    assert labels["anakinra-r1"] == labels["anakinra"] == "anakinra"
    replica = {s.id: s for s in doubled.statements if s.id.endswith("-r1")}
    assert len(replica) == len(curation.statements)
    for original in curation.statements:
        copy = replica[original.id + "-r1"]
        assert (copy.subject, copy.predicate, copy.object) == (
            original.subject + "-r1",
            original.predicate,
            original.object + "-r1",
        )
        assert (copy.quote, copy.modality, copy.source) == (
            original.quote,
            original.modality,
            original.source + "-r1",
        )
