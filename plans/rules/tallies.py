"""Counts by progress mark and by outlook, as the H29 report prints them per direction.

Pure, no ORM: a tally is built from the marks and outlooks of a group of KPIs; ``bar_segments``
lays counts out as a stacked bar (the public tally bars and the dashboards' compact bars).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

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


_NO_MARKS, _NO_OUTLOOKS = dict.fromkeys(MARKS, 0), dict.fromkeys(OUTLOOKS, 0)  # copied: a tally's own


def tally(pairs: Iterable[tuple[str, str]]) -> Tally:
    """Tally (mark, outlook) pairs, one per KPI."""
    return tally_of_counts(Counter(pairs))


def tally_of_counts(counts: Mapping[tuple[str, str], int]) -> Tally:
    """Tally KPIs counted by their (mark, outlook) pair: ``{("○", "A"): 3, …}``."""
    marks, outlooks = _NO_MARKS.copy(), _NO_OUTLOOKS.copy()
    count = 0
    for (mark, grade), number in counts.items():
        if mark not in marks or grade not in outlooks:
            raise ValueError(f"unknown mark or outlook {sorted({mark, grade} - set(MARKS) - set(OUTLOOKS))!r}")
        count += number
        marks[mark] += number
        outlooks[grade] += number
    return Tally(kpi_count=count, marks=marks, outlooks=outlooks)


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


# --- stacked bars -------------------------------------------------------------------------------

BAR_PRECISION = Decimal("0.01")  # percent of the bar, two decimals: finer than any screen shows


@dataclass(frozen=True)
class BarSegment:
    """A part of a stacked bar: a label (a mark or an outlook label), its count, and where it lies
    on the bar, ``start`` and ``width`` in percent (0–100). Its colour and CSS class are the
    label's (``plans.choices``), looked up by whoever draws it."""

    label: str
    count: int
    start: Decimal
    width: Decimal


def bar_segments(counts: Mapping[str, int]) -> tuple[BarSegment, ...]:
    """Segments of a stacked bar for ``counts`` in their order, zero counts left out.

    Rounding, once: each boundary (the running count's share of 100) is rounded half up to
    ``BAR_PRECISION``, and a segment runs from its boundary to the next, so segments butt, the
    first starts at 0 and the widths sum to exactly 100. No counts at all: no segments.
    """
    total = sum(counts.values())
    if not total:
        return ()

    def boundary(running: int) -> Decimal:
        return (Decimal(100) * running / total).quantize(BAR_PRECISION, rounding=ROUND_HALF_UP)

    segments, running = [], 0
    for label, count in counts.items():
        if not count:
            continue
        start, end = boundary(running), boundary(running + count)
        segments.append(BarSegment(label, count, start, end - start))
        running += count
    return tuple(segments)
