"""Contradictory statements: the same claim made and denied.

Two statements contradict each other when they link the same subject and object by the same
predicate and one asserts it while the other is a negative result, or one recommends it while
the other recommends against it. Within one source that is a curation mistake (an error);
between sources it may be a real disagreement in the literature, which a curator should see
and model on purpose (a warning).
"""

from __future__ import annotations

from collections import defaultdict

from kg.errors import Problem
from kg.model import Curation, Modality, Statement

KIND = "contradiction"

#: Modalities that deny each other.
OPPOSITES: tuple[tuple[Modality, Modality], ...] = (
    (Modality.ASSERTED, Modality.NEGATIVE),
    (Modality.RECOMMENDED, Modality.RECOMMENDED_AGAINST),
)


def check_contradictions(curation: Curation) -> list[Problem]:
    """One problem per pair of statements that contradict each other (see module docstring).

    Each problem is located at the later statement and names the earlier one's file and line.
    """
    claims: dict[tuple[str, str, str], list[Statement]] = defaultdict(list)
    for statement in curation.statements:
        claims[(statement.subject, statement.predicate, statement.object)].append(statement)
    problems = []
    for (subject, predicate, obj), group in sorted(claims.items()):
        for yes, no in OPPOSITES:
            for first in (s for s in group if s.modality is yes):
                for second in (s for s in group if s.modality is no):
                    same_source = first.source == second.source
                    later, earlier = sorted(
                        (first, second), key=lambda s: (s.where.file, s.where.line), reverse=True
                    )
                    problems.append(
                        Problem(
                            later.where.file,
                            later.where.line,
                            f"statement {later.id!r} ({later.modality.value}) contradicts"
                            f" {earlier.id!r} ({earlier.modality.value}, at"
                            f" {earlier.where.file}:{earlier.where.line}): both say"
                            f" {subject} {predicate} {obj}"
                            + (
                                ""
                                if same_source
                                else f"; the sources differ ({first.source}, {second.source}):"
                                " if they disagree, keep both and note it in a qualifier"
                            ),
                            KIND,
                            severity="error" if same_source else "warning",
                        )
                    )
    return problems
