"""The pure core: a KPI's segments, one per plan, as one series; series of one kind compared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from plans.choices import ActualStatus
from plans.presentation import short_title
from plans.rules.progress import KpiProgress, KpiValues
from plans.selectors.progress import series_years
from staff.crossplan.kinds import KPI_KINDS, kind_key

# Links to a predecessor that keep the indicator (a replacement measures something else).
SAME_INDICATOR = ("continued", "moved")


def index_to_first(points: Sequence[SeriesPoint]) -> list[tuple[int, Decimal]]:
    """Pure: each value as an index of the series' first value (= 100), to compare the shape of
    series measured in different units (万人, 千人). Empty when the first value is 0 or negative,
    which no index can start from."""
    valued = [point for point in points if point.value is not None]
    if not valued or valued[0].value <= 0:
        return []
    first = valued[0].value
    return [(point.year, point.value / first * 100) for point in valued]


# --- lineage ------------------------------------------------------------------------------------


def lineage_ids(start: int, predecessors: Mapping[int, int | None]) -> list[int]:
    """Pure: the chain of KPI ids through ``start``, oldest first.

    Up the predecessors to the first KPI, then down: at each step the successor with the
    lowest id (a KPI continued by two is rare; the first is followed).
    """
    chain = [start]
    seen = {start}
    current = predecessors.get(start)
    while current is not None and current not in seen:
        chain.insert(0, current)
        seen.add(current)
        current = predecessors.get(current)
    successors: dict[int, list[int]] = {}
    for kpi_id, predecessor in predecessors.items():
        if predecessor is not None:
            successors.setdefault(predecessor, []).append(kpi_id)
    current = start
    while successors.get(current):
        following = min(successors[current])
        if following in seen:
            break
        chain.append(following)
        seen.add(following)
        current = following
    return chain


@dataclass(frozen=True)
class LineageSegment:
    """One plan's part of a lineage: its KPI and how it continues the previous one."""

    kpi: KpiValues
    plan_slug: str
    plan_title: str
    place: str  # the municipality, or the region of a regional vision
    first_year: int
    last_year: int
    link: str = ""
    link_label: str = ""
    public_only: bool = False
    # The KPI's stored standing by year (``KpiYearProgress`` of the view the segment is shown in).
    stored: Mapping[int, KpiProgress] = field(default_factory=dict)


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    value: Decimal | None
    raw: str
    kind: str  # "actual" or "baseline"
    plan_slug: str
    plan_title: str = ""
    rate: Decimal | None = None
    mark: str = "-"
    preliminary: bool = False
    status: str = ActualStatus.MEASURED


@dataclass(frozen=True)
class TargetPoint:
    year: int
    value: Decimal
    stated: bool
    plan_slug: str


@dataclass(frozen=True)
class Lineage:
    segments: list[LineageSegment]
    points: list[SeriesPoint]
    targets: list[TargetPoint]

    @property
    def name(self) -> str:
        return self.segments[-1].kpi.name if self.segments else ""

    @property
    def units(self) -> list[str]:
        return list(dict.fromkeys(segment.kpi.unit for segment in self.segments))

    @property
    def place(self) -> str:
        return self.segments[-1].place if self.segments else ""

    @property
    def label(self) -> str:
        """`小郡市（第2期→第3期）`: the place and the plans of the series."""
        plans = "→".join(dict.fromkeys(short_title(segment.plan_title) for segment in self.segments))
        return f"{self.place}（{plans}）" if plans else self.place

    def indexed(self) -> list[tuple[int, Decimal]]:
        return index_to_first(self.points)

    @property
    def fiscal(self) -> bool:
        return self.segments[-1].kpi.fiscal if self.segments else True

    def latest(self) -> SeriesPoint | None:
        actuals = [point for point in self.points if point.kind == "actual" and point.value is not None]
        return actuals[-1] if actuals else None


def segment_points(segment: LineageSegment) -> tuple[list[SeriesPoint], list[TargetPoint]]:
    """Pure: a segment's baseline and actuals and its yearly targets, with the stored rate and
    mark of each year (``segment.stored``; none for a year nothing is stored for)."""
    kpi = segment.kpi
    points: list[SeriesPoint] = []
    if kpi.baseline is not None and kpi.baseline_year is not None:
        points.append(
            SeriesPoint(kpi.baseline_year, kpi.baseline, "", "baseline", segment.plan_slug, segment.plan_title)
        )
    targets: list[TargetPoint] = []
    for year in series_years(kpi):
        if kpi.baseline_year is not None and year <= kpi.baseline_year:
            continue  # the series runs from the year after the baseline
        standing = segment.stored.get(year)
        target = standing.year_target if standing is not None else None
        if target is not None and target.value is not None and year <= max(segment.last_year, kpi.target_year or 0):
            targets.append(TargetPoint(year, target.value, target.stated, segment.plan_slug))
        actual, detail = kpi.actuals.get(year), kpi.actual_details.get(year)
        if actual is not None or (detail is not None and detail.status != ActualStatus.BLANK):
            points.append(
                SeriesPoint(
                    year=year,
                    value=actual,
                    raw=detail.raw if detail else "",
                    kind="actual",
                    plan_slug=segment.plan_slug,
                    plan_title=segment.plan_title,
                    rate=standing.rate if standing is not None else None,
                    mark=standing.mark if standing is not None else "-",
                    preliminary=bool(detail and detail.preliminary),
                    status=detail.status if detail else ActualStatus.MEASURED,
                )
            )
    return points, targets


def merge_segments(segments: Sequence[LineageSegment]) -> Lineage:
    """Pure: the segments' points as one series, one point per year (an actual wins a baseline;
    between two actuals of the same year, the later plan's)."""
    by_year: dict[int, SeriesPoint] = {}
    targets: list[TargetPoint] = []
    for segment in segments:
        points, segment_targets = segment_points(segment)
        targets.extend(segment_targets)
        for point in points:
            existing = by_year.get(point.year)
            if existing is None or (point.kind == "actual" and (existing.kind != "actual" or existing.value is None)):
                by_year[point.year] = point
    return Lineage(segments=list(segments), points=[by_year[year] for year in sorted(by_year)], targets=targets)


# --- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One kind of KPI in several places, side by side."""

    key: str
    label: str
    series: list[Lineage]

    @property
    def places(self) -> list[str]:
        return list(dict.fromkeys(series.place for series in self.series))

    @property
    def same_unit(self) -> bool:
        return len({unit for series in self.series for unit in series.units}) == 1

    @property
    def years(self) -> list[int]:
        return sorted({point.year for series in self.series for point in series.points})

    def table(self) -> list[tuple[int, list[SeriesPoint | None]]]:
        """Rows per year, one cell per series (None where it has no point that year)."""
        cells = [{point.year: point for point in series.points} for series in self.series]
        return [(year, [cell.get(year) for cell in cells]) for year in self.years]


def group_comparisons(lineages: Iterable[Lineage], *, minimum_places: int = 2) -> list[Comparison]:
    """Pure: lineages grouped by the kind of their KPI (any segment's name decides), kept where
    at least ``minimum_places`` places measure the kind; listed kinds first, in their order."""
    groups: dict[str, tuple[str, list[Lineage]]] = {}
    for lineage in lineages:
        keys = [kind_key(segment.kpi.name) for segment in lineage.segments]
        listed = [key for key in keys if not key[0].startswith("name:")]
        key, label = (listed or keys)[0]
        groups.setdefault(key, (label, []))[1].append(lineage)
    order = {kind.key: index for index, kind in enumerate(KPI_KINDS)}
    comparisons = [
        Comparison(key, label, sorted(series, key=lambda item: (item.place, item.segments[0].first_year)))
        for key, (label, series) in groups.items()
        if len({item.place for item in series}) >= minimum_places
    ]
    return sorted(comparisons, key=lambda item: (order.get(item.key, len(order)), item.label))
