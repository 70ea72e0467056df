"""A tally as the report prints it, on the plan's own scale, and its compact stacked bars."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from plans.choices import OUTLOOK_PALETTE, Mark, Outlook
from plans.rules import rating
from plans.rules.tallies import Tally

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


@dataclass(frozen=True)
class Segment:
    """One part of a compact stacked bar: offset and width in percent of the bar."""

    key: str
    count: int
    offset: float
    width: float
    colour: str
    css: str = ""


def bar_segments(
    counts: Mapping[str, int], colours: Mapping[str, str], classes: Mapping[str, str] | None = None
) -> tuple[Segment, ...]:
    """Segments of a stacked bar for ``counts`` in their order, zero counts left out."""
    total = sum(counts.values())
    if not total:
        return ()
    segments = []
    offset = 0.0
    for key, count in counts.items():
        if not count:
            continue
        width = 100.0 * count / total
        segments.append(
            Segment(
                key,
                count,
                round(offset, 3),
                round(width, 3),
                colours.get(key, NO_OUTLOOK_COLOUR),
                (classes or {}).get(key, ""),
            )
        )
        offset += width
    return tuple(segments)


def outlook_colours(labels: Sequence[str]) -> dict[str, str]:
    """Colours for a scale's labels, best to worst, spread over the palette."""
    colours = {"-": NO_OUTLOOK_COLOUR}
    last = len(OUTLOOK_PALETTE) - 1
    for index, label in enumerate(labels):
        position = 0 if len(labels) == 1 else round(index * last / (len(labels) - 1))
        colours[label] = OUTLOOK_PALETTE[position]
    return colours


@dataclass(frozen=True)
class Bars:
    marks: tuple[Segment, ...]
    outlooks: tuple[Segment, ...]


def bars_for(counts: Counts | None, scale: Sequence[rating.ScaleLabel]) -> Bars | None:
    if counts is None:
        return None
    colours = outlook_colours(scale_labels(scale))
    return Bars(bar_segments(counts.marks, Mark.colours(), Mark.css_classes()), bar_segments(counts.outlooks, colours))
