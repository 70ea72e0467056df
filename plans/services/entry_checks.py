"""The one check of what staff type for an actual, with the previous official value it is compared with.

``check_entry`` (the pure rule, ``plans.rules.entry_checks``) is imported from here by every door
an actual comes through: the entry page as staff type, the workbook preview, the admin's actual
form and the plan import. What the rule needs from the database is read here: the latest
official ``Actual`` with a value before the year, for many KPIs in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from plans.choices import SuccessorLink
from plans.models import Actual
from plans.rules.entry_checks import EntryCheck, check_entry, number_text, split_unit  # noqa: F401
from plans.rules.notation import format_era_year

CONTINUED = SuccessorLink.CONTINUED


@dataclass(frozen=True)
class PreviousValue:
    """The latest official value of a KPI before a year."""

    year: int
    value: Decimal

    def label(self, year: int) -> str:
        """How a message names it: 前年度, or its year when an earlier one (`R3年度`)."""
        return "前年度" if self.year == year - 1 else format_era_year(self.year)


def previous_values(kpis: Iterable, year: int) -> dict[int, PreviousValue]:
    """Each KPI's latest official value before ``year`` (one query; KPIs without one are left out).

    A KPI continued from an earlier plan (``predecessor_link`` continued) carries that plan's
    values: its own first year has the earlier KPI's last value before it.
    """
    kpis = list(kpis)
    earlier = {kpi.predecessor_id: kpi.pk for kpi in kpis if kpi.predecessor_id and kpi.predecessor_link == CONTINUED}
    found: dict[int, PreviousValue] = {}
    rows = (
        Actual.objects.filter(kpi_id__in={kpi.pk for kpi in kpis} | set(earlier), year__lt=year, value__isnull=False)
        .order_by("-year")
        .values_list("kpi_id", "year", "value")
    )
    for kpi_id, actual_year, value in rows:
        for owner in {kpi_id, earlier.get(kpi_id)} - {None}:
            found.setdefault(owner, PreviousValue(actual_year, value))
    return found


def previous_from_actuals(actuals: Iterable, year: int) -> PreviousValue | None:
    """The same from actuals already loaded (a prefetched ``kpi.actuals.all()``): no query."""
    earlier = [actual for actual in actuals if actual.year < year and actual.value is not None]
    latest = max(earlier, key=lambda actual: actual.year, default=None)
    return PreviousValue(latest.year, latest.value) if latest else None


def check_kpi_entry(kpi, year: int, text, *, status: str = "", previous: PreviousValue | None = None) -> EntryCheck:
    """``check_entry`` for a KPI and year: its unit, whether it is cumulative, its previous value."""
    return check_entry(
        text,
        kpi.unit,
        previous.value if previous else None,
        kpi.is_cumulative,
        status=status,
        previous_label=previous.label(year) if previous else "前年度",
    )
