"""A KPI's stored progress as its screens read it: its stored years (``stored_series``), its
standing in one year (``stored_kpi_progress``), every stored year of a plan's KPIs
(``plan_stored_progress``), and what a year nothing is stored for says (``unstored_progress``).

Reads only: the rows ``plans.services.progress`` wrote, in one query each; no rule runs here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from plans import selectors
from plans.models import KpiYearProgress
from plans.rules import rating
from plans.rules.progress import KpiProgress, KpiValues, YearRow
from plans.services.progress import progress_from_row, unstored_progress


@dataclass(frozen=True)
class StoredYear:
    """One stored year of a KPI as its pages list it: the year's row (target, actual as written,
    mark), its rate, and the outlook and official rating stored with it."""

    row: YearRow
    rate: Decimal | None
    outlook: str
    official_label: str
    disagrees: bool


def stored_series(values: KpiValues, *, plan_id: int, public: bool = False) -> list[StoredYear]:
    """The years of a KPI's table, from its stored progress (``selectors.kpi_years_with_data``,
    one query): the public and the staff KPI pages list the same years, and no rule runs."""
    return [
        StoredYear(
            row=YearRow(
                year=row.year,
                target=rating.YearTarget(value=row.target, stated=row.target_stated),
                actual=row.actual,
                detail=values.actual_details.get(row.year),
                mark=row.mark,
            ),
            rate=row.rate,
            outlook=row.outlook,
            official_label=row.official_label,
            disagrees=row.disagrees,
        )
        for row in selectors.kpi_years_with_data(
            values.id, plan_id=plan_id, target_year=values.target_year, public=public
        )
    ]


def series_years(kpi: KpiValues) -> list[int]:
    """The years of a KPI's table (those of ``kpi_series``: the year after the baseline to the
    target year or last actual), and any actual at or before the baseline year; no rule runs."""
    years = [year for year in (kpi.baseline_year, kpi.target_year) if year is not None]
    years += list(kpi.actuals) + list(kpi.stated_targets)
    if not years:
        return []
    first = (kpi.baseline_year + 1) if kpi.baseline_year is not None else min(years)
    span = {year for year in range(min(first, *years), max(years) + 1) if year > (kpi.baseline_year or 0)}
    return sorted(span | set(kpi.actuals) | set(kpi.actual_details))


def plan_stored_progress(plan_id: int, *, public: bool = False) -> dict[int, dict[int, KpiYearProgress]]:
    """Every stored year of every KPI of a plan, by KPI id and year (one query)."""
    stored: dict[int, dict[int, KpiYearProgress]] = {}
    for row in selectors.plan_stored_rows(plan_id, public=public):
        stored.setdefault(row.kpi_id, {})[row.year] = row
    return stored


def stored_kpi_progress(kpi: KpiValues, *, plan_id: int, year: int, public: bool = False) -> KpiProgress:
    """One KPI's stored standing in ``year`` (one query); nothing to judge when none is stored."""
    row = selectors.stored_progress(plan_id, year=year, public=public).filter(kpi_id=kpi.id).first()
    return progress_from_row(kpi, row) if row else unstored_progress(kpi, year)
