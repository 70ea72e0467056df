"""What the planners' dashboards show (issue 6): goals at a glance, tallies beside the printed ones.

Pure core, thin shell, like ``progress``: ``build_plan_overview`` takes the service layer's
output (``PlanProgress``, ``PlanTallies``) and plain values and returns frozen dataclasses;
``plan_overview`` and ``kpi_detail`` load what a dashboard needs in a fixed number of queries,
whatever the number of KPIs. Nothing here recomputes a rate, a mark or an outlook: marks come
from ``progress.mark_for_year`` / ``evaluate_kpi``, outlooks on the plan's own scale from
``rating.to_plan_scale``.

Two aggregates are new here (DOMAIN.md "Tallies"):

* a tally's outlooks counted on the plan's own scale (久留米: canonical A and B count as A, C as
  B, D and E as C), so that the computed tally reads like the printed one (``A 9 B 3``);
* marks counted per year over a plan's KPIs (the plan's "marks over the years").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from plans.choices import OUTLOOK_PALETTE, ActualStatus, Mark, Outlook
from plans.rules import rating
from plans.rules.tallies import Tally, tally
from plans.services.progress import (
    KpiProgress,
    KpiValues,
    PlanProgress,
    PlanTallies,
    YearRow,
    default_year,
    evaluate_kpi,
    kpi_series,
    mark_for_year,
    trend_line,
)

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


@dataclass(frozen=True)
class YearMark:
    """A KPI's mark in one year, computed, and the mark the plan printed for that year ("" if none)."""

    year: int
    mark: str
    printed: str = ""

    @property
    def agrees(self) -> bool:
        return not self.printed or normalise_printed_mark(self.printed) == self.mark


def year_marks(kpi: KpiValues, years: Iterable[int], printed: Mapping[int, str] | None = None) -> list[YearMark]:
    """The computed mark of every year in ``years`` (``mark_for_year``) beside the printed one."""
    printed = printed or {}
    return [YearMark(year, mark_for_year(kpi, year), printed.get(year, "")) for year in years]


def marks_by_year(kpis: Iterable[KpiValues], years: Iterable[int]) -> list[tuple[int, dict[str, int]]]:
    """Counts by mark (○ △ × -) over ``kpis`` for each year: the plan's marks over the years."""
    kpis = list(kpis)
    result = []
    for year in years:
        counter = Counter(mark_for_year(kpi, year) for kpi in kpis)
        result.append((year, {mark: counter.get(mark, 0) for mark in rating.MARKS}))
    return result


def year_options(
    *, first_year: int, last_year: int, measured_years: Iterable[int], report_year: int | None
) -> list[int]:
    """Years a dashboard offers: the plan's span, widened to every year with data or reported on."""
    years = {*range(first_year, last_year + 1), *measured_years}
    if report_year:
        years.add(report_year)
    return sorted(years)


def choose_year(requested: int | None, options: Sequence[int], *, default: int) -> int:
    """The requested year when the dashboard offers it, else the default."""
    return requested if requested in options else default


@dataclass(frozen=True)
class GoalInfo:
    number: int
    title: str
    kind_label: str = ""
    basic_direction: str = ""


@dataclass(frozen=True)
class TargetOverview:
    """A goal's numerical target (数値目標): its standing in the year and its marks year by year."""

    progress: KpiProgress
    years: list[YearMark]

    @property
    def actual_as_written(self) -> str:
        """The year's actual as staff wrote it (``17,861人``, ``集計中``), "" when nothing was written."""
        detail = self.progress.kpi.actual_details.get(self.progress.year)
        return detail.raw if detail is not None and detail.status != ActualStatus.BLANK else ""


@dataclass(frozen=True)
class DirectionOverview:
    code: str
    title: str
    computed: Counts
    printed: Counts | None
    computed_bars: Bars
    printed_bars: Bars | None
    kpis: list[KpiProgress]

    @property
    def differs_from_print(self) -> bool:
        return self.printed is not None and self.printed != self.computed


@dataclass(frozen=True)
class GoalOverview:
    number: int
    title: str
    kind_label: str
    basic_direction: str
    targets: list[TargetOverview]
    computed: Counts  # the goal's own numerical targets
    printed: Counts | None
    bars: Bars
    directions: list[DirectionOverview]

    @property
    def kpis(self) -> list[KpiProgress]:
        return [target.progress for target in self.targets] + [
            item for direction in self.directions for item in direction.kpis
        ]

    @property
    def disagreements(self) -> int:
        return sum(1 for item in self.kpis if item.disagrees)

    @property
    def has_printed_tallies(self) -> bool:
        return any(direction.printed is not None for direction in self.directions)


@dataclass(frozen=True)
class PlanOverview:
    plan_id: int
    year: int
    years: list[int]
    scale: tuple[rating.ScaleLabel, ...]
    goals: list[GoalOverview]
    others: list[KpiProgress]  # KPIs under no goal: the plan's own, packages', projects'
    others_counts: Counts
    total: Counts
    marks_over_years: list[tuple[int, dict[str, int]]]
    kpis: list[KpiProgress] = field(default_factory=list)

    @property
    def disagreements(self) -> int:
        return sum(1 for item in self.kpis if item.disagrees)

    @property
    def has_printed_tallies(self) -> bool:
        return any(goal.has_printed_tallies or goal.printed is not None for goal in self.goals)

    @property
    def official_year_ahead(self) -> int | None:
        """The year the plan's official ratings are dated, when they all come after the shown year
        (小郡 prints its ratings as of R6.4 for the R5 actuals): the year to show them beside."""
        years = {year for item in self.kpis for year in item.kpi.official_outlooks}
        if not years or min(years) <= self.year:
            return None
        return min(years)

    def goal(self, number: int) -> GoalOverview | None:
        return next((goal for goal in self.goals if goal.number == number), None)


def build_plan_overview(
    *,
    progress: PlanProgress,
    tallies: PlanTallies,
    goals: Sequence[GoalInfo],
    printed_marks: Mapping[int, Mapping[int, str]],
    years: Sequence[int],
    first_year: int,
) -> PlanOverview:
    """Pure: the plan dashboard's content from the service layer's progress and tallies.

    ``printed_marks`` maps a KPI id to the marks the plan printed per year; ``years`` are the
    years offered, of which those from ``first_year`` to the chosen year are shown per target.
    """
    scale = progress.scale
    info = {goal.number: goal for goal in goals}
    shown_years = [year for year in years if first_year <= year <= progress.year]
    by_goal: dict[int, list[KpiProgress]] = {}
    by_direction: dict[str, list[KpiProgress]] = {}
    others: list[KpiProgress] = []
    for item in progress.kpis:
        if item.kpi.direction_code:
            by_direction.setdefault(item.kpi.direction_code, []).append(item)
        elif item.kpi.goal_number is not None:
            by_goal.setdefault(item.kpi.goal_number, []).append(item)
        else:
            others.append(item)
    goal_overviews = []
    for goal_tally in tallies.goals:
        meta = info.get(goal_tally.number, GoalInfo(goal_tally.number, goal_tally.title))
        targets = [
            TargetOverview(
                item,
                year_marks(
                    item.kpi,
                    [year for year in shown_years if year > (item.kpi.baseline_year or 0)],
                    printed_marks.get(item.kpi.id, {}),
                ),
            )
            for item in by_goal.get(goal_tally.number, [])
        ]
        computed = computed_counts(goal_tally.tally, scale)
        directions = []
        for direction in goal_tally.directions:
            direction_computed = computed_counts(direction.tally, scale)
            direction_printed = printed_counts(direction.printed, scale)
            directions.append(
                DirectionOverview(
                    code=direction.code,
                    title=direction.title,
                    computed=direction_computed,
                    printed=direction_printed,
                    computed_bars=bars_for(direction_computed, scale),
                    printed_bars=bars_for(direction_printed, scale),
                    kpis=by_direction.get(direction.code, []),
                )
            )
        goal_overviews.append(
            GoalOverview(
                number=goal_tally.number,
                title=goal_tally.title,
                kind_label=meta.kind_label,
                basic_direction=meta.basic_direction,
                targets=targets,
                computed=computed,
                printed=printed_counts(goal_tally.printed, scale),
                bars=bars_for(computed, scale),
                directions=directions,
            )
        )
    return PlanOverview(
        plan_id=progress.plan_id,
        year=progress.year,
        years=list(years),
        scale=scale,
        goals=goal_overviews,
        others=others,
        others_counts=computed_counts(tally((item.mark, item.outlook) for item in others), scale),
        total=computed_counts(tallies.total, scale),
        marks_over_years=marks_by_year([item.kpi for item in progress.kpis], shown_years),
        kpis=list(progress.kpis),
    )


# --- thin shell: bounded queries, then the core --------------------------------------------


def printed_marks_of_plan(plan_id: int) -> dict[int, dict[int, str]]:
    """The yearly marks a plan printed, per KPI id and year (one query)."""
    from plans.models import OfficialRating

    marks: dict[int, dict[int, str]] = {}
    rows = OfficialRating.objects.filter(kpi__plan_id=plan_id, kind="mark").values_list("kpi_id", "year", "label")
    for kpi_id, year, label in rows:
        marks.setdefault(kpi_id, {})[year] = label
    return marks


def plan_years(plan) -> tuple[list[int], int]:
    """The years a plan's dashboards offer and the one shown first (one query)."""
    from plans import selectors

    measured = selectors.measured_years(plan.pk)
    options = year_options(
        first_year=plan.first_year, last_year=plan.last_year, measured_years=measured, report_year=plan.report_year
    )
    default = default_year(measured_years=measured, report_year=plan.report_year, first_year=plan.first_year)
    return options, default


def plan_overview(plan, year: int | None = None) -> PlanOverview:
    """Everything the plan and goal dashboards show for ``year`` (staff: every actual counts).

    Queries: the measured years; plan_progress for the year (the plan, its scale, the KPIs,
    their yearly targets, actuals and ratings); the goals with their directions and the
    printed tallies; the goals' texts; the printed marks: twelve, whatever the number of KPIs.
    """
    from plans.models import Goal
    from plans.services.progress import plan_progress, plan_tallies

    options, default = plan_years(plan)
    year = choose_year(year, options, default=default)
    progress = plan_progress(plan.pk, year)
    tallies = plan_tallies(plan.pk, year, progress=progress)
    goals = [
        GoalInfo(number, title, kind_label, basic_direction)
        for number, title, kind_label, basic_direction in Goal.objects.filter(plan_id=plan.pk)
        .order_by("number")
        .values_list("number", "title", "kind_label", "basic_direction")
    ]
    return build_plan_overview(
        progress=progress,
        tallies=tallies,
        goals=goals,
        printed_marks=printed_marks_of_plan(plan.pk),
        years=options,
        first_year=plan.first_year,
    )


@dataclass(frozen=True)
class SeriesRow:
    """One year of a KPI's chart table: the year's target, the actual as written, rate, mark."""

    row: YearRow
    rate: Decimal | None
    printed_mark: str = ""


@dataclass(frozen=True)
class KpiDetail:
    progress: KpiProgress
    series: list[SeriesRow]
    trend: list[tuple[int, Decimal]]
    years: list[int]
    baseline_raw: str = ""
    target_raw: str = ""
    has_lineage: bool = False


def build_kpi_detail(
    kpi: KpiValues,
    *,
    year: int,
    scale: Sequence[rating.ScaleLabel],
    printed_marks: Mapping[int, str],
    years: Sequence[int],
    baseline_raw: str = "",
    target_raw: str = "",
    has_lineage: bool = False,
) -> KpiDetail:
    """Pure: a KPI's standing in ``year`` and its whole series with rates and printed marks."""
    rows = [
        SeriesRow(
            row=row,
            rate=rating.achievement_rate(baseline=kpi.baseline, target=row.target.value, actual=row.actual),
            printed_mark=printed_marks.get(row.year, ""),
        )
        for row in kpi_series(kpi)
    ]
    return KpiDetail(
        progress=evaluate_kpi(kpi, year=year, scale=scale),
        series=rows,
        trend=trend_line(kpi),
        years=list(years),
        baseline_raw=baseline_raw,
        target_raw=target_raw,
        has_lineage=has_lineage,
    )


def kpi_detail(plan, kpi_id: int, year: int | None = None) -> KpiDetail | None:
    """One KPI of ``plan`` for its dashboard page; None when the plan has no such KPI.

    Queries: the measured years, the KPI (with its attachments), its yearly targets, actuals and
    ratings, the plan's scale, and whether it continues across plans: seven.
    """
    from plans import selectors
    from plans.models import Kpi
    from plans.services.progress import kpi_values, plan_scale

    options, default = plan_years(plan)
    year = choose_year(year, options, default=default)
    kpi = selectors.kpis_with_values(plan.pk).filter(pk=kpi_id).first()
    if kpi is None:
        return None
    values = kpi_values(kpi)
    printed = {official.year: official.label for official in kpi.official_ratings.all() if official.kind == "mark"}
    from staff.crossplan import SAME_INDICATOR

    continues = kpi.predecessor_id is not None and kpi.predecessor_link in SAME_INDICATOR
    has_lineage = continues or Kpi.objects.filter(predecessor_id=kpi.pk, predecessor_link__in=SAME_INDICATOR).exists()
    return build_kpi_detail(
        values,
        year=year,
        scale=plan_scale(plan.pk),
        printed_marks=printed,
        years=options,
        baseline_raw=kpi.baseline_raw,
        target_raw=kpi.target_raw,
        has_lineage=has_lineage,
    )
