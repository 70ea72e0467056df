"""Publishing a year's actuals of a plan: only published years appear in public pages and data."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from . import access


def published_years(plan_id: int) -> list[int]:
    from plans.models import PublishedYear

    return list(PublishedYear.objects.filter(plan_id=plan_id).order_by("year").values_list("year", flat=True))


def publish_year(plan, year: int, *, user=None) -> bool:
    """Publish ``year`` of ``plan``; True when it was not published before."""
    from plans.models import PublishedYear

    if user is not None and not access.can_change_plan(user, plan):
        raise PermissionDenied("この計画の公表を変更する権限がありません。")
    _published, created = PublishedYear.objects.get_or_create(plan=plan, year=year, defaults={"published_by": user})
    return created


def unpublish_year(plan, year: int, *, user=None) -> bool:
    from plans.models import PublishedYear

    if user is not None and not access.can_change_plan(user, plan):
        raise PermissionDenied("この計画の公表を変更する権限がありません。")
    deleted, _details = PublishedYear.objects.filter(plan=plan, year=year).delete()
    return bool(deleted)


def publish_printed_years(plan) -> None:
    """A seed plan's years with actuals were published in print; publish them here too."""
    from plans.models import Actual

    for year in Actual.objects.filter(kpi__plan=plan).values_list("year", flat=True).distinct():
        publish_year(plan, year)
