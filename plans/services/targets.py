"""Revising a KPI's final target or baseline (KPI見直し): every version kept, marks per year.

A planner of the plan (``access.can_change_plan``) revises a KPI's target or baseline with a
date and a reason, both required. The new value is read in the KPI's own unit as every door reads
values (``plans.rules.entry_checks.check_entry``: `781,000人` for a 千人 KPI is 781, `150%` for a
人 KPI is refused). In one transaction ``revise_target``:

1. keeps the version it replaces in a ``TargetRevision`` (value, text and year before and after,
   the year from which the new value counts, who, when, why);
2. writes the new value on the KPI (the KPI row always holds the version in force now);
3. recomputes the KPI's stored progress: the rules judge each year on the values in force that
   year (``plans.rules.progress.in_force``), so only the years from ``effective_from_year`` on
   move;
4. bumps the plan's data version (public pages and caches follow).

Every refusal is ``RevisionRefused`` with a message in Japanese.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from plans import access
from plans.choices import TargetField
from plans.models import Kpi, TargetRevision
from plans.rules.entry_checks import check_entry
from plans.rules.notation import format_year
from plans.rules.years import MAX_YEAR, MIN_YEAR
from plans.services import progress

REASON_CHARS = 2000  # a reason is a paragraph (the column allows more)

# The KPI's columns each revised field writes: value, text as written, year.
COLUMNS = {
    TargetField.TARGET: ("target_value", "target_raw", "target_year"),
    TargetField.BASELINE: ("baseline_value", "baseline_raw", "baseline_year"),
}


class RevisionRefused(PermissionDenied):
    """A revision the rules refuse; ``messages`` are for the planner (Japanese), one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ReadValue:
    """The new value read in the KPI's unit, and the text kept for it."""

    value: object
    raw: str
    conversion: str


def read_new_value(kpi: Kpi, text: str) -> ReadValue:
    """The new target or baseline read in the KPI's unit; a value is required (a target in words
    cannot be judged against)."""
    checked = check_entry(text, kpi.unit)
    if checked.errors:
        raise RevisionRefused(checked.errors)
    if checked.value is None:
        raise RevisionRefused(["新しい値を数値で入力してください（例: 1,200人）。"])
    return ReadValue(checked.value, checked.raw.strip(), checked.conversion)


def _problems(user, kpi: Kpi, field: str, effective_from_year, revised_on, reason: str, new_year) -> list[str]:
    problems = []
    if not access.can_change_plan(user, kpi.plan):
        raise RevisionRefused(["このKPIの目標を見直す権限がありません（この計画の企画担当のみ）。"])
    if field not in COLUMNS:
        problems.append("見直す項目は「目標値」か「基準値」を選んでください。")
    if not reason.strip():
        problems.append("見直しの理由を入力してください。")
    elif len(reason) > REASON_CHARS:
        problems.append(f"見直しの理由は{REASON_CHARS:,}字以内で入力してください。")
    if not isinstance(revised_on, datetime.date):
        problems.append("見直しの日付を入力してください。")
    for label, year in (("適用開始年度", effective_from_year), ("新しい年度", new_year)):
        if year is None and label == "新しい年度":
            continue
        if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
            problems.append(f"{label}は{MIN_YEAR}〜{MAX_YEAR}年の範囲で入力してください。")
    latest = _latest_effective_year(kpi, field)
    if latest is not None and isinstance(effective_from_year, int) and effective_from_year < latest:
        # Each revision replaces the version in force before it: an earlier start would cut into
        # the years a later version already covers, and the history would no longer be a chain.
        problems.append(f"適用開始年度は、前回の見直し（{format_year(latest)}から）より前にはできません。")
    return problems


def _latest_effective_year(kpi: Kpi, field: str) -> int | None:
    revisions = TargetRevision.objects.filter(kpi_id=kpi.pk, field=field).order_by("-effective_from_year")
    return revisions.values_list("effective_from_year", flat=True).first()


def revise_target(
    user,
    kpi: Kpi,
    field: str,
    new_text: str,
    effective_from_year: int,
    revised_on: datetime.date,
    reason: str,
    *,
    new_year: int | None = None,
) -> TargetRevision:
    """Revise ``kpi``'s final target (``field`` "target") or baseline ("baseline") to ``new_text``
    from ``effective_from_year`` on; ``new_year`` moves the target (or baseline) year, default
    unchanged. Returns the revision kept; refuses with ``RevisionRefused``."""
    problems = _problems(user, kpi, field, effective_from_year, revised_on, reason or "", new_year)
    try:
        read = read_new_value(kpi, new_text or "")
    except RevisionRefused as refused:
        problems += refused.messages
    if problems:
        raise RevisionRefused(problems)
    value_column, raw_column, year_column = COLUMNS[field]
    with transaction.atomic():
        locked = Kpi.objects.select_for_update().get(pk=kpi.pk)
        old_year = getattr(locked, year_column)
        revision = TargetRevision.objects.create(
            kpi=locked,
            field=field,
            effective_from_year=effective_from_year,
            revised_on=revised_on,
            reason=reason.strip(),
            old_value=getattr(locked, value_column),
            old_raw=getattr(locked, raw_column),
            old_year=old_year,
            new_value=read.value,
            new_raw=read.raw,
            new_year=new_year if new_year is not None else old_year,
            revised_by=user,
        )
        setattr(locked, value_column, read.value)
        setattr(locked, raw_column, read.raw)
        setattr(locked, year_column, revision.new_year)
        locked.save(update_fields=[value_column, raw_column, year_column])
        progress.recompute_kpis([locked.pk])
    return revision
