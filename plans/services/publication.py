"""Publishing a year's actuals of a plan: only published years appear in public pages and data.

Before publishing, the planner sees the year's completeness per department (``completeness``:
approved, pending — 集計中 or reported but not approved — and missing); publishing with gaps
needs an explicit confirmation (``publish_checked``). A published year is locked
(``review.locked_year_problem``) until a planner reopens it with a reason; publishing it again
closes the reopening. Each change bumps the plan's data version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from plans import access
from plans.choices import ActualStatus, ReviewState
from plans.models import Actual, Kpi, PublishedYear, ReportedActual, YearReopening
from plans.rules.years import format_era_year
from plans.services import progress, review


def published_years(plan_id: int) -> list[int]:
    return list(PublishedYear.objects.filter(plan_id=plan_id).order_by("year").values_list("year", flat=True))


def publish_year(plan, year: int, *, user=None) -> bool:
    """Publish ``year`` of ``plan``; True when it was not published before. The public progress
    of the plan follows in the same transaction."""
    if user is not None and not access.can_change_plan(user, plan):
        raise PermissionDenied("この計画の公表を変更する権限がありません。")
    with transaction.atomic():
        published, created = PublishedYear.objects.get_or_create(plan=plan, year=year, defaults={"published_by": user})
        if review.close_reopenings(plan.pk, year) and not created:
            # Published again after corrections: the public "last updated" is now.
            PublishedYear.objects.filter(pk=published.pk).update(published_at=timezone.now(), published_by=user)
        progress.recompute_plan(plan.pk)
    return created


def unpublish_year(plan, year: int, *, user=None) -> bool:
    if user is not None and not access.can_change_plan(user, plan):
        raise PermissionDenied("この計画の公表を変更する権限がありません。")
    with transaction.atomic():
        deleted, _details = PublishedYear.objects.filter(plan=plan, year=year).delete()
        review.close_reopenings(plan.pk, year)  # nothing published: nothing locked, nothing reopened
        progress.recompute_plan(plan.pk)
    return bool(deleted)


def publish_printed_years(plan) -> None:
    """A seed plan's years with actuals were published in print; publish them here too."""
    with transaction.atomic():
        for year in Actual.objects.filter(kpi__plan=plan).values_list("year", flat=True).distinct():
            PublishedYear.objects.get_or_create(plan=plan, year=year)
        progress.recompute_plan(plan.pk)


# --- completeness before publishing ---------------------------------------------------------------

APPROVED, PENDING, MISSING = "approved", "pending", "missing"


@dataclass(frozen=True)
class Gap:
    """A KPI whose value for the year is not official yet, and why (for the confirmation)."""

    code: str
    name: str
    reason: str  # 集計中 / 提出済み（未承認） / 下書き / 差し戻し中 / 未入力


@dataclass
class DepartmentCompleteness:
    """A department's KPIs of a plan in a year: how many are approved, pending and missing."""

    name: str
    approved: int = 0
    pending: int = 0
    missing: int = 0
    gaps: list[Gap] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.approved + self.pending + self.missing


@dataclass
class Completeness:
    year: int
    departments: list[DepartmentCompleteness]

    @property
    def approved(self) -> int:
        return sum(item.approved for item in self.departments)

    @property
    def total(self) -> int:
        return sum(item.total for item in self.departments)

    @property
    def gaps(self) -> list[tuple[str, Gap]]:
        return [(item.name, gap) for item in self.departments for gap in item.gaps]

    @property
    def complete(self) -> bool:
        return not self.gaps


REPORTED_REASONS = {
    ReviewState.DRAFT: "下書き（未提出）",
    ReviewState.SUBMITTED: "提出済み（未承認）",
    ReviewState.RETURNED: "差し戻し中",
}


def completeness(plan, year: int) -> Completeness:
    """Each department's KPIs of ``plan`` in ``year``: approved (an official actual with a value or
    未把握), pending (集計中, or a reported value not approved yet) or missing (3 queries)."""
    official = dict(Actual.objects.filter(kpi__plan=plan, year=year).values_list("kpi_id", "status"))
    reported = dict(
        ReportedActual.objects.filter(kpi__plan=plan, year=year)
        .exclude(state=ReviewState.APPROVED)
        .values_list("kpi_id", "state")
    )
    departments: dict[str, DepartmentCompleteness] = {}
    for kpi in Kpi.objects.filter(plan=plan).select_related("department").order_by("department__name", "order", "pk"):
        name = kpi.department.name if kpi.department_id else "担当課なし"
        item = departments.setdefault(name, DepartmentCompleteness(name))
        if kpi.pk in reported:
            item.pending += 1
            item.gaps.append(Gap(kpi.code, kpi.name, REPORTED_REASONS[reported[kpi.pk]]))
        elif official.get(kpi.pk) == ActualStatus.PENDING:
            item.pending += 1
            item.gaps.append(Gap(kpi.code, kpi.name, "集計中"))
        elif kpi.pk in official:
            item.approved += 1
        else:
            item.missing += 1
            item.gaps.append(Gap(kpi.code, kpi.name, "未入力"))
    return Completeness(year=year, departments=sorted(departments.values(), key=lambda item: item.name))


class GapsNotConfirmed(Exception):
    """Publishing a year with gaps needs the planner's explicit confirmation; nothing changed."""

    def __init__(self, found: Completeness):
        self.completeness = found
        super().__init__(
            f"{format_era_year(found.year)}は{found.total}件中{found.approved}件しか承認されていません。"
            "未承認・未入力のKPIを確認し、「このまま公表する」にチェックしてから公表してください。"
        )


def publish_checked(user, plan, year: int, *, gaps_confirmed: bool = False) -> Completeness:
    """Publish from the publication page: refused (``GapsNotConfirmed``) while the year has gaps
    the planner has not confirmed; returns the completeness it was published with."""
    if not access.can_change_plan(user, plan):
        raise PermissionDenied("この計画の公表を変更する権限がありません。")
    found = completeness(plan, year)
    if not found.complete and not gaps_confirmed:
        raise GapsNotConfirmed(found)
    publish_year(plan, year, user=user)
    return found


def open_reopenings(plan_ids) -> dict[tuple[int, int], YearReopening]:
    """The reopened years of plans, with their reason (one query)."""
    return {
        (item.plan_id, item.year): item
        for item in YearReopening.objects.filter(plan_id__in=list(plan_ids), closed_at__isnull=True).select_related(
            "reopened_by"
        )
    }


def publication_overview(user) -> list[tuple]:
    """For each plan the user may publish: every year with actuals or a publication, with how many
    actuals it has (measured and in all), when they last changed, its publication and its
    reopening; a year with reported values only is listed too, to be reviewed (5 queries)."""
    plans = list(
        access.led_plans(user).select_related("municipality").order_by("municipality__code", "first_year", "slug")
    )
    plan_ids = [plan.pk for plan in plans]
    counts = {
        (row["kpi__plan_id"], row["year"]): row
        for row in Actual.objects.filter(kpi__plan_id__in=plan_ids)
        .values("kpi__plan_id", "year")
        .annotate(
            total=Count("id"),
            measured=Count("id", filter=Q(status=ActualStatus.MEASURED)),
            updated=Max("updated_at"),
        )
        .order_by()
    }
    published = {
        (item.plan_id, item.year): item
        for item in PublishedYear.objects.filter(plan_id__in=plan_ids).select_related("published_by")
    }
    reopened = open_reopenings(plan_ids)
    reported_years = set(
        ReportedActual.objects.filter(kpi__plan_id__in=plan_ids).values_list("kpi__plan_id", "year").distinct()
    )
    overview = []
    for plan in plans:
        years = sorted({year for plan_id, year in (*counts, *published, *reported_years) if plan_id == plan.pk})
        overview.append(
            (
                plan,
                [
                    {
                        "year": year,
                        "total": counts.get((plan.pk, year), {}).get("total", 0),
                        "measured": counts.get((plan.pk, year), {}).get("measured", 0),
                        "updated": counts.get((plan.pk, year), {}).get("updated"),
                        "published": published.get((plan.pk, year)),
                        "reopened": reopened.get((plan.pk, year)),
                    }
                    for year in years
                ],
            )
        )
    return overview
