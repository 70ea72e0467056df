"""A tally as the report prints it, on the plan's own scale, and its compact stacked bars
(laid out by ``plans.rules.tallies.bar_segments``, coloured here from ``plans.choices``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from plans.choices import OUTLOOK_PALETTE, Mark, Outlook
from plans.rules import rating
from plans.rules.tallies import BarSegment, Tally, bar_segments

# Colours and CSS classes come from plans.choices (marks: Mark.colours(); a plan's own outlook
# labels take OUTLOOK_PALETTE's colours, best to worst, in the order of its scale).
NO_OUTLOOK_COLOUR = Outlook.NONE.colour
PRINTED_DASHES = {"—": "-", "－": "-", "―": "-", "ー": "-"}


def normalise_printed_mark(label: str) -> str:
    """A mark as printed, with the document's long dashes read as ``-``."""
    label = (label or "").strip()
    return PRINTED_DASHES.get(label, label)


@dataclass(frozen=True)
class Counts:
    """A tally as the report prints it: number of KPIs, counts by mark and by outlook label.

    ``outlooks`` is keyed by the labels of the plan's own scale (or the canonical A–E).
    """

    kpi_count: int = 0
    marks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rating.MARKS, 0))
    outlooks: dict[str, int] = field(default_factory=dict)

    def as_text(self) -> tuple[str, str]:
        """`○ 7 △ 2 × 2 - 1` and `A 9 B 3`, leaving out zeros, as the report prints them."""
        marks = " ".join(f"{mark} {count}" for mark, count in self.marks.items() if count)
        outlooks = " ".join(f"{label} {count}" for label, count in self.outlooks.items() if count)
        return marks, outlooks


def scale_labels(scale: Iterable[rating.ScaleLabel]) -> list[str]:
    return [entry.label for entry in scale]


def outlooks_on_plan_scale(outlooks: Mapping[str, int], scale: Sequence[rating.ScaleLabel]) -> dict[str, int]:
    """Canonical outlook counts (A–E, -) summed onto the plan's own labels, in the scale's order.

    ``{"A": 1, "B": 2, "D": 1, "E": 1}`` on 久留米's scale (A,B→A; C→B; D,E→C) is ``{"A": 3, "B": 0,
    "C": 2, "-": 0}``. A canonical outlook the scale does not cover counts under ``-``.
    """
    counts = dict.fromkeys([*scale_labels(scale), "-"], 0)
    for grade, count in outlooks.items():
        counts[rating.to_plan_scale(grade, scale)] += count
    return counts


def computed_counts(computed: Tally, scale: Sequence[rating.ScaleLabel]) -> Counts:
    return Counts(
        kpi_count=computed.kpi_count,
        marks={mark: computed.marks.get(mark, 0) for mark in rating.MARKS},
        outlooks=outlooks_on_plan_scale(computed.outlooks, scale),
    )


def printed_counts(printed: Mapping | None, scale: Sequence[rating.ScaleLabel]) -> Counts | None:
    """The tally a plan printed (``PrintedTally`` as stored), zero-filled in the usual order."""
    if printed is None:
        return None
    marks = dict.fromkeys(rating.MARKS, 0)
    for label, count in (printed.get("marks") or {}).items():
        key = normalise_printed_mark(label)
        marks[key] = marks.get(key, 0) + count
    outlooks = dict.fromkeys(scale_labels(scale), 0)
    for label, count in (printed.get("outlooks") or {}).items():
        outlooks[label] = outlooks.get(label, 0) + count
    return Counts(kpi_count=printed.get("kpi_count", 0), marks=marks, outlooks=outlooks)


def outlook_colours(labels: Sequence[str]) -> dict[str, str]:
    """Colours for a scale's labels, best to worst, spread over the palette."""
    colours = {"-": NO_OUTLOOK_COLOUR}
    last = len(OUTLOOK_PALETTE) - 1
    for index, label in enumerate(labels):
        position = 0 if len(labels) == 1 else round(index * last / (len(labels) - 1))
        colours[label] = OUTLOOK_PALETTE[position]
    return colours


# A segment of a compact bar (``plans.rules.tallies.bar_segments``) and its fill colour.
PaintedSegment = tuple[BarSegment, str]


@dataclass(frozen=True)
class Bars:
    """A tally's two compact bars, each segment with its fill colour: a mark's from
    ``Mark.colours()``, an outlook label's from ``outlook_colours`` of the plan's scale."""

    marks: tuple[PaintedSegment, ...]
    outlooks: tuple[PaintedSegment, ...]


def paint(counts: Mapping[str, int], colours: Mapping[str, str]) -> tuple[PaintedSegment, ...]:
    """The bar of ``counts``, each segment with its label's colour (grey for a label without one)."""
    return tuple((segment, colours.get(segment.label, NO_OUTLOOK_COLOUR)) for segment in bar_segments(counts))


def bars_for(counts: Counts | None, scale: Sequence[rating.ScaleLabel]) -> Bars | None:
    if counts is None:
        return None
    return Bars(paint(counts.marks, Mark.colours()), paint(counts.outlooks, outlook_colours(scale_labels(scale))))
