"""Progress of KPIs, goals and plans: computed by the rules, stored, read by every screen.

Writes: ``recompute_plan`` and ``recompute_kpis`` evaluate KPIs with ``plans.rules.progress`` and
store each KPI-year's standing (``KpiYearProgress``) and the tallies (``ProgressTally``), for staff
(every actual) and for citizens (published years only). The services that change an actual, a
target, a KPI, a plan's scale or a publication call them in the same transaction.

Screens read what is stored through ``plans.selectors.progress``; no rule runs on a request.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from plans import selectors
from plans.choices import TallyScope
from plans.models import Kpi, KpiYearProgress, Plan, ProgressTally, ProgressView
from plans.rules.progress import (
    KpiProgress,
    evaluate_kpi,
)
from plans.rules.tallies import tally
from plans.selectors.progress import kpi_values, plan_scale

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
