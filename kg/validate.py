"""``kg validate``: every check on a curation, in one report a curator can act on.

The checks, cheapest first: reading (YAML syntax and hazards, structure, types, ids, schema
terms, domain and range, CURIEs), the quotes against the source texts (when a folder of texts
is given), quote–claim alignment, contradictions, SHACL shapes on the built graph, and OWL
consistency with HermiT. Every problem is a :class:`~kg.errors.Problem` with a file and line;
the report groups them by kind and counts them. A check that cannot run (no Java for the
reasoner, a curation too broken to build) is listed as skipped with the reason.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KGError, Problem
from kg.model import Curation


@dataclass(frozen=True)
class CheckRun:
    """One check: whether it ran, how long it took, why it was skipped."""

    name: str
    seconds: float = 0.0
    skipped: str | None = None


@dataclass
class ValidationReport:
    """Everything ``kg validate`` found in one curation directory."""

    data_dir: Path
    problems: list[Problem] = field(default_factory=list)
    checks: list[CheckRun] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def clean(self) -> bool:
        """No problem of any severity."""
        return not self.problems

    def by_kind(self) -> dict[str, list[Problem]]:
        """The problems grouped by kind, kinds in alphabetical order."""
        groups: dict[str, list[Problem]] = {}
        for problem in sorted(self.problems, key=lambda p: (p.kind, p.file, p.line, p.message)):
            groups.setdefault(problem.kind, []).append(problem)
        return groups

    def only(self, files: Iterable[Path]) -> ValidationReport:
        """The same report, keeping only the problems located in ``files``."""
        wanted = {str(path.resolve()) for path in files}
        kept = [p for p in self.problems if str(Path(p.file).resolve()) in wanted]
        return ValidationReport(self.data_dir, kept, self.checks, self.counts)


def _timed(report: ValidationReport, name: str, check: Callable[[], Sequence[Problem]]) -> None:
    started = time.perf_counter()
    problems = check()
    report.checks.append(CheckRun(name, time.perf_counter() - started))
    report.problems.extend(problems)


def validate(
    data_dir: Path | None = None,
    *,
    sources_dir: Path | None = None,
    reason: bool = True,
    shacl: bool = True,
) -> ValidationReport:
    """Run every check on the curation in ``data_dir`` and collect what they find.

    Args:
        data_dir: a curation directory; the bundled one when ``None``.
        sources_dir: a folder of source texts; the quote check runs only when given.
        reason: run the OWL reasoner (HermiT, needs Java).
        shacl: validate the built graph against the SHACL shapes.

    Returns:
        The report; it never raises for problems in the curation, only lists them.

    Raises:
        KGError: ``sources_dir`` is not a directory, or the project's own ontology is broken.
    """
    from kg.curation import bundled_data_dir, read_curation

    root = data_dir or bundled_data_dir()
    report = ValidationReport(root)
    started = time.perf_counter()
    curation, problems = read_curation(data_dir)
    report.checks.append(CheckRun("read", time.perf_counter() - started))
    report.problems.extend(problems)
    later = ["quotes", "alignment", "contradictions", "shacl", "owl"]
    if curation is None:
        reason_text = "the sources or entities cannot be read; fix the problems above first"
        report.checks.extend(CheckRun(name, skipped=reason_text) for name in later)
        return report
    report.counts = {
        "sources": len(curation.sources),
        "entities": len(curation.entities),
        "statements": len(curation.statements),
    }
    if sources_dir is not None:
        from kg.quotes import check_quotes

        _timed(report, "quotes", lambda: check_quotes(curation, sources_dir))
    else:
        report.checks.append(CheckRun("quotes", skipped="give --sources DIR to check quotes"))
    from kg.alignment import check_alignment
    from kg.contradictions import check_contradictions

    _timed(report, "alignment", lambda: check_alignment(curation))
    _timed(report, "contradictions", lambda: check_contradictions(curation))
    if shacl:
        _timed(report, "shacl", lambda: _shacl(curation))
    else:
        report.checks.append(CheckRun("shacl", skipped="--no-shacl"))
    if reason:
        _reason(report, curation)
    else:
        report.checks.append(CheckRun("owl", skipped="--no-reason"))
    return report


def _shacl(curation: Curation) -> list[Problem]:
    from kg.shacl import shacl_problems

    return shacl_problems(curation)


def _reason(report: ValidationReport, curation: Curation) -> None:
    from kg.reason import ReasonerUnavailableError, reason

    started = time.perf_counter()
    try:
        result = reason(curation)
    except ReasonerUnavailableError as exc:
        report.checks.append(CheckRun("owl", skipped=str(exc)))
        return
    report.checks.append(CheckRun("owl", time.perf_counter() - started))
    report.problems.extend(result.problems)


def format_text(report: ValidationReport) -> str:
    """The report for a terminal: problems grouped by kind, then the checks and the counts."""
    lines: list[str] = []
    counts = report.counts
    described = (
        f" ({counts['sources']} sources, {counts['entities']} entities,"
        f" {counts['statements']} statements)"
        if counts
        else ""
    )
    lines.append(f"curation: {report.data_dir}{described}")
    for kind, problems in report.by_kind().items():
        lines.append("")
        lines.append(f"{kind} ({len(problems)}):")
        for problem in problems:
            mark = "warning: " if problem.severity == "warning" else ""
            where = f"{problem.file}:{problem.line}" if problem.line else problem.file
            lines.append(f"  {where}: {mark}{problem.message}")
    lines.append("")
    ran = [f"{c.name} {c.seconds:.2f}s" for c in report.checks if c.skipped is None]
    lines.append("checks: " + ", ".join(ran))
    lines.extend(f"skipped {c.name}: {c.skipped}" for c in report.checks if c.skipped)
    kinds = Counter(p.kind for p in report.problems)
    if report.clean:
        lines.append("clean: no problems found")
    else:
        lines.append(
            f"{len(report.errors)} errors, {len(report.warnings)} warnings"
            f" ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})"
        )
    return "\n".join(lines) + "\n"


def format_json(report: ValidationReport) -> str:
    """The report as JSON, for CI: the same problems, checks and counts."""
    document = {
        "data_dir": str(report.data_dir),
        "clean": report.clean,
        "counts": report.counts,
        "summary": {
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "by_kind": dict(sorted(Counter(p.kind for p in report.problems).items())),
        },
        "problems": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "kind": p.kind,
                "severity": p.severity,
                "message": p.message,
            }
            for p in sorted(report.problems, key=lambda p: (p.kind, p.file, p.line, p.message))
        ],
        "checks": [
            {"name": c.name, "seconds": round(c.seconds, 3), "skipped": c.skipped}
            for c in report.checks
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def curation_root(path: Path) -> Path:
    """The curation directory ``path`` is, or is inside (the folder holding ``sources.yaml``).

    Raises:
        KGError: ``path`` does not exist or is not part of a curation directory.
    """
    from kg.curation import SOURCES_FILE

    if not path.exists():
        raise KGError(f"{path}: no such file or directory")
    # the path as given first, so that reports name files the way the curator wrote them
    mine = [path, *path.parents] if path.is_dir() else list(path.parents)
    for folder in [*mine, *path.resolve().parents]:
        if (folder / SOURCES_FILE).is_file():
            return folder
    raise KGError(
        f"{path}: not inside a curation directory (none of its folders holds {SOURCES_FILE})"
    )


def validate_paths(
    paths: Sequence[Path],
    *,
    sources_dir: Path | None = None,
    reason: bool = True,
    shacl: bool = True,
) -> list[ValidationReport]:
    """Validate each curation that ``paths`` name (directories, or files inside one).

    A file's whole curation is checked (its statements refer to entities elsewhere), but its
    report keeps only the problems located in the files named.
    """
    if not paths:
        return [validate(sources_dir=sources_dir, reason=reason, shacl=shacl)]
    roots: dict[Path, list[Path]] = {}
    for path in paths:
        root = curation_root(path)
        roots.setdefault(root, [])
        if path.is_file():
            roots[root].append(path)
        else:
            roots[root].append(root)
    reports = []
    for root, named in roots.items():
        report = validate(root, sources_dir=sources_dir, reason=reason, shacl=shacl)
        if root not in named:
            report = report.only(named)
        reports.append(report)
    return reports
