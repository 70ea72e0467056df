"""One KPI's dashboard: its stored standing in the year and its stored years with rates and printed marks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from plans import selectors
from plans.models import Kpi
from plans.rules.progress import KpiProgress, KpiValues, YearRow, trend_line
from plans.selectors.progress import StoredYear, kpi_values, stored_kpi_progress, stored_series
from staff.crossplan import SAME_INDICATOR
from staff.overview.plan import choose_year, plan_years


@dataclass(frozen=True)
class SeriesRow:
    """One year of a KPI's chart table: the year's target, the actual as written, rate, mark."""

    row: YearRow
    rate: Decimal | None
    printed_mark: str = ""


@dataclass(frozen=True)
class KpiDetail:
    progress: KpiProgress
    series: list[SeriesRow]
    trend: list[tuple[int, Decimal]]
    years: list[int]
    baseline_raw: str = ""
    target_raw: str = ""
    has_lineage: bool = False


def build_kpi_detail(
    kpi: KpiValues,
    *,
    progress: KpiProgress,
    stored: Sequence[StoredYear],
    printed_marks: Mapping[int, str],
    years: Sequence[int],
    baseline_raw: str = "",
    target_raw: str = "",
    has_lineage: bool = False,
) -> KpiDetail:
    """Pure: a KPI's stored standing in the year (``progress``) and its stored years with data
    (``stored``: the years its public page lists too), each with the mark the plan printed."""
    rows = [
        SeriesRow(row=item.row, rate=item.rate, printed_mark=printed_marks.get(item.row.year, "")) for item in stored
    ]
    return KpiDetail(
        progress=progress,
        series=rows,
        trend=trend_line(kpi),
        years=list(years),
        baseline_raw=baseline_raw,
        target_raw=target_raw,
        has_lineage=has_lineage,
    )


def kpi_detail(plan, kpi_id: int, year: int | None = None) -> KpiDetail | None:
    """One KPI of ``plan`` for its dashboard page, from its stored progress (staff view); None
    when the plan has no such KPI.

    Queries: the measured years, the KPI (with its attachments), its yearly targets, actuals and
    ratings, whether it continues across plans, its stored row of the year and its stored years
    with data: eight.
    """
    options, default = plan_years(plan)
    year = choose_year(year, options, default=default)
    kpi = selectors.kpis_with_values(plan.pk).filter(pk=kpi_id).first()
    if kpi is None:
        return None
    values = kpi_values(kpi)
    printed = {official.year: official.label for official in kpi.official_ratings.all() if official.kind == "mark"}
    continues = kpi.predecessor_id is not None and kpi.predecessor_link in SAME_INDICATOR
    has_lineage = continues or Kpi.objects.filter(predecessor_id=kpi.pk, predecessor_link__in=SAME_INDICATOR).exists()
    return build_kpi_detail(
        values,
        progress=stored_kpi_progress(values, plan_id=plan.pk, year=year),
        stored=stored_series(values, plan_id=plan.pk),
        printed_marks=printed,
        years=options,
        baseline_raw=kpi.baseline_raw,
        target_raw=kpi.target_raw,
        has_lineage=has_lineage,
    )
