"""Reads of the review chain: a department's reported values for a year (the 提出 page), the
planners' review queue, and what the public pages say about the data's date (データ時点・最終更新).

Every read answers in a fixed number of queries, whatever the number of values: the reported
values with their KPI and plan, one prefetch each for their steps and evidence, one read of the
earlier official actuals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from plans import access
from plans.choices import ReviewState
from plans.models import Actual, Evidence, Kpi, PublishedYear, ReportedActual, ReviewStep, YearReopening

PREVIOUS_ACTUALS = 3  # earlier official actuals shown beside a reported value


def _with_details(reported: QuerySet[ReportedActual]) -> QuerySet[ReportedActual]:
    return reported.select_related("kpi__plan", "kpi__department", "updated_by").prefetch_related(
        Prefetch("steps", queryset=ReviewStep.objects.select_related("by").order_by("at", "id")),
        Prefetch("evidence", queryset=Evidence.objects.select_related("added_by").order_by("added_at", "id")),
    )


@dataclass(frozen=True)
class ReviewItem:
    """A reported value as a reviewer (or its department) reads it."""

    reported: ReportedActual
    previous: list[tuple[int, str]]  # (year, official actual as written), latest first

    @property
    def has_warnings(self) -> bool:
        return bool(self.reported.warnings)

    @property
    def state_word(self) -> str:
        return ReviewState(self.reported.state).word

    @property
    def steps(self) -> list[tuple]:
        """The value's history: (when, state as a word, by whom, the value then, the comment)."""
        return [
            (step.at, ReviewState(step.state).word, step.by, step.raw, step.comment)
            for step in self.reported.steps.all()
        ]

    @property
    def last_comment(self) -> str:
        """The latest comment a planner left when returning the value, if it stands returned."""
        if self.reported.state != ReviewState.RETURNED:
            return ""
        returned = [step for step in self.reported.steps.all() if step.state == ReviewState.RETURNED]
        return returned[-1].comment if returned else ""


def _items(rows: list[ReportedActual]) -> list[ReviewItem]:
    """Each row with its KPI's earlier official actuals (one query for all)."""
    previous: dict[int, list[tuple[int, str]]] = {}
    if rows:
        for kpi_id, year, raw in (
            Actual.objects.filter(kpi_id__in={row.kpi_id for row in rows}, year__lt=max(row.year for row in rows))
            .order_by("kpi_id", "-year")
            .values_list("kpi_id", "year", "raw")
        ):
            previous.setdefault(kpi_id, []).append((year, raw))
    return [
        ReviewItem(
            reported=row,
            previous=[(year, raw) for year, raw in previous.get(row.kpi_id, []) if year < row.year][:PREVIOUS_ACTUALS],
        )
        for row in rows
    ]


def department_reported(user, department_id: int, year: int) -> list[ReviewItem]:
    """The values the login may enter for a department's KPIs in ``year``, every state, with their
    steps (the history the department sees) and evidence; in the plan's KPI order."""
    kpis = access.editable_kpis(user).filter(department_id=department_id)
    rows = list(
        _with_details(ReportedActual.objects.filter(kpi__in=kpis.values("pk"), year=year)).order_by(
            "kpi__plan__first_year", "kpi__plan_id", "kpi__order", "kpi_id"
        )
    )
    return _items(rows)


def may_report_for(user, department_id: int) -> bool:
    """Whether the login may enter (and so submit) any KPI of the department."""
    return access.editable_kpis(user).filter(department_id=department_id).exists()


def review_queue(user, year: int | None = None) -> list[ReviewItem]:
    """The values waiting for a planner's decision in the plans they lead — those submitted, and
    the planner's own entries not approved yet (they may approve what they entered themselves):
    values with warnings first, then by plan, department and the KPI's order."""
    waiting = Q(state=ReviewState.SUBMITTED) | Q(
        state__in=(ReviewState.DRAFT, ReviewState.RETURNED), updated_by_id=user.pk
    )
    reported = ReportedActual.objects.filter(waiting, kpi__plan__in=access.led_plans(user).values("pk"))
    if year is not None:
        reported = reported.filter(year=year)
    rows = list(
        _with_details(reported).order_by(
            "kpi__plan__first_year", "kpi__plan_id", "kpi__department__name", "kpi__order", "kpi_id", "year"
        )
    )
    rows.sort(key=lambda row: not row.warnings)  # stable: the order above within each group
    return _items(rows)


def queue_counts(user) -> dict[str, int]:
    """How many values of the plans a planner leads stand in each review state (one query)."""
    counts = dict(
        ReportedActual.objects.filter(kpi__plan__in=access.led_plans(user).values("pk"))
        .values_list("state")
        .annotate(count=Count("id"))
        .order_by()
        .values_list("state", "count")
    )
    return {state: counts.get(state, 0) for state in ReviewState.values}


@dataclass(frozen=True)
class PlanReview:
    """Where a plan's values of one year stand: reported values per review state, official
    values with no report (printed, imported or corrected in the admin), and KPIs with neither."""

    year: int
    kpi_count: int
    states: list[tuple[str, str, str, int]]  # (state, word, css class, count), in the chain's order
    official_without_report: int
    missing: int


def plan_review(plan_id: int, year: int) -> PlanReview:
    """The plan dashboard's review panel (three queries, whatever the number of KPIs)."""
    reported = ReportedActual.objects.filter(kpi__plan_id=plan_id, year=year)
    counts = dict(reported.values_list("state").annotate(count=Count("id")).order_by().values_list("state", "count"))
    kpi_count = Kpi.objects.filter(plan_id=plan_id).count()
    # NOT EXISTS per actual (an anti-join along the KPI-year index), not NOT IN a subquery, which
    # PostgreSQL tests as a hashed filter over the year's actuals of every plan of the nation.
    reported_too = ReportedActual.objects.filter(kpi_id=OuterRef("kpi_id"), year=year)
    official_only = Actual.objects.filter(kpi__plan_id=plan_id, year=year).exclude(Exists(reported_too)).count()
    return PlanReview(
        year=year,
        kpi_count=kpi_count,
        states=[(state.value, state.word, state.css_class, counts.get(state.value, 0)) for state in ReviewState],
        official_without_report=official_only,
        missing=max(kpi_count - sum(counts.values()) - official_only, 0),
    )


def reported_for_kpi(user, kpi_id: int, year: int) -> ReportedActual | None:
    """A reported value the login may read (its department's, or its plans' as a planner)."""
    return (
        ReportedActual.objects.filter(kpi__in=access.readable_kpis(user).values("pk"), kpi_id=kpi_id, year=year)
        .select_related("kpi__plan")
        .first()
    )


# --- the data's date on public pages ------------------------------------------------------------


@dataclass(frozen=True)
class YearCoverage:
    """How many of a plan's KPIs have an official value (or a written status) in a published year."""

    year: int
    with_value: int
    total: int

    @property
    def missing(self) -> int:
        return self.total - self.with_value


@dataclass(frozen=True)
class DataDate:
    """What a public page says about the plan's data: the published years with their coverage,
    when the published data last changed, and the years reopened for corrections (with why)."""

    coverage: dict[int, YearCoverage]  # published years only
    changed_at: datetime | None
    reopened: list[tuple[int, str]]  # (year, reason)


def data_dates(plans) -> dict[int, DataDate]:
    """For each plan (a ``Plan`` with ``data_changed_at``), its public data's date and coverage
    (four queries, whatever the number of plans): KPIs per plan, official values per plan-year,
    publications, reopenings."""
    plans = list(plans)
    plan_ids = [plan.pk for plan in plans]
    totals = dict(
        Kpi.objects.filter(plan_id__in=plan_ids)
        .values("plan_id")
        .annotate(total=Count("id"))
        .order_by()
        .values_list("plan_id", "total")
    )
    published: dict[int, dict[int, datetime]] = {}
    for plan_id, year, at in PublishedYear.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "year", "published_at"
    ):
        published.setdefault(plan_id, {})[year] = at
    counts = {
        (plan_id, year): count
        for plan_id, year, count in Actual.objects.filter(kpi__plan_id__in=plan_ids)
        .values("kpi__plan_id", "year")
        .annotate(count=Count("kpi_id", distinct=True))
        .order_by()
        .values_list("kpi__plan_id", "year", "count")
    }
    reopened: dict[int, list[tuple[int, str]]] = {}
    for plan_id, year, reason in (
        YearReopening.objects.filter(plan_id__in=plan_ids, closed_at__isnull=True)
        .order_by("year")
        .values_list("plan_id", "year", "reason")
    ):
        reopened.setdefault(plan_id, []).append((year, reason))
    changed = {plan.pk: plan.data_changed_at for plan in plans}
    dates = {}
    for plan_id in plan_ids:
        years = published.get(plan_id, {})
        moments = [at for at in (*years.values(), changed.get(plan_id)) if at is not None]
        dates[plan_id] = DataDate(
            coverage={
                year: YearCoverage(year, counts.get((plan_id, year), 0), totals.get(plan_id, 0))
                for year in sorted(years)
            },
            changed_at=max(moments) if years and moments else None,
            reopened=reopened.get(plan_id, []),
        )
    return dates
