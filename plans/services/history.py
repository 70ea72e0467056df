"""The edit history of a KPI's actuals (django-simple-history): who changed what, and when."""

from __future__ import annotations

from dataclasses import dataclass

from plans.models import Actual
from plans.services.actuals import STATUS_LABELS


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: str
    year: int
    what: str  # created / changed / deleted
    old: str
    new: str


def kpi_history(kpi_id: int) -> list[HistoryEntry]:
    """Every change to a KPI's actuals, newest first: who, when, old → new (two queries)."""
    records = list(
        Actual.history.filter(kpi_id=kpi_id)
        .select_related("history_user")
        .order_by("year", "history_date", "history_id")
    )
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        shown = record.raw or dict(STATUS_LABELS).get(record.status, record.status)
        old = "" if before is None else (before.raw or dict(STATUS_LABELS).get(before.status, before.status))
        kind = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
        if (
            kind == "changed"
            and before is not None
            and (before.raw, before.status, before.note) == (record.raw, record.status, record.note)
        ):
            previous[record.id] = record
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(record.history_user.get_username() if record.history_user else "（取り込み）"),
                year=record.year,
                what=kind,
                old=old,
                new="" if kind == "deleted" else shown,
            )
        )
        previous[record.id] = record
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
