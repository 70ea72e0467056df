"""Progress as every screen reads it: the stored rows of ``KpiYearProgress`` and the plan's
tallies, in a fixed number of queries whatever the number of KPIs; no rule runs here.

``plan_progress`` and ``plan_tallies`` give a plan's standing in a year; ``stored_series`` a KPI's
stored years (its pages and charts); ``stored_kpi_progress`` one KPI in one year;
``plan_stored_progress`` every stored year of a plan's KPIs. ``kpi_values`` turns a KPI loaded by
``kpis_with_values`` into the plain values the rules and the screens use; ``kpi_values_of_plans``
builds the same values from rows of values, without model instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from plans.choices import YearKind
from plans.models import KpiYearProgress, Plan, PrintedTally, RatingLabel, TargetRevision
from plans.rules import notation, rating
from plans.rules.progress import (
    ActualDetail,
    KpiProgress,
    KpiValues,
    Revision,
    YearRow,
    default_year,
    official_outlook_for,
    tallies_by_goal,
)
from plans.rules.rating import ScaleLabel
from plans.rules.tallies import Tally, tally
from plans.selectors import base as selectors


def goal_number_of(kpi) -> int | None:
    """The goal a KPI counts under: its own, or its policy direction's (None for plan, package and
    project KPIs). ``kpi`` has its goal and direction's goal loaded."""
    if kpi.goal_id:
        return kpi.goal.number
    return kpi.policy_direction.goal.number if kpi.policy_direction_id else None


@lru_cache(maxsize=16384)
def written_places_of(texts: tuple[str | None, ...]) -> int | None:
    """``notation.written_places``, remembered per KPI's texts: parsing every value as written is
    most of a 300-KPI dashboard's time, and the texts of a plan change only when its data does."""
    return notation.written_places(texts)


def kpi_values(kpi) -> KpiValues:
    """Plain values from a KPI loaded by ``selectors.kpis_with_values`` (no further queries)."""
    return KpiValues(
        id=kpi.pk,
        code=kpi.code,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        level=kpi.level,
        goal_number=goal_number_of(kpi),
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
        places=written_places_of(
            (
                kpi.baseline_raw,
                kpi.target_raw,
                *(target.raw for target in kpi.yearly_targets.all()),
                *(actual.raw for actual in kpi.actuals.all()),
            )
        ),
        revisions=tuple(revision_values(revision) for revision in kpi.target_revisions.all()),
        target_follows_baseline=kpi.target_value is None and kpi.direction == rating.MAINTAIN,
    )


def revision_values(revision: TargetRevision) -> Revision:
    """A target revision as the rules read it (what it replaced, from which year the new counts)."""
    return Revision(revision.field, revision.effective_from_year, revision.old_value, revision.old_year)


def revisions_by_kpi(*, plan_ids, kpi_ids=None) -> dict[int, tuple[Revision, ...]]:
    """The target revisions of these plans' KPIs (or of ``kpi_ids``), by KPI id (one query): for
    loaders that build ``KpiValues`` without ``kpis_with_values``."""
    by_kpi: dict[int, list[Revision]] = {}
    for kpi_id, *revision in selectors.target_revision_rows(plan_ids, kpi_ids=kpi_ids):
        by_kpi.setdefault(kpi_id, []).append(Revision(*revision))
    return {kpi_id: tuple(items) for kpi_id, items in by_kpi.items()}


@dataclass(frozen=True)
class LoadedKpi:
    """A KPI loaded as values by ``kpi_values_of_plans``, with its plan and what the tallies
    count it under: ``counted_goal`` (its own goal's number, or its direction's when it has
    one), ``direction_code`` (None without a direction) and ``package_id``."""

    plan_id: int
    values: KpiValues
    counted_goal: int | None
    direction_code: str | None
    package_id: int | None


def kpi_values_of_plans(plan_ids, *, kpi_ids=None, public: bool = False, details: bool = True) -> list[LoadedKpi]:
    """These plans' KPIs (or only ``kpi_ids``) as ``KpiValues`` built from rows of values, in five
    queries whatever their number and no model instances: a 300-KPI plan loaded through
    ``kpis_with_values`` builds thousands of instances only to read them into the same values
    (``kpi_values``), most of a dashboard's time.

    The KPIs come in each plan's order. With ``public`` only the actuals of published years are
    read. Without ``details`` the actuals' details and the written precision, which only screens
    show, are left out (``places`` is None): what the bulk recompute needs."""
    plan_ids = list(plan_ids)
    kpi_rows = list(selectors.kpi_value_rows(plan_ids, kpi_ids=kpi_ids))
    # The other rows are read by these KPIs' ids (an index condition on each table's kpi_id),
    # not through a join on the plans, which PostgreSQL may answer by walking a whole index.
    kpi_ids = [row[0] for row in kpi_rows]
    stated: dict[int, dict[int, Decimal | None]] = {}
    target_texts: dict[int, list[str]] = {}
    for kpi_id, year, value, raw in selectors.yearly_target_rows(plan_ids, kpi_ids=kpi_ids):
        stated.setdefault(kpi_id, {})[year] = value
        target_texts.setdefault(kpi_id, []).append(raw)
    measured: dict[int, dict[int, Decimal | None]] = {}
    described: dict[int, dict[int, ActualDetail]] = {}
    actual_texts: dict[int, list[str]] = {}
    for kpi_id, year, value, *detail in selectors.actual_rows(
        plan_ids, kpi_ids=kpi_ids, public=public, details=details
    ):
        measured.setdefault(kpi_id, {})[year] = value
        if details:
            described.setdefault(kpi_id, {})[year] = ActualDetail(*detail)
            actual_texts.setdefault(kpi_id, []).append(detail[0])
    official: dict[int, dict[int, str]] = {}
    for kpi_id, year, label in selectors.official_outlook_rows(plan_ids, kpi_ids=kpi_ids):
        official.setdefault(kpi_id, {})[year] = label
    revised = revisions_by_kpi(plan_ids=plan_ids, kpi_ids=kpi_ids)  # KPI見直し

    loaded = []
    for row in kpi_rows:
        (kpi_id, plan_id, code, name, unit, direction, level, goal_number, direction_goal_number) = row[:9]
        (direction_code, package_id, baseline_year, baseline, baseline_raw, target_year, target) = row[9:16]
        (target_raw, at_least, year_kind, department, total_years, cumulative, baseline_year_assumed) = row[16:]
        places = None
        if details:
            texts = (baseline_raw, target_raw, *target_texts.get(kpi_id, ()), *actual_texts.get(kpi_id, ()))
            places = written_places_of(texts)
        values = KpiValues(
            id=kpi_id,
            code=code,
            name=name,
            unit=unit,
            direction=direction,
            level=level,
            goal_number=goal_number if goal_number is not None else direction_goal_number,
            direction_code=direction_code or "",
            baseline_year=baseline_year,
            baseline=baseline,
            target_year=target_year,
            target=rating.effective_target(direction=direction, baseline=baseline, target=target),
            at_least=at_least,
            fiscal=year_kind == YearKind.FISCAL,
            stated_targets=stated.get(kpi_id, {}),
            actuals=measured.get(kpi_id, {}),
            official_outlooks=official.get(kpi_id, {}),
            department=department or "",
            actual_details=described.get(kpi_id, {}),
            total_years=total_years,
            cumulative=cumulative,
            baseline_year_assumed=baseline_year_assumed,
            places=places,
            revisions=revised.get(kpi_id, ()),
            target_follows_baseline=target is None and direction == rating.MAINTAIN,
        )
        counted_goal = goal_number if direction_code is None else direction_goal_number
        loaded.append(LoadedKpi(plan_id, values, counted_goal, direction_code, package_id))
    return loaded


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
    of the year, and the KPIs as rows of values (``kpi_values_of_plans``: the KPIs with their
    department and attachments, and one each for yearly targets, actuals, ratings and revisions).
    A KPI without a stored row (a year outside the ones stored, or data not written through the
    services) is evaluated by the rules.
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
    for loaded in kpi_values_of_plans([plan_id], public=public):
        values = loaded.values
        row = stored.get(values.id)
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


@dataclass(frozen=True)
class StoredYear:
    """One stored year of a KPI as its pages list it: the year's row (target, actual as written,
    mark), its rate, and the outlook and official rating stored with it."""

    row: YearRow
    rate: Decimal | None
    outlook: str
    official_label: str
    disagrees: bool


def stored_series(values: KpiValues, *, plan_id: int, public: bool = False) -> list[StoredYear]:
    """The years of a KPI's table, from its stored progress (``selectors.kpi_years_with_data``,
    one query): the public and the staff KPI pages list the same years, and no rule runs."""
    return [
        StoredYear(
            row=YearRow(
                year=row.year,
                target=rating.YearTarget(value=row.target, stated=row.target_stated),
                actual=row.actual,
                detail=values.actual_details.get(row.year),
                mark=row.mark,
            ),
            rate=row.rate,
            outlook=row.outlook,
            official_label=row.official_label,
            disagrees=row.disagrees,
        )
        for row in selectors.kpi_years_with_data(
            values.id, plan_id=plan_id, target_year=values.target_year, public=public
        )
    ]


def series_years(kpi: KpiValues) -> list[int]:
    """The years of a KPI's table (those of ``kpi_series``: the year after the baseline to the
    target year or last actual), and any actual at or before the baseline year; no rule runs."""
    years = [year for year in (kpi.baseline_year, kpi.target_year) if year is not None]
    years += list(kpi.actuals) + list(kpi.stated_targets)
    if not years:
        return []
    first = (kpi.baseline_year + 1) if kpi.baseline_year is not None else min(years)
    span = {year for year in range(min(first, *years), max(years) + 1) if year > (kpi.baseline_year or 0)}
    return sorted(span | set(kpi.actuals) | set(kpi.actual_details))


def plan_stored_progress(plan_id: int, *, public: bool = False) -> dict[int, dict[int, KpiYearProgress]]:
    """Every stored year of every KPI of a plan, by KPI id and year (one query)."""
    stored: dict[int, dict[int, KpiYearProgress]] = {}
    for row in selectors.plan_stored_rows(plan_id, public=public):
        stored.setdefault(row.kpi_id, {})[row.year] = row
    return stored


def stored_kpi_progress(kpi: KpiValues, *, plan_id: int, year: int, public: bool = False) -> KpiProgress:
    """One KPI's stored standing in ``year`` (one query); nothing to judge when none is stored."""
    row = selectors.stored_progress(plan_id, year=year, public=public).filter(kpi_id=kpi.id).first()
    return progress_from_row(kpi, row) if row else unstored_progress(kpi, year)
