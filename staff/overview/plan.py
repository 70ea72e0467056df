"""A plan's dashboard in a year: each goal's numerical targets with their marks year by year,
the tallies per direction (computed beside printed), and the plan's marks over the years."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from plans import selectors
from plans.choices import ActualStatus, Mark
from plans.models import Goal, OfficialRating
from plans.rules import rating
from plans.rules.progress import KpiProgress, default_year
from plans.rules.tallies import tally
from plans.selectors.progress import PlanProgress, PlanTallies, plan_progress, plan_tallies
from staff.overview.counts import Bars, Counts, bars_for, computed_counts, normalise_printed_mark, printed_counts


@dataclass(frozen=True)
class YearMark:
    """A KPI's mark in one year, computed, and the mark the plan printed for that year ("" if none)."""

    year: int
    mark: str
    printed: str = ""

    @property
    def agrees(self) -> bool:
        return not self.printed or normalise_printed_mark(self.printed) == self.mark


def year_marks(
    marks: Mapping[int, str], years: Iterable[int], printed: Mapping[int, str] | None = None
) -> list[YearMark]:
    """A KPI's stored mark (``marks`` by year; "-" in a year none is stored for) in every year of
    ``years``, beside the mark the plan printed."""
    printed = printed or {}
    return [YearMark(year, marks.get(year, Mark.NONE.value), printed.get(year, "")) for year in years]


def marks_by_year(marks: Iterable[Mapping[int, str]], years: Iterable[int]) -> list[tuple[int, dict[str, int]]]:
    """Counts by mark (○ △ × -) for each year over the KPIs, each given by its stored marks by
    year (``marks``; "-" in a year none is stored for): the plan's marks over the years."""
    marks = list(marks)
    result = []
    for year in years:
        counter = Counter(kpi_marks.get(year, Mark.NONE.value) for kpi_marks in marks)
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
    stored_marks: Mapping[int, Mapping[int, str]] | None = None,
) -> PlanOverview:
    """Pure: the plan dashboard's content from the service layer's progress and tallies.

    ``printed_marks`` maps a KPI id to the marks the plan printed per year, ``stored_marks`` to
    its stored marks per year; ``years`` are the years offered, of which those from
    ``first_year`` to the chosen year are shown per target.
    """
    stored_marks = stored_marks or {}
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
                    stored_marks.get(item.kpi.id, {}),
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
        marks_over_years=marks_by_year([stored_marks.get(item.kpi.id, {}) for item in progress.kpis], shown_years),
        kpis=list(progress.kpis),
    )


# --- thin shell: bounded queries, then the core --------------------------------------------


def printed_marks_of_plan(plan_id: int) -> dict[int, dict[int, str]]:
    """The yearly marks a plan printed, per KPI id and year (one query)."""
    marks: dict[int, dict[int, str]] = {}
    rows = OfficialRating.objects.filter(kpi__plan_id=plan_id, kind="mark").values_list("kpi_id", "year", "label")
    for kpi_id, year, label in rows:
        marks.setdefault(kpi_id, {})[year] = label
    return marks


def plan_years(plan) -> tuple[list[int], int]:
    """The years a plan's dashboards offer and the one shown first (one query)."""
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
    printed tallies; the goals' texts; the printed marks; the stored marks of the years shown:
    fourteen, whatever the number of KPIs. Every mark is a stored one (``KpiYearProgress``).
    """
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
        stored_marks=selectors.stored_marks(
            plan.pk, years=[shown for shown in options if plan.first_year <= shown <= progress.year]
        ),
    )
