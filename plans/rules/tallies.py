"""Counts by progress mark and by outlook, as the H29 report prints them per direction.

Pure, no ORM: a tally is built from the marks and outlooks of a group of KPIs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from plans.rules.rating import MARKS, OUTLOOKS


@dataclass(frozen=True)
class Tally:
    """Number of KPIs, counts by mark (○ △ × -) and by outlook (A–E, -)."""

    kpi_count: int = 0
    marks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MARKS, 0))
    outlooks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTLOOKS, 0))

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            kpi_count=self.kpi_count + other.kpi_count,
            marks={mark: self.marks[mark] + other.marks[mark] for mark in MARKS},
            outlooks={grade: self.outlooks[grade] + other.outlooks[grade] for grade in OUTLOOKS},
        )

    def as_text(self) -> tuple[str, str]:
        """`○ 7 △ 2 × 2 - 1` and `A 9 B 3`, leaving out zeros, as the report prints them."""
        marks = " ".join(f"{mark} {count}" for mark, count in self.marks.items() if count)
        outlooks = " ".join(f"{grade} {count}" for grade, count in self.outlooks.items() if count)
        return marks, outlooks


def tally(pairs: Iterable[tuple[str, str]]) -> Tally:
    """Tally (mark, outlook) pairs, one per KPI."""
    marks, outlooks = Counter(), Counter()
    count = 0
    for mark, grade in pairs:
        count += 1
        marks[mark] += 1
        outlooks[grade] += 1
    unknown = (set(marks) - set(MARKS)) | (set(outlooks) - set(OUTLOOKS))
    if unknown:
        raise ValueError(f"unknown mark or outlook {sorted(unknown)!r}")
    return Tally(
        kpi_count=count,
        marks={mark: marks[mark] for mark in MARKS},
        outlooks={grade: outlooks[grade] for grade in OUTLOOKS},
    )


def parse_printed_tally(text: str) -> dict[str, int]:
    """`○ 7 △ 2 × 2 - 1` or `A 9 B 3` -> {"○": 7, ...}; raises ValueError on anything else."""
    tokens = text.replace("—", "-").replace("－", "-").split()
    if len(tokens) % 2:
        raise ValueError(f"「{text}」は集計として読めません。")
    counts: dict[str, int] = {}
    for label, number in zip(tokens[::2], tokens[1::2], strict=True):
        if not number.isdigit():
            raise ValueError(f"「{text}」は集計として読めません。")
        counts[label] = int(number)
    return counts
