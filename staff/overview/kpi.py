"""One KPI's dashboard: its standing in the year and its whole series with rates and printed marks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from plans import selectors
from plans.models import Kpi
from plans.rules import rating
from plans.services.progress import (
    KpiProgress,
    KpiValues,
    YearRow,
    evaluate_kpi,
    kpi_series,
    kpi_values,
    plan_scale,
    trend_line,
)
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
    year: int,
    scale: Sequence[rating.ScaleLabel],
    printed_marks: Mapping[int, str],
    years: Sequence[int],
    baseline_raw: str = "",
    target_raw: str = "",
    has_lineage: bool = False,
) -> KpiDetail:
    """Pure: a KPI's standing in ``year`` and its whole series with rates and printed marks."""
    rows = [
        SeriesRow(
            row=row,
            rate=rating.achievement_rate(baseline=kpi.baseline, target=row.target.value, actual=row.actual),
            printed_mark=printed_marks.get(row.year, ""),
        )
        for row in kpi_series(kpi)
    ]
    return KpiDetail(
        progress=evaluate_kpi(kpi, year=year, scale=scale),
        series=rows,
        trend=trend_line(kpi),
        years=list(years),
        baseline_raw=baseline_raw,
        target_raw=target_raw,
        has_lineage=has_lineage,
    )


def kpi_detail(plan, kpi_id: int, year: int | None = None) -> KpiDetail | None:
    """One KPI of ``plan`` for its dashboard page; None when the plan has no such KPI.

    Queries: the measured years, the KPI (with its attachments), its yearly targets, actuals and
    ratings, the plan's scale, and whether it continues across plans: seven.
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
        year=year,
        scale=plan_scale(plan.pk),
        printed_marks=printed,
        years=options,
        baseline_raw=kpi.baseline_raw,
        target_raw=kpi.target_raw,
        has_lineage=has_lineage,
    )
