"""The 小郡-style sheet of the report: each KPI of this plan beside what becomes of it in the next.

For a plan whose KPIs continue in a successor plan (``Kpi.predecessor``): each KPI's evaluation
in this plan (its actuals as written, the printed outlook, the computed one) beside its
successor (継続, 移動, 置換), or dropped (削除); the successor's new KPIs among them.
``succession_rows`` is pure; ``succession_sheet`` loads it in at most four queries (three when
the report passes the printed outlooks it has loaded).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from plans.models import Kpi, Plan
from plans.rules import notation, rating
from plans.rules.progress import KpiProgress
from plans.selectors.progress import goal_number_of
from staff.overview import PlanOverview
from staff.report.official import PrintedRating, printed_outlooks
from staff.report.text import actual_as_written


@dataclass(frozen=True)
class SuccessorKpi:
    """A KPI of the successor plan, as plain values."""

    id: int
    code: str
    name: str
    unit: str
    baseline_raw: str
    target_raw: str
    target_year: int | None
    department: str
    goal_number: int | None
    direction_code: str
    predecessor_id: int | None
    link: str  # continued / moved / replaced, or "" for a new KPI
    link_label: str  # as printed, e.g. 2(4)から移動
    baseline: Decimal | None = None  # the numbers behind the texts (the Excel keeps them numbers)
    target: Decimal | None = None

    @property
    def places(self) -> int | None:
        return notation.written_places([self.baseline_raw, self.target_raw])


@dataclass(frozen=True)
class PreviousKpi:
    """A KPI of this plan on the 小郡 sheet: its evaluation and what the sheet prints about it."""

    progress: KpiProgress
    baseline_raw: str
    target_raw: str
    actuals: tuple[tuple[int, str], ...]  # (year, as written) for each year of the sheet
    dropped: bool
    dropped_label: str
    # the latest outlook the plan printed (the sheet's 評価 (R6.4現在)), whatever its year
    official_label: str = ""
    official_disagrees: bool = False


@dataclass(frozen=True)
class SuccessionRow:
    goal_number: int | None
    direction_code: str
    previous: PreviousKpi | None
    following: SuccessorKpi | None
    status: str  # continued, moved, replaced, dropped, new

    @property
    def printed_label(self) -> str:
        if self.following is not None and self.following.link_label:
            return self.following.link_label
        if self.previous is not None and self.previous.dropped_label:
            return self.previous.dropped_label
        return ""


@dataclass(frozen=True)
class SuccessionSheet:
    plan_title: str
    successor_title: str
    successor_first_year: int
    successor_last_year: int
    years: list[int]
    rows: list[SuccessionRow]
    official_as_of: str = ""


def succession_rows(previous: Sequence[PreviousKpi], following: Sequence[SuccessorKpi]) -> list[SuccessionRow]:
    """Pure: the 小郡 sheet's rows, each KPI of this plan beside what it becomes in the next.

    A KPI followed by one or more successors (``Kpi.predecessor``) gives one row per successor
    (continued, moved, replaced); one without is dropped (printed 削除/削減, or silently). A
    successor KPI with no predecessor here is new: it goes after the last row of its direction
    (or goal), else at the end.
    """
    successors: dict[int, list[SuccessorKpi]] = {}
    new: list[SuccessorKpi] = []
    known = {item.progress.kpi.id for item in previous}
    for kpi in following:
        if kpi.predecessor_id in known:
            successors.setdefault(kpi.predecessor_id, []).append(kpi)
        else:
            new.append(kpi)
    rows: list[SuccessionRow] = []
    for item in previous:
        kpi = item.progress.kpi
        linked = successors.get(kpi.id, [])
        if not linked:
            rows.append(SuccessionRow(kpi.goal_number, kpi.direction_code, item, None, "dropped"))
        for successor in linked:
            rows.append(
                SuccessionRow(kpi.goal_number, kpi.direction_code, item, successor, successor.link or "continued")
            )
    for kpi in new:
        row = SuccessionRow(kpi.goal_number, kpi.direction_code, None, kpi, "new")
        position = None
        for index, existing in enumerate(rows):
            same_direction = kpi.direction_code and existing.direction_code == kpi.direction_code
            same_goal = (
                not kpi.direction_code and not existing.direction_code and existing.goal_number == kpi.goal_number
            )
            if same_direction or same_goal:
                position = index + 1
        if position is None:
            for index, existing in enumerate(rows):
                if existing.goal_number == kpi.goal_number:
                    position = index + 1
        if position is None:
            rows.append(row)
        else:
            rows.insert(position, row)
    return rows


def successor_plan_of(plan_id: int):
    """The plan whose KPIs continue this plan's (via ``Kpi.predecessor``), or None (one query)."""
    return (
        Plan.objects.filter(kpis__predecessor__plan_id=plan_id)
        .exclude(pk=plan_id)
        .distinct()
        .order_by("first_year", "id")
        .first()
    )


def succession_sheet(
    plan, overview: PlanOverview, raw_texts, printed: Mapping[int, Sequence[PrintedRating]] | None = None
) -> SuccessionSheet | None:
    """The 小郡 sheet for a plan with a successor (four queries, three with ``printed``, the
    plan's printed outlooks by KPI id; one when there is no successor)."""
    successor = successor_plan_of(plan.pk)
    if successor is None:
        return None
    drops = dict(
        (kpi_id, (dropped, label))
        for kpi_id, dropped, label in Kpi.objects.filter(plan_id=plan.pk).values_list(
            "id", "dropped_in_next_plan", "dropped_label"
        )
    )
    following = [
        SuccessorKpi(
            id=kpi.pk,
            code=kpi.code,
            name=kpi.name,
            unit=kpi.unit,
            baseline_raw=kpi.baseline_raw,
            target_raw=kpi.target_raw,
            target_year=kpi.target_year,
            department=kpi.department.name if kpi.department_id else "",
            goal_number=goal_number_of(kpi),
            direction_code=kpi.policy_direction.code if kpi.policy_direction_id else "",
            predecessor_id=kpi.predecessor_id,
            link=kpi.predecessor_link,
            link_label=kpi.predecessor_label,
            baseline=kpi.baseline_value,
            target=kpi.target_value,
        )
        for kpi in Kpi.objects.filter(plan=successor)
        .select_related("department", "goal", "policy_direction__goal")
        .order_by("order", "id")
    ]
    if printed is None:
        printed = printed_outlooks(plan.pk)
    latest = {kpi_id: max(ratings, key=lambda item: item.year) for kpi_id, ratings in printed.items() if ratings}
    sheet_years = [year for year in overview.years if plan.first_year <= year <= min(overview.year, plan.last_year)]
    previous = []
    for item in overview.kpis:
        baseline_raw, target_raw, _note = raw_texts.get(item.kpi.id, ("", "", ""))
        dropped, dropped_label = drops.get(item.kpi.id, (False, ""))
        official = latest[item.kpi.id].label if item.kpi.id in latest else ""
        previous.append(
            PreviousKpi(
                progress=item,
                baseline_raw=baseline_raw,
                target_raw=target_raw,
                actuals=tuple((year, actual_as_written(item.kpi, year)) for year in sheet_years),
                dropped=dropped,
                dropped_label=dropped_label,
                official_label=official,
                official_disagrees=rating.disagrees(
                    computed_outlook=item.outlook, official_label=official, scale=overview.scale
                ),
            )
        )
    as_of = {rating_printed.as_of for rating_printed in latest.values() if rating_printed.as_of}
    return SuccessionSheet(
        plan_title=plan.title,
        successor_title=successor.title,
        successor_first_year=successor.first_year,
        successor_last_year=successor.last_year,
        years=sheet_years,
        rows=succession_rows(previous, following),
        official_as_of=as_of.pop() if len(as_of) == 1 else "",
    )


# What the sheet calls each row's status.
STATUS_LABELS = {
    "continued": gettext_lazy("Continued"),
    "moved": gettext_lazy("Moved"),
    "replaced": gettext_lazy("Replaced"),
    "dropped": gettext_lazy("Dropped"),
    "new": gettext_lazy("New"),
}
