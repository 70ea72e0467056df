"""Reads of the data calls (照会): who was asked, what each department has answered, and the
reminders sent.

A department's KPIs for a call are the KPIs of the call's plan in its charge whose plan runs in
the call's year (the entry page's rule: the plan's years, widened by the KPI's baseline and target
years). For each of them the value that counts is what the department last reported
(``ReportedActual``), else the official ``Actual``:

* entered: a value, 未把握 (not measured) or a text that needs checking — someone answered;
* pending: 集計中 (being compiled) — to come back to;
* missing: nothing yet, or an empty row.

Every count is aggregated in the database (one query for all departments of a call, or of all
calls of one year), so a board of 30 departments and 500 KPIs costs what one of 3 and 50 does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, FilteredRelation, Max, Q, QuerySet
from django.utils import timezone

from plans import access
from plans.choices import ActualStatus, ReviewState
from plans.models import DataCall, DataCallDepartment, Department, Kpi, Plan, ReminderSent

# A row whose value staff answered, even without a value (未把握) or with one unreadable.
ENTERED_STATUSES = (ActualStatus.MEASURED, ActualStatus.UNMEASURED, ActualStatus.UNPARSED)


@dataclass(frozen=True)
class CallCounts:
    """What one department has answered for a call."""

    owned: int = 0
    entered: int = 0
    pending: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0  # approved by a planner, or official without a report (entered in the admin)

    @property
    def missing(self) -> int:
        return self.owned - self.entered - self.pending


@dataclass(frozen=True)
class Deadline:
    """A deadline seen from ``today``: days left (0 on the day itself) or days late."""

    deadline: date
    today: date

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def is_late(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)

    @property
    def label(self) -> str:
        if self.is_late:
            return f"{self.days_late}日超過"
        if self.days_left == 0:
            return "本日締切"
        return f"残り{self.days_left}日"


@dataclass(frozen=True)
class BoardRow:
    """One department's line on a call's board, or on a department's to-do."""

    call: DataCall
    asked: DataCallDepartment
    counts: CallCounts
    deadline: Deadline
    last_reminder: date | None = None

    @property
    def department(self) -> Department:
        return self.asked.department


# -- Which KPIs, and how far each is answered ---------------------------------------------------


def _runs_in(plan: Plan, year: int) -> Q:
    """KPIs of ``plan`` whose actuals may be entered for ``year`` (``services.actuals._year_span``)."""
    from_start = Q() if plan.first_year <= year else Q(baseline_year__lte=year)
    to_end = Q() if plan.last_year >= year else Q(target_year__gte=year)
    return from_start & to_end


def _with_year_values(kpis: QuerySet, year: int) -> QuerySet:
    """``kpis`` joined to their reported and official value of ``year`` (at most one each)."""
    return kpis.annotate(
        reported=FilteredRelation("reported_actuals", condition=Q(reported_actuals__year=year)),
        official=FilteredRelation("actuals", condition=Q(actuals__year=year)),
    )


def _answered(prefix: str) -> Q:
    return Q(**{f"{prefix}__status__in": ENTERED_STATUSES}) | (
        ~Q(**{f"{prefix}__raw": ""}) & ~Q(**{f"{prefix}__status": ActualStatus.PENDING})
    )


NO_REPORT = Q(reported__id__isnull=True)
IS_ENTERED = (~NO_REPORT & _answered("reported")) | (NO_REPORT & Q(official__id__isnull=False) & _answered("official"))
IS_PENDING = Q(reported__status=ActualStatus.PENDING) | (NO_REPORT & Q(official__status=ActualStatus.PENDING))
IS_APPROVED = Q(reported__state=ReviewState.APPROVED) | (
    NO_REPORT & Q(official__id__isnull=False) & _answered("official")
)


def call_kpis(call: DataCall, department_ids: Iterable[int] | None = None) -> QuerySet:
    """The KPIs a call asks for (of the departments asked, or of ``department_ids`` among them)."""
    asked = call.departments.values("department_id")
    kpis = Kpi.objects.filter(_runs_in(call.plan, call.year), plan_id=call.plan_id, department_id__in=asked)
    if department_ids is not None:
        kpis = kpis.filter(department_id__in=list(department_ids))
    return kpis


def _counts_by(kpis: QuerySet, year: int, *keys: str) -> dict[tuple, CallCounts]:
    """One aggregate query: ``CallCounts`` per value of ``keys`` (e.g. the department)."""
    rows = (
        _with_year_values(kpis, year)
        .order_by()
        .values(*keys)
        .annotate(
            owned=Count("pk"),
            entered=Count("pk", filter=IS_ENTERED),
            pending=Count("pk", filter=IS_PENDING),
            submitted=Count("pk", filter=Q(reported__state=ReviewState.SUBMITTED)),
            returned=Count("pk", filter=Q(reported__state=ReviewState.RETURNED)),
            approved=Count("pk", filter=IS_APPROVED),
        )
    )
    fields = ("owned", "entered", "pending", "submitted", "returned", "approved")
    return {tuple(row[key] for key in keys): CallCounts(**{name: row[name] for name in fields}) for row in rows}


def missing_kpis(call: DataCall, department_id: int) -> list[Kpi]:
    """The KPIs of one department still missing a value for the call (for a reminder's text)."""
    kpis = call_kpis(call, [department_id])
    return list(
        _with_year_values(kpis, call.year)
        .exclude(IS_ENTERED | IS_PENDING)
        .order_by("order", "id")
        .only("pk", "code", "name", "unit")
    )


# -- Who may see and act on which call ----------------------------------------------------------


def reachable_departments(user, plan: Plan, *, leads: bool | None = None) -> QuerySet:
    """The departments of ``plan``'s KPIs a planner asks and follows: all of them in a plan its
    municipality leads, only its own municipality's in a regional plan led elsewhere (the reach
    of ``access.editable_kpis``). ``leads``: ``access.can_change_plan`` when the caller knows it."""
    departments = Department.objects.filter(kpis__plan=plan).distinct()
    if leads is None:
        leads = access.can_change_plan(user, plan)
    if leads:
        return departments
    if access.PLANNER not in access.roles_of(user) or not access.visible_plans(user).filter(pk=plan.pk).exists():
        return departments.none()
    return departments.filter(municipality=access.municipality_of(user))


def callable_plans(user) -> QuerySet:
    """Plans a planner may open calls for: those it may see (lead or partner)."""
    if access.PLANNER not in access.roles_of(user):
        return Plan.objects.none()
    return access.visible_plans(user)


def open_calls(user) -> list[DataCall]:
    """The open calls of the plans a planner may see, newest year first."""
    return list(
        DataCall.objects.filter(closed_at__isnull=True, plan__in=callable_plans(user).values("pk"))
        .select_related("plan", "plan__municipality")
        .order_by("-year", "plan__slug")
    )


def calls_of(user) -> list[DataCall]:
    """Every call (open and closed) of the plans a planner may see, with its number of departments."""
    return list(
        DataCall.objects.filter(plan__in=callable_plans(user).values("pk"))
        .select_related("plan", "plan__municipality")
        .annotate(asked=Count("departments"))
        .order_by(F("closed_at").desc(nulls_first=True), "-year", "plan__slug")
    )


# -- The board and the to-do --------------------------------------------------------------------


def _last_reminders(call_ids: Iterable[int], department_ids: Iterable[int]) -> dict[tuple[int, int], date]:
    rows = (
        ReminderSent.objects.filter(call_id__in=list(call_ids), department_id__in=list(department_ids))
        .order_by()
        .values("call_id", "department_id")
        .annotate(last=Max("sent_on"))
    )
    return {(row["call_id"], row["department_id"]): row["last"] for row in rows}


def _rows(asked: list[DataCallDepartment], today: date | None) -> list[BoardRow]:
    """Board rows of ``asked`` (one query per distinct year of their calls, one for reminders)."""
    today = today or timezone.localdate()
    by_year: dict[int, set[int]] = defaultdict(set)
    for item in asked:
        by_year[item.call.year].add(item.call.plan_id)
    department_ids = {item.department_id for item in asked}
    counts: dict[tuple, CallCounts] = {}
    for year, plan_ids in by_year.items():
        plans = {item.call.plan_id: item.call.plan for item in asked if item.call.year == year}
        runs = Q(pk__in=[])
        for plan_id in plan_ids:
            runs |= Q(plan_id=plan_id) & _runs_in(plans[plan_id], year)
        kpis = Kpi.objects.filter(runs, department_id__in=department_ids)
        for (plan_id, department_id), found in _counts_by(kpis, year, "plan_id", "department_id").items():
            counts[(year, plan_id, department_id)] = found
    reminders = _last_reminders({item.call_id for item in asked}, department_ids)
    return [
        BoardRow(
            call=item.call,
            asked=item,
            counts=counts.get((item.call.year, item.call.plan_id, item.department_id), CallCounts()),
            deadline=Deadline(item.deadline, today),
            last_reminder=reminders.get((item.call_id, item.department_id)),
        )
        for item in asked
    ]


def call_board(call: DataCall, department_ids: Iterable[int], today: date | None = None) -> list[BoardRow]:
    """Every asked department of ``call`` among ``department_ids``, with its counts, deadline and
    last reminder: three queries whatever the number of departments and KPIs."""
    asked = list(
        call.departments.filter(department_id__in=list(department_ids))
        .select_related("department__municipality")
        .order_by("deadline", "department__municipality__code", "department__name")
    )
    for item in asked:
        item.call = call
    return _rows(asked, today)


def department_todo(user, today: date | None = None) -> list[BoardRow]:
    """The open calls that ask the login's own departments: the to-do on its staff home."""
    asked = list(
        DataCallDepartment.objects.filter(
            call__closed_at__isnull=True, department_id__in=access.department_ids_of(user)
        )
        .select_related("call__plan", "department__municipality")
        .order_by("deadline", "call__plan__slug", "department__name")
    )
    return _rows(asked, today)
