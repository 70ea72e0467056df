"""Publishing a year's actuals of a plan: only published years appear in public pages and data."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q

from plans import access
from plans.choices import ActualStatus
from plans.models import Actual, PublishedYear
from plans.services import progress


def published_years(plan_id: int) -> list[int]:
    return list(PublishedYear.objects.filter(plan_id=plan_id).order_by("year").values_list("year", flat=True))


def publish_year(plan, year: int, *, user=None) -> bool:
    """Publish ``year`` of ``plan``; True when it was not published before. The public progress
    of the plan follows in the same transaction."""
    if user is not None and not access.can_change_plan(user, plan):
        raise PermissionDenied("この計画の公表を変更する権限がありません。")
    with transaction.atomic():
        _published, created = PublishedYear.objects.get_or_create(plan=plan, year=year, defaults={"published_by": user})
        progress.recompute_plan(plan.pk)
    return created


def unpublish_year(plan, year: int, *, user=None) -> bool:
    if user is not None and not access.can_change_plan(user, plan):
        raise PermissionDenied("この計画の公表を変更する権限がありません。")
    with transaction.atomic():
        deleted, _details = PublishedYear.objects.filter(plan=plan, year=year).delete()
        progress.recompute_plan(plan.pk)
    return bool(deleted)


def publish_printed_years(plan) -> None:
    """A seed plan's years with actuals were published in print; publish them here too."""
    with transaction.atomic():
        for year in Actual.objects.filter(kpi__plan=plan).values_list("year", flat=True).distinct():
            PublishedYear.objects.get_or_create(plan=plan, year=year)
        progress.recompute_plan(plan.pk)


def publication_overview(user) -> list[tuple]:
    """For each plan the user may publish: every year with actuals or a publication, with how many
    actuals it has (measured and in all), when they last changed, and its publication (3 queries)."""
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
    overview = []
    for plan in plans:
        years = sorted({year for plan_id, year in (*counts, *published) if plan_id == plan.pk})
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
                    }
                    for year in years
                ],
            )
        )
    return overview
