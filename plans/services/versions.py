"""Versions of the public data, which the public pages' cache keys on, and the KPIs' search text.

Public data changes only when something official is written and its stored progress recomputed
(an approval, a publication, a revised target, an import): that recompute calls ``bump_plans``
in the same transaction, so a plan's ``data_version`` names its public data exactly and its
``data_changed_at`` is the page's Last-Modified. A page of one plan (plan, goal, KPI, downloads,
the API's plan document and files) keys on that plan's version alone: one small query.

Pages that span plans (home, prefectures, municipalities, search, the open-data catalogue, the
API's plan list) key on ``national_version``: one aggregate over the plans table (about 2,000
rows at national scale, a few milliseconds), read from the database rather than a counter in the
cache, so that it stays right when the cache is cleared, when it is a per-process locmem cache,
and when a plan is added or deleted (the count and the largest id change even without a bump).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from plans.models import Kpi, Plan
from plans.rules.text import SEARCH_TEXT_CHARS, search_key


def bump_plans(plan_ids: Iterable[int]) -> None:
    """Mark these plans' public data as changed (one UPDATE): a new version and changed-at now."""
    plan_ids = set(plan_ids)
    if plan_ids:
        Plan.objects.filter(pk__in=plan_ids).update(data_version=F("data_version") + 1, data_changed_at=timezone.now())


@dataclass(frozen=True)
class DataVersion:
    """What a cached public response is keyed on (``key``) and its Last-Modified (``changed_at``)."""

    key: str
    changed_at: datetime | None


def plan_version(slug: str) -> DataVersion | None:
    """The version of one plan's public data, by its slug (one query); None when there is no such
    plan (the page then answers 404 itself, uncached)."""
    row = Plan.objects.filter(slug=slug).values_list("pk", "data_version", "data_changed_at").first()
    if row is None:
        return None
    plan_id, version, changed_at = row
    return DataVersion(f"plan-{plan_id}-{version}", changed_at)


def national_version() -> DataVersion:
    """The version of every plan's public data at once (one aggregate query): it changes with any
    plan's version (their sum), with a plan added or deleted (their count and largest id)."""
    totals = Plan.objects.aggregate(
        count=Count("pk"), last_id=Max("pk"), versions=Sum("data_version"), changed_at=Max("data_changed_at")
    )
    return DataVersion(
        f"nation-{totals['count']}-{totals['last_id'] or 0}-{totals['versions'] or 0}", totals["changed_at"]
    )


def fill_search_text(kpis: Iterable[Kpi]) -> int:
    """Keep ``Kpi.search_text`` the search key of each KPI's name (``plans.rules.text.search_key``),
    writing only the KPIs whose key changed (one bulk UPDATE); returns how many changed. Call it
    wherever KPIs are created or renamed other than through ``bulk_create`` of ready rows."""
    changed = []
    for kpi in kpis:
        key = search_key(kpi.name)[:SEARCH_TEXT_CHARS]
        if kpi.search_text != key:
            kpi.search_text = key
            changed.append(kpi)
    if changed:
        Kpi.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)
