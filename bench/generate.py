"""Write synthetic curation at N times the size of the real one, in the project's own YAML format.

The copy keeps the real curation's shape: the same categories, predicates, modalities,
qualifiers and quote lengths; only ids (and so IRIs) are suffixed per replica, so every
replica is a disjoint copy of the real graph and costs grow as they would with real papers.

    python bench/generate.py 100 /tmp/curation-100x
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import yaml

from kg.curation import ENTITIES_DIR, ENTITIES_FILE, SOURCES_FILE, STATEMENTS_DIR, bundled_data_dir


class _NoAliases(yaml.SafeDumper):
    """The curation loader refuses YAML aliases, so never write them."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _dump(doc: object) -> str:
    return yaml.dump(doc, Dumper=_NoAliases, allow_unicode=True, width=1000, sort_keys=False)


def _plain(path: Path) -> dict:
    # the bench reads its own trusted input; the project's safe loader is what is measured later
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _rename(value: object, entity_ids: set[str], suffix: str) -> object:
    """Suffix entity references inside a qualifier value; leave numbers and text alone."""
    if isinstance(value, list):
        return [_rename(v, entity_ids, suffix) for v in value]
    if isinstance(value, str) and value in entity_ids:
        return value + suffix
    return value


def generate(scale: int, out: Path, data_dir: Path | None = None) -> Path:
    """Write a curation directory ``scale`` times the size of ``data_dir`` into ``out``."""
    src = data_dir or bundled_data_dir()
    if out.exists():
        shutil.rmtree(out)
    (out / STATEMENTS_DIR).mkdir(parents=True)
    sources = _plain(src / SOURCES_FILE)["sources"]
    entities = _plain(src / ENTITIES_FILE)["entities"]
    entity_ids = {e["id"] for e in entities}
    new_sources, new_entities = [], []
    for r in range(scale):
        sfx = "" if r == 0 else f"-r{r}"
        for s in sources:
            new_sources.append(
                {**s, "id": s["id"] + sfx, "cites": [c + sfx for c in s.get("cites", [])]}
            )
        for e in entities:
            new_entities.append({**e, "id": e["id"] + sfx})
    (out / SOURCES_FILE).write_text(_dump({"sources": new_sources}))
    # entities/ split in chunks keeps each file under the loader's size cap at any scale
    (out / ENTITIES_DIR).mkdir()
    chunk = len(entities) * 10
    for start in range(0, len(new_entities), chunk):
        part = {"entities": new_entities[start : start + chunk]}
        (out / ENTITIES_DIR / f"{start // chunk:05d}.yaml").write_text(_dump(part))
    for path in sorted((src / STATEMENTS_DIR).glob("*.yaml")):
        doc = _plain(path)
        for r in range(scale):
            sfx = "" if r == 0 else f"-r{r}"
            statements = []
            for st in doc["statements"]:
                quals = {
                    k: _rename(v, entity_ids, sfx) for k, v in (st.get("qualifiers") or {}).items()
                }
                new = {
                    **st,
                    "id": st["id"] + sfx,
                    "subject": st["subject"] + sfx,
                    "object": st["object"] + sfx,
                }
                if quals:
                    new["qualifiers"] = quals
                statements.append(new)
            target = out / STATEMENTS_DIR / f"{path.stem}{sfx}.yaml"
            target.write_text(_dump({"source": doc["source"] + sfx, "statements": statements}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", type=int, help="how many times the real curation's size")
    parser.add_argument("out", type=Path, help="directory to write (replaced if it exists)")
    args = parser.parse_args()
    generate(args.scale, args.out)


if __name__ == "__main__":
    main()
