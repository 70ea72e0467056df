"""Versions of the public data, which the public pages' cache keys on, and the KPIs' search text.

Public data changes only when something official is written and its stored progress recomputed
(an approval, a publication, a revised target, an import): that recompute calls ``bump_plans``
in the same transaction, so a plan's ``data_version`` names its public data exactly and its
``data_changed_at`` is the page's Last-Modified. A page of one plan (plan, goal, KPI, downloads,
the API's plan document and files) keys on that plan's version alone.

Pages that span plans (home, prefectures, municipalities, search, the open-data catalogue, the
API's plan list) key on ``national_version``: an aggregate over the plans table that changes with
any plan's version (their sum) and with a plan added or deleted (their count and largest id).

Both are kept in the shared cache too, so that a cached page is answered without a database query
(``public.fastpath``). Each kept version is tagged with the cache's *epoch*, a counter that every
bump (and every plan saved or deleted) moves twice: at once, so that the rest of the writing
transaction reads the database, and again when it commits, so that a version read by another
request before the commit is no longer believed. A version whose tag is not the current epoch is
read again from the database (one query) and kept. Bumps are rare (publications, approvals), so
forgetting every plan's version at each costs little, and no race can keep a stale version: a
reader reads the epoch before the database. A cleared or per-process cache only costs a query.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from plans.models import Kpi, Plan
from plans.rules.text import SEARCH_TEXT_CHARS, search_key

# Kept versions expire after this long even without a bump: bounds what the epoch cannot see (an
# epoch lost from a full cache, two bumps moving it at the same instant on a cache without atomic
# increments, such as the database cache).
VERSION_SECONDS = 300
EPOCH_KEY = "version:epoch"
NATIONAL_VERSION_KEY = "version:nation"


@dataclass(frozen=True)
class DataVersion:
    """What a cached public response is keyed on (``key``) and its Last-Modified (``changed_at``)."""

    key: str
    changed_at: datetime | None


def plan_version_key(slug: str) -> str:
    """The cache key under which a plan's current version is kept (with its epoch)."""
    return f"version:plan:{slug}"


def bump_plans(plan_ids: Iterable[int]) -> None:
    """Mark these plans' public data as changed (one UPDATE): a new version and changed-at now;
    the kept versions are forgotten now and again when the transaction commits."""
    plan_ids = set(plan_ids)
    if plan_ids:
        Plan.objects.filter(pk__in=plan_ids).update(data_version=F("data_version") + 1, data_changed_at=timezone.now())
        forget_versions()


def forget_versions() -> None:
    """Stop believing every kept version, now and once the current transaction commits."""
    _next_epoch()
    transaction.on_commit(_next_epoch)


def _next_epoch() -> None:
    try:
        cache.incr(EPOCH_KEY)
    except ValueError:  # none yet, or evicted: a new one, unlike any before it
        cache.add(EPOCH_KEY, time.time_ns(), None)


def _current_epoch(held: int | None) -> int:
    if held is not None:
        return held
    cache.add(EPOCH_KEY, time.time_ns(), None)
    return cache.get(EPOCH_KEY)


def _plan_saved_or_deleted(sender, **kwargs) -> None:
    """A plan added, renamed or deleted moves the nation's version (and its own slug's)."""
    forget_versions()


post_save.connect(_plan_saved_or_deleted, sender=Plan, dispatch_uid="versions-plan-saved")
post_delete.connect(_plan_saved_or_deleted, sender=Plan, dispatch_uid="versions-plan-deleted")


def current_version(held: dict, key: str) -> DataVersion | None:
    """The version kept under ``key`` in ``held`` (from ``cache.get_many([EPOCH_KEY, key, …])``)
    if it is of the current epoch, else None (it has to be read from the database)."""
    epoch = held.get(EPOCH_KEY)
    kept = held.get(key)
    if epoch is None or kept is None or kept[0] != epoch:
        return None
    return kept[1]


def _kept_or_read(key: str, read) -> DataVersion | None:
    held = cache.get_many([EPOCH_KEY, key])
    version = current_version(held, key)
    if version is None:
        epoch = _current_epoch(held.get(EPOCH_KEY))  # read before the database: see the docstring
        version = read()
        if version is not None:
            cache.set(key, (epoch, version), VERSION_SECONDS)
    return version


def plan_version(slug: str) -> DataVersion | None:
    """The version of one plan's public data, by its slug: as kept, else one query (then kept);
    None when there is no such plan (the page then answers 404 itself, uncached)."""

    def read() -> DataVersion | None:
        row = Plan.objects.filter(slug=slug).values_list("pk", "data_version", "data_changed_at").first()
        if row is None:
            return None
        plan_id, version, changed_at = row
        return DataVersion(f"plan-{plan_id}-{version}", changed_at)

    return _kept_or_read(plan_version_key(slug), read)


def national_version() -> DataVersion:
    """The version of every plan's public data at once: as kept, else one aggregate (then kept)."""
    return _kept_or_read(NATIONAL_VERSION_KEY, _national_version_from_database)


def _national_version_from_database() -> DataVersion:
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
