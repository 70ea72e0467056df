"""Progress of KPIs, goals and plans: bounded queries, then the pure core.

``evaluate_kpi`` is pure (plain values in, a :class:`KpiProgress` out). ``plan_progress`` and
``plan_tallies`` load what a screen needs in a fixed number of queries, whatever the number of
KPIs, and call the core. Views, admin, commands and exports call these and never recompute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from plans.rules import rating
from plans.rules.rating import ScaleLabel, YearTarget
from plans.rules.tallies import Tally, tally


@dataclass(frozen=True)
class ActualDetail:
    """An actual as entered: its raw text, status and annotations."""

    raw: str = ""
    status: str = "measured"
    preliminary: bool = False
    note: str = ""


@dataclass(frozen=True)
class KpiValues:
    """What the rules need to know about one KPI, as plain values."""

    id: int
    code: str
    name: str
    unit: str = ""
    direction: str = rating.INCREASE
    level: str = "plan"
    goal_number: int | None = None
    direction_code: str = ""
    baseline_year: int | None = None
    baseline: Decimal | None = None
    target_year: int | None = None
    target: Decimal | None = None
    at_least: bool = False
    fiscal: bool = True
    stated_targets: Mapping[int, Decimal | None] = field(default_factory=dict)
    actuals: Mapping[int, Decimal | None] = field(default_factory=dict)
    official_outlooks: Mapping[int, str] = field(default_factory=dict)
    department: str = ""
    actual_details: Mapping[int, ActualDetail] = field(default_factory=dict)


@dataclass(frozen=True)
class KpiProgress:
    """A KPI's standing in one year: the year's target, actual, rate, mark, outlook, official rating."""

    kpi: KpiValues
    year: int
    year_target: YearTarget
    actual: Decimal | None
    rate: Decimal | None
    mark: str
    outlook: str
    official_label: str
    outlook_on_plan_scale: str
    disagrees: bool


def year_target_for(kpi: KpiValues, year: int) -> YearTarget:
    return rating.year_target(
        year=year,
        baseline_year=kpi.baseline_year,
        baseline=kpi.baseline,
        target_year=kpi.target_year,
        target=kpi.target,
        stated=kpi.stated_targets,
    )


def mark_for_year(kpi: KpiValues, year: int) -> str:
    """The progress mark a KPI earns in ``year`` with the actual it has for that year."""
    return rating.progress_mark(
        direction=kpi.direction,
        baseline=kpi.baseline,
        target=year_target_for(kpi, year).value,
        actual=kpi.actuals.get(year),
        at_least=kpi.at_least,
    )


def mark_for_value(kpi: KpiValues, year: int, value: Decimal | None) -> str:
    """The mark a value would earn in ``year`` (the entry page and upload preview use this)."""
    return rating.progress_mark(
        direction=kpi.direction,
        baseline=kpi.baseline,
        target=year_target_for(kpi, year).value,
        actual=value,
        at_least=kpi.at_least,
    )


def official_outlook_for(kpi: KpiValues, year: int) -> str:
    """The latest outlook the plan printed for the KPI up to ``year`` ("" when none)."""
    years = [printed_year for printed_year in kpi.official_outlooks if printed_year <= year]
    return kpi.official_outlooks[max(years)] if years else ""


def evaluate_kpi(kpi: KpiValues, *, year: int, scale: Iterable[ScaleLabel] = rating.DEFAULT_SCALE) -> KpiProgress:
    """Everything the rules say about one KPI in ``year`` (actuals after ``year`` are ignored)."""
    scale = tuple(scale)
    target = year_target_for(kpi, year)
    actual = kpi.actuals.get(year)
    known = {actual_year: value for actual_year, value in kpi.actuals.items() if actual_year <= year}
    computed = rating.outlook(
        direction=kpi.direction,
        baseline_year=kpi.baseline_year,
        baseline=kpi.baseline,
        target_year=kpi.target_year,
        target=kpi.target,
        actuals=known,
        at_least=kpi.at_least,
    )
    official = official_outlook_for(kpi, year)
    return KpiProgress(
        kpi=kpi,
        year=year,
        year_target=target,
        actual=actual,
        rate=rating.achievement_rate(baseline=kpi.baseline, target=target.value, actual=actual),
        mark=rating.progress_mark(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=target.value,
            actual=actual,
            at_least=kpi.at_least,
        ),
        outlook=computed,
        official_label=official,
        outlook_on_plan_scale=rating.to_plan_scale(computed, scale),
        disagrees=rating.disagrees(computed_outlook=computed, official_label=official, scale=scale),
    )


@dataclass(frozen=True)
class YearRow:
    """One year of a KPI's series: the year's target (stated or interpolated), actual and mark."""

    year: int
    target: YearTarget
    actual: Decimal | None
    detail: ActualDetail | None
    mark: str


def kpi_series(kpi: KpiValues) -> list[YearRow]:
    """Every year from the baseline (or first actual) to the target year or last actual."""
    years = [year for year in (kpi.baseline_year, kpi.target_year) if year is not None]
    years += list(kpi.actuals) + list(kpi.stated_targets)
    if not years:
        return []
    first = (kpi.baseline_year + 1) if kpi.baseline_year is not None else min(years)
    return [
        YearRow(
            year=year,
            target=year_target_for(kpi, year),
            actual=kpi.actuals.get(year),
            detail=kpi.actual_details.get(year),
            mark=mark_for_year(kpi, year),
        )
        for year in range(min(first, *years), max(years) + 1)
        if year > (kpi.baseline_year or 0)
    ]


def trend_line(kpi: KpiValues) -> list[tuple[int, Decimal]]:
    """The least-squares trend the outlook uses, from the baseline year to the target year."""
    points = sorted((year, value) for year, value in kpi.actuals.items() if value is not None)
    if kpi.baseline is not None and kpi.baseline_year is not None:
        points = [(kpi.baseline_year, kpi.baseline), *points]
    if len(points) < 2 or kpi.target_year is None:
        return []
    start = points[0][0]
    end = max(kpi.target_year, points[-1][0])
    return [(year, rating.projected_value(points=points, year=year)) for year in (start, end)]


def default_year(*, measured_years: Iterable[int], report_year: int | None, first_year: int) -> int:
    """The year a screen shows first: the latest with a measured actual, else the year reported on."""
    years = list(measured_years)
    if years:
        return max(years)
    return report_year or first_year


# --- thin wrappers: bounded queries, then the core ------------------------------------------


def kpi_values(kpi) -> KpiValues:
    """Plain values from a KPI loaded by ``selectors.kpis_with_values`` (no further queries)."""
    return KpiValues(
        id=kpi.pk,
        code=kpi.code,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        level=kpi.level,
        goal_number=(
            kpi.goal.number if kpi.goal_id else kpi.policy_direction.goal.number if kpi.policy_direction_id else None
        ),
        direction_code=kpi.policy_direction.code if kpi.policy_direction_id else "",
        baseline_year=kpi.baseline_year,
        baseline=kpi.baseline_value,
        target_year=kpi.target_year,
        target=rating.effective_target(direction=kpi.direction, baseline=kpi.baseline_value, target=kpi.target_value),
        at_least=kpi.target_at_least,
        fiscal=kpi.year_kind == "fiscal",
        stated_targets={target.year: target.value for target in kpi.yearly_targets.all()},
        actuals={actual.year: actual.value for actual in kpi.actuals.all()},
        official_outlooks={
            official.year: official.label for official in kpi.official_ratings.all() if official.kind == "outlook"
        },
        department=kpi.department.name if kpi.department_id else "",
        actual_details={
            actual.year: ActualDetail(actual.raw, actual.status, actual.is_preliminary, actual.note)
            for actual in kpi.actuals.all()
        },
    )


def plan_scale(plan_id: int) -> tuple[ScaleLabel, ...]:
    """A plan's own rating scale, or the canonical A–E when it has none (one query)."""
    from plans.models import RatingLabel

    labels = RatingLabel.objects.filter(plan_id=plan_id).order_by("order", "id")
    scale = tuple(ScaleLabel(label.label, tuple(label.canonical), label.meaning) for label in labels)
    return scale or rating.DEFAULT_SCALE


@dataclass(frozen=True)
class PlanProgress:
    plan_id: int
    year: int
    scale: tuple[ScaleLabel, ...]
    kpis: list[KpiProgress]


def plan_progress(plan_id: int, year: int | None = None, *, public: bool = False) -> PlanProgress:
    """Every KPI of a plan evaluated for ``year`` (default: the latest year with data).

    With ``public`` only the actuals of published years count (see ``PublishedYear``).

    Queries: the plan, its scale, the measured years (only without ``year``), the KPIs with
    their department and attachments, and one each for yearly targets, actuals and ratings.
    """
    from plans import selectors
    from plans.models import Plan

    plan = Plan.objects.only("id", "report_year", "first_year").get(pk=plan_id)
    if year is None:
        year = default_year(
            measured_years=selectors.measured_years(plan_id, public=public),
            report_year=plan.report_year,
            first_year=plan.first_year,
        )
    scale = plan_scale(plan_id)
    kpis = [
        evaluate_kpi(kpi_values(kpi), year=year, scale=scale)
        for kpi in selectors.kpis_with_values(plan_id, public=public)
    ]
    return PlanProgress(plan_id=plan_id, year=year, scale=scale, kpis=kpis)


@dataclass(frozen=True)
class DirectionTally:
    code: str
    title: str
    tally: Tally
    printed: dict | None  # the tally the plan printed for this direction, as stored


@dataclass(frozen=True)
class GoalTally:
    number: int
    title: str
    tally: Tally  # the goal's own numerical targets
    directions: list[DirectionTally]
    printed: dict | None


@dataclass(frozen=True)
class PlanTallies:
    plan_id: int
    year: int
    goals: list[GoalTally]
    total: Tally


def tallies_by_goal(progress: Iterable[KpiProgress], goals: Iterable[tuple[int, str, list[tuple[str, str]]]]):
    """Pure: tally KPI progress per goal (its numerical targets) and per direction."""
    by_goal: dict[int, list[KpiProgress]] = {}
    by_direction: dict[str, list[KpiProgress]] = {}
    for item in progress:
        if item.kpi.direction_code:
            by_direction.setdefault(item.kpi.direction_code, []).append(item)
        elif item.kpi.goal_number is not None:
            by_goal.setdefault(item.kpi.goal_number, []).append(item)
    result = []
    for number, title, directions in goals:
        result.append(
            (
                number,
                title,
                tally((item.mark, item.outlook) for item in by_goal.get(number, [])),
                [
                    (code, direction_title, tally((item.mark, item.outlook) for item in by_direction.get(code, [])))
                    for code, direction_title in directions
                ],
            )
        )
    return result


def plan_tallies(
    plan_id: int, year: int | None = None, *, public: bool = False, progress: PlanProgress | None = None
) -> PlanTallies:
    """Tallies per goal and direction for ``year``, with the tallies the plan printed beside them.

    A screen that already holds the plan's ``progress`` passes it, so it is not loaded twice.
    """
    from plans import selectors
    from plans.models import PrintedTally

    if progress is None:
        progress = plan_progress(plan_id, year, public=public)
    goals = list(selectors.goals_with_directions(plan_id))
    printed = {
        (tally_row.scope, tally_row.goal_id or tally_row.policy_direction_id): {
            "kpi_count": tally_row.kpi_count,
            "marks": tally_row.mark_counts,
            "outlooks": tally_row.outlook_counts,
        }
        for tally_row in PrintedTally.objects.filter(plan_id=plan_id, year=progress.year)
    }
    direction_ids = {
        (goal.number, direction.code): direction.pk for goal in goals for direction in goal.directions.all()
    }
    computed = tallies_by_goal(
        progress.kpis,
        [(goal.number, goal.title, [(d.code, d.title) for d in goal.directions.all()]) for goal in goals],
    )
    goal_ids = {goal.number: goal.pk for goal in goals}
    goal_tallies = [
        GoalTally(
            number=number,
            title=title,
            tally=goal_tally,
            directions=[
                DirectionTally(
                    code, direction_title, direction_tally, printed.get(("direction", direction_ids[(number, code)]))
                )
                for code, direction_title, direction_tally in directions
            ],
            printed=printed.get(("goal", goal_ids[number])),
        )
        for number, title, goal_tally, directions in computed
    ]
    total = tally((item.mark, item.outlook) for item in progress.kpis)
    return PlanTallies(plan_id=plan_id, year=progress.year, goals=goal_tallies, total=total)
