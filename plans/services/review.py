"""The review chain: what a department reports becomes official only when a planner approves it.

``report_changes`` writes a department's values as drafts (``ReportedActual``); nothing official
moves. ``approve`` writes the official ``Actual`` (the only value progress, tallies, reports and
public pages count) and the stored progress in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans import access
from plans.choices import ReviewState
from plans.models import Actual, ReportedActual, ReviewStep
from plans.services import progress

# The fields a reported value carries over to the official actual when approved.
VALUE_FIELDS = ("value", "raw", "status", "is_preliminary", "survey_year", "cumulative_to_year", "note")


class ConcurrentChange(Exception):
    """Someone else saved one of these values after it was read; nothing was saved."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            "ほかの人が先に保存した実績があるため、保存しませんでした（"
            + "、".join(names)
            + "）。最新の値を読み込み直してから入力してください。"
        )


def report_changes(user, changes) -> int:
    """Write a department's values as drafts in one transaction; refuse them all if any value was
    saved by someone else since it was read (``ReportedActual.version``).

    Queries do not grow with the number of changes: one locking read, one bulk insert, one bulk
    update (each with its history rows) and one insert of review steps.
    """
    if not changes:
        return 0
    with transaction.atomic():
        allowed = set(
            access.editable_kpis(user).filter(pk__in={c.kpi_id for c in changes}).values_list("pk", flat=True)
        )
        refused = [change.kpi_name for change in changes if change.kpi_id not in allowed]
        if refused:
            raise PermissionDenied("権限のないKPIが含まれています: " + "、".join(refused))
        current = {
            (reported.kpi_id, reported.year): reported
            for reported in ReportedActual.objects.select_for_update().filter(
                kpi_id__in={c.kpi_id for c in changes}, year__in={c.year for c in changes}
            )
        }
        stale = [
            change.kpi_name
            for change in changes
            if (current[(change.kpi_id, change.year)].version if (change.kpi_id, change.year) in current else 0)
            != change.version
        ]
        if stale:
            raise ConcurrentChange(stale)
        now = timezone.now()
        to_create, to_update = [], []
        for change in changes:
            fields = {
                "value": change.new_value,
                "raw": change.new_raw,
                "status": change.new_status,
                "is_preliminary": change.is_preliminary,
                "survey_year": change.survey_year,
                "cumulative_to_year": change.cumulative_to_year,
                "note": change.note,
                "warnings": list(getattr(change, "warnings", ()) or ()),
                "warnings_confirmed": bool(getattr(change, "warnings_confirmed", False)),
                "state": ReviewState.DRAFT,
                "updated_by": user,
            }
            reported = current.get((change.kpi_id, change.year))
            if reported is None:
                to_create.append(
                    ReportedActual(kpi_id=change.kpi_id, year=change.year, version=1, updated_at=now, **fields)
                )
            else:
                for name, value in fields.items():
                    setattr(reported, name, value)
                reported.version += 1
                reported.updated_at = now
                to_update.append(reported)
        if to_create:
            bulk_create_with_history(to_create, ReportedActual, batch_size=500, default_user=user, default_date=now)
        if to_update:
            bulk_update_with_history(
                to_update,
                ReportedActual,
                [*VALUE_FIELDS, "warnings", "warnings_confirmed", "state", "updated_by", "version", "updated_at"],
                batch_size=500,
                default_user=user,
                default_date=now,
            )
        saved = {
            (reported.kpi_id, reported.year): reported
            for reported in ReportedActual.objects.filter(
                kpi_id__in={c.kpi_id for c in changes}, year__in={c.year for c in changes}
            ).only("id", "kpi_id", "year", "raw")
        }
        ReviewStep.objects.bulk_create(
            [
                ReviewStep(reported=saved[(c.kpi_id, c.year)], state=ReviewState.DRAFT, raw=c.new_raw, by=user)
                for c in changes
            ]
        )
    return len(changes)


def approve(user, reported_ids, *, comment: str = "") -> int:
    """Approve reported values: each becomes the official actual of its KPI-year (created or
    updated, with history), and the stored progress follows, in one transaction."""
    with transaction.atomic():
        reported = list(
            ReportedActual.objects.select_for_update().filter(pk__in=list(reported_ids)).select_related("kpi__plan")
        )
        for plan in {item.kpi.plan for item in reported}:
            if not access.can_change_plan(user, plan):
                raise PermissionDenied("この計画の実績を承認する権限がありません。")
        official = {
            (actual.kpi_id, actual.year): actual
            for actual in Actual.objects.select_for_update().filter(
                kpi_id__in={item.kpi_id for item in reported}, year__in={item.year for item in reported}
            )
        }
        now = timezone.now()
        to_create, to_update = [], []
        for item in reported:
            fields = {name: getattr(item, name) for name in VALUE_FIELDS}
            actual = official.get((item.kpi_id, item.year))
            if actual is None:
                to_create.append(Actual(kpi_id=item.kpi_id, year=item.year, version=1, updated_at=now, **fields))
            else:
                for name, value in fields.items():
                    setattr(actual, name, value)
                actual.version += 1
                actual.updated_at = now
                to_update.append(actual)
            item.state = ReviewState.APPROVED
            item.reviewed_at = now
            item.reviewed_by = user
        if to_create:
            bulk_create_with_history(to_create, Actual, batch_size=500, default_user=user, default_date=now)
        if to_update:
            bulk_update_with_history(
                to_update, Actual, [*VALUE_FIELDS, "version", "updated_at"], batch_size=500, default_user=user
            )
        ReportedActual.objects.bulk_update(reported, ["state", "reviewed_at", "reviewed_by"], batch_size=500)
        ReviewStep.objects.bulk_create(
            [
                ReviewStep(reported=item, state=ReviewState.APPROVED, raw=item.raw, comment=comment, by=user)
                for item in reported
            ]
        )
        progress.recompute_kpis({item.kpi_id for item in reported})
    return len(reported)
