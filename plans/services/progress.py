"""Progress of KPIs, goals and plans: computed by the rules, stored, read by every screen.

Writes: ``recompute_plan`` and ``recompute_kpis`` evaluate KPIs with ``plans.rules.progress`` and
store each KPI-year's standing (``KpiYearProgress``) and the tallies (``ProgressTally``), for staff
(every actual) and for citizens (published years only). The services that change an actual, a
target, a KPI, a plan's scale or a publication call them in the same transaction.

Reads: ``plan_progress`` and ``plan_tallies`` load what a screen needs in a fixed number of
queries, whatever the number of KPIs, taking each KPI's standing from the stored rows; a KPI's
stored years are read by ``plans.services.progress_reads``. The pure names (``KpiValues``,
``evaluate_kpi``…) are imported from ``plans.rules.progress``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from plans import selectors
from plans.choices import TallyScope
from plans.models import Kpi, KpiYearProgress, Plan, PrintedTally, ProgressTally, ProgressView, RatingLabel
from plans.rules import notation, rating
from plans.rules.progress import (
    ActualDetail,
    KpiProgress,
    KpiValues,
    default_year,
    evaluate_kpi,
    official_outlook_for,
    tallies_by_goal,
)
from plans.rules.rating import ScaleLabel
from plans.rules.tallies import Tally, tally

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
        total_years=kpi.total_years,
        cumulative=kpi.is_cumulative,
        baseline_year_assumed=kpi.baseline_year_assumed,
        places=notation.written_places(
            [
                kpi.baseline_raw,
                kpi.target_raw,
                *(target.raw for target in kpi.yearly_targets.all()),
                *(actual.raw for actual in kpi.actuals.all()),
            ]
        ),
    )


def plan_scale(plan_id: int) -> tuple[ScaleLabel, ...]:
    """A plan's own rating scale, or the canonical A–E when it has none (one query)."""
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
    """Every KPI of a plan in ``year`` (default: the latest year with data), from the stored rows.

    With ``public`` only the actuals of published years count (see ``PublishedYear``).

    Queries: the plan, its scale, the measured years (only without ``year``), the stored progress
    of the year, the KPIs with their department and attachments, and one each for yearly targets,
    actuals and ratings. A KPI without a stored row (a year outside the ones stored, or data not
    written through the services) is evaluated by the rules.
    """
    plan = Plan.objects.only("id", "report_year", "first_year").get(pk=plan_id)
    if year is None:
        year = default_year(
            measured_years=selectors.measured_years(plan_id, public=public),
            report_year=plan.report_year,
            first_year=plan.first_year,
        )
    scale = plan_scale(plan_id)
    stored = {row.kpi_id: row for row in selectors.stored_progress(plan_id, year=year, public=public)}
    kpis = []
    for kpi in selectors.kpis_with_values(plan_id, public=public):
        values = kpi_values(kpi)
        row = stored.get(kpi.pk)
        kpis.append(progress_from_row(values, row) if row else unstored_progress(values, year))
    return PlanProgress(plan_id=plan_id, year=year, scale=scale, kpis=kpis)


def progress_from_row(kpi: KpiValues, row: KpiYearProgress) -> KpiProgress:
    """A KPI's standing as stored (no rule runs here)."""
    return KpiProgress(
        kpi=kpi,
        year=row.year,
        year_target=rating.YearTarget(value=row.target, stated=row.target_stated),
        actual=row.actual,
        rate=row.rate,
        mark=row.mark,
        outlook=row.outlook,
        official_label=row.official_label,
        outlook_on_plan_scale=row.outlook_on_plan_scale,
        disagrees=row.disagrees,
    )


def unstored_progress(kpi: KpiValues, year: int) -> KpiProgress:
    """A KPI in a year no row is stored for (outside every year with data): nothing to judge."""
    return KpiProgress(
        kpi=kpi,
        year=year,
        year_target=rating.YearTarget(value=None, stated=False),
        actual=None,
        rate=None,
        mark="-",
        outlook="-",
        official_label=official_outlook_for(kpi, year),
        outlook_on_plan_scale="-",
        disagrees=False,
    )


# --- writes: compute with the rules, store, in the caller's transaction ------------------------

VIEWS = ((ProgressView.STAFF, False), (ProgressView.PUBLIC, True))
PLACES = Decimal("0.000001")  # the decimal places the columns keep (an interpolated target is cut there)


def _evaluated(plan: Plan, public: bool, kpi_ids: Iterable[int] | None, scale, years: range) -> list[KpiProgress]:
    """Each of ``years`` of each KPI (all of the plan's, or ``kpi_ids``), evaluated by the rules."""
    kpis = selectors.kpis_with_values(plan.pk, public=public)
    if kpi_ids is not None:
        kpis = kpis.filter(pk__in=kpi_ids)
    evaluated = []
    for kpi in kpis:
        values = kpi_values(kpi)
        evaluated += [evaluate_kpi(values, year=year, scale=scale) for year in years]
    return evaluated


def _row(plan_id: int, view: str, item: KpiProgress) -> KpiYearProgress:
    return KpiYearProgress(
        kpi_id=item.kpi.id,
        plan_id=plan_id,
        view=view,
        year=item.year,
        target=None if item.year_target.value is None else item.year_target.value.quantize(PLACES),
        target_stated=item.year_target.stated,
        actual=item.actual,
        rate=None if item.rate is None else item.rate.quantize(PLACES),
        mark=item.mark,
        outlook=item.outlook,
        outlook_on_plan_scale=item.outlook_on_plan_scale,
        official_label=item.official_label,
        disagrees=item.disagrees,
    )


def computed_rows(plan: Plan, *, kpi_ids: set[int] | None = None, scale=None) -> list[KpiYearProgress]:
    """What the rules say of the plan's KPIs (or ``kpi_ids``) in every stored year, both views,
    as unsaved rows: what ``recompute_plan`` stores, and what a test compares the stored rows to.

    Every KPI of a plan is stored for the same years (``selectors.progress_years``), so that
    each year's tally counts all of the plan's KPIs."""
    scale = plan_scale(plan.pk) if scale is None else scale
    years = selectors.progress_years(plan)
    return [
        _row(plan.pk, view, item) for view, public in VIEWS for item in _evaluated(plan, public, kpi_ids, scale, years)
    ]


def recompute_plan(plan_id: int) -> int:
    """Rebuild a plan's stored progress and tallies, for staff and for citizens; the rows written."""
    return _recompute(plan_id, kpi_ids=None)


def recompute_kpis(kpi_ids: Iterable[int]) -> int:
    """Rebuild the stored progress of these KPIs, and the tallies of their plans."""
    kpi_ids = set(kpi_ids)
    plan_ids = set(Kpi.objects.filter(pk__in=kpi_ids).values_list("plan_id", flat=True).distinct())
    return sum(_recompute(plan_id, kpi_ids=kpi_ids) for plan_id in sorted(plan_ids))


def _recompute(plan_id: int, *, kpi_ids: set[int] | None) -> int:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().only("id", "first_year", "last_year").get(pk=plan_id)
        scale = plan_scale(plan_id)
        stale = KpiYearProgress.objects.filter(plan_id=plan_id)
        if kpi_ids is not None and selectors.stored_years(plan_id) != selectors.progress_years(plan):
            kpi_ids = None  # the plan's years moved (an actual of a new year): every KPI follows
        if kpi_ids is not None:
            stale = stale.filter(kpi_id__in=kpi_ids)
        stale.delete()
        rows = computed_rows(plan, kpi_ids=kpi_ids, scale=scale)
        KpiYearProgress.objects.bulk_create(rows, batch_size=2000)
        retally(plan_id)
    return len(rows)


def retally(plan_id: int) -> None:
    """The tallies of a plan, its goals and its directions, per year and view, from stored rows."""
    goals = list(selectors.goals_with_directions(plan_id))
    goal_ids = {goal.number: goal.pk for goal in goals}
    direction_ids = {direction.code: direction.pk for goal in goals for direction in goal.directions.all()}
    attachment = {
        kpi_id: (goal_number, direction_code, package_id)
        for kpi_id, goal_number, direction_goal_number, direction_code, package_id in Kpi.objects.filter(
            plan_id=plan_id
        ).values_list("pk", "goal__number", "policy_direction__goal__number", "policy_direction__code", "package_id")
        for goal_number in [goal_number if direction_code is None else direction_goal_number]
    }
    groups: dict[tuple[str, int, str, int], list[tuple[str, str]]] = {}
    for kpi_id, view, year, mark, outlook in KpiYearProgress.objects.filter(plan_id=plan_id).values_list(
        "kpi_id", "view", "year", "mark", "outlook"
    ):
        goal_number, direction_code, package_id = attachment.get(kpi_id, (None, None, None))
        scopes = [(TallyScope.PLAN, 0)]
        if direction_code:
            scopes.append((TallyScope.DIRECTION, direction_ids[direction_code]))
        elif goal_number is not None:
            scopes.append((TallyScope.GOAL, goal_ids[goal_number]))
        elif package_id is not None:
            scopes.append((TallyScope.PACKAGE, package_id))
        for scope, scope_id in scopes:
            groups.setdefault((view, year, scope, scope_id), []).append((mark, outlook))
    ProgressTally.objects.filter(plan_id=plan_id).delete()
    tallies = []
    for (view, year, scope, scope_id), pairs in groups.items():
        counted = tally(pairs)
        tallies.append(
            ProgressTally(
                plan_id=plan_id,
                scope=scope,
                scope_id=scope_id,
                view=view,
                year=year,
                kpi_count=counted.kpi_count,
                marks=counted.marks,
                outlooks=counted.outlooks,
            )
        )
    ProgressTally.objects.bulk_create(tallies, batch_size=2000)


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


def plan_tallies(
    plan_id: int, year: int | None = None, *, public: bool = False, progress: PlanProgress | None = None
) -> PlanTallies:
    """Tallies per goal and direction for ``year``, with the tallies the plan printed beside them.

    A screen that already holds the plan's ``progress`` passes it, so it is not loaded twice.
    """
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
