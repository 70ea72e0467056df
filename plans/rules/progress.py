"""Progress of a KPI, pure: plain values in (:class:`KpiValues`), its standing in a year out.

``evaluate_kpi`` applies the rules of ``plans.rules.rating`` to one KPI in one year: the year's
target (stated or interpolated), the rate, the mark, the outlook as of that year and the plan's
official rating beside it. ``plans.services.progress`` stores what it returns; screens read that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from plans.rules import rating
from plans.rules.rating import ScaleLabel, YearTarget
from plans.rules.tallies import tally


@dataclass(frozen=True)
class ActualDetail:
    """An actual as entered: its raw text, status and annotations."""

    raw: str = ""
    status: str = "measured"
    preliminary: bool = False
    note: str = ""


@dataclass(frozen=True)
class KpiValues:
    """What the rules need to know about one KPI, as plain values."""

    id: int
    code: str
    name: str
    unit: str = ""
    direction: str = rating.INCREASE
    level: str = "plan"
    goal_number: int | None = None
    direction_code: str = ""
    baseline_year: int | None = None
    baseline: Decimal | None = None
    target_year: int | None = None
    target: Decimal | None = None
    at_least: bool = False
    fiscal: bool = True
    stated_targets: Mapping[int, Decimal | None] = field(default_factory=dict)
    actuals: Mapping[int, Decimal | None] = field(default_factory=dict)
    official_outlooks: Mapping[int, str] = field(default_factory=dict)
    department: str = ""
    actual_details: Mapping[int, ActualDetail] = field(default_factory=dict)


@dataclass(frozen=True)
class KpiProgress:
    """A KPI's standing in one year: the year's target, actual, rate, mark, outlook, official rating."""

    kpi: KpiValues
    year: int
    year_target: YearTarget
    actual: Decimal | None
    rate: Decimal | None
    mark: str
    outlook: str
    official_label: str
    outlook_on_plan_scale: str
    disagrees: bool


def year_target_for(kpi: KpiValues, year: int) -> YearTarget:
    return rating.year_target(
        year=year,
        baseline_year=kpi.baseline_year,
        baseline=kpi.baseline,
        target_year=kpi.target_year,
        target=kpi.target,
        stated=kpi.stated_targets,
    )


def mark_for_year(kpi: KpiValues, year: int) -> str:
    """The progress mark a KPI earns in ``year`` with the actual it has for that year."""
    return rating.progress_mark(
        direction=kpi.direction,
        baseline=kpi.baseline,
        target=year_target_for(kpi, year).value,
        actual=kpi.actuals.get(year),
        at_least=kpi.at_least,
    )


def mark_for_value(kpi: KpiValues, year: int, value: Decimal | None) -> str:
    """The mark a value would earn in ``year`` (the entry page and upload preview use this)."""
    return rating.progress_mark(
        direction=kpi.direction,
        baseline=kpi.baseline,
        target=year_target_for(kpi, year).value,
        actual=value,
        at_least=kpi.at_least,
    )


def official_outlook_for(kpi: KpiValues, year: int) -> str:
    """The latest outlook the plan printed for the KPI up to ``year`` ("" when none)."""
    years = [printed_year for printed_year in kpi.official_outlooks if printed_year <= year]
    return kpi.official_outlooks[max(years)] if years else ""


def evaluate_kpi(kpi: KpiValues, *, year: int, scale: Iterable[ScaleLabel] = rating.DEFAULT_SCALE) -> KpiProgress:
    """Everything the rules say about one KPI in ``year`` (actuals after ``year`` are ignored)."""
    scale = tuple(scale)
    target = year_target_for(kpi, year)
    actual = kpi.actuals.get(year)
    known = {actual_year: value for actual_year, value in kpi.actuals.items() if actual_year <= year}
    computed = rating.outlook(
        direction=kpi.direction,
        baseline_year=kpi.baseline_year,
        baseline=kpi.baseline,
        target_year=kpi.target_year,
        target=kpi.target,
        actuals=known,
        at_least=kpi.at_least,
    )
    official = official_outlook_for(kpi, year)
    return KpiProgress(
        kpi=kpi,
        year=year,
        year_target=target,
        actual=actual,
        rate=rating.achievement_rate(baseline=kpi.baseline, target=target.value, actual=actual),
        mark=rating.progress_mark(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=target.value,
            actual=actual,
            at_least=kpi.at_least,
        ),
        outlook=computed,
        official_label=official,
        outlook_on_plan_scale=rating.to_plan_scale(computed, scale),
        disagrees=rating.disagrees(computed_outlook=computed, official_label=official, scale=scale),
    )


@dataclass(frozen=True)
class YearRow:
    """One year of a KPI's series: the year's target (stated or interpolated), actual and mark."""

    year: int
    target: YearTarget
    actual: Decimal | None
    detail: ActualDetail | None
    mark: str


def kpi_series(kpi: KpiValues) -> list[YearRow]:
    """Every year from the baseline (or first actual) to the target year or last actual."""
    years = [year for year in (kpi.baseline_year, kpi.target_year) if year is not None]
    years += list(kpi.actuals) + list(kpi.stated_targets)
    if not years:
        return []
    first = (kpi.baseline_year + 1) if kpi.baseline_year is not None else min(years)
    return [
        YearRow(
            year=year,
            target=year_target_for(kpi, year),
            actual=kpi.actuals.get(year),
            detail=kpi.actual_details.get(year),
            mark=mark_for_year(kpi, year),
        )
        for year in range(min(first, *years), max(years) + 1)
        if year > (kpi.baseline_year or 0)
    ]


def trend_line(kpi: KpiValues) -> list[tuple[int, Decimal]]:
    """The least-squares trend the outlook uses, from the baseline year to the target year."""
    points = sorted((year, value) for year, value in kpi.actuals.items() if value is not None)
    if kpi.baseline is not None and kpi.baseline_year is not None:
        points = [(kpi.baseline_year, kpi.baseline), *points]
    if len(points) < 2 or kpi.target_year is None:
        return []
    start = points[0][0]
    end = max(kpi.target_year, points[-1][0])
    return [(year, rating.projected_value(points=points, year=year)) for year in (start, end)]


def default_year(*, measured_years: Iterable[int], report_year: int | None, first_year: int) -> int:
    """The year a screen shows first: the latest with a measured actual, else the year reported on."""
    years = list(measured_years)
    if years:
        return max(years)
    return report_year or first_year


def tallies_by_goal(progress: Iterable[KpiProgress], goals: Iterable[tuple[int, str, list[tuple[str, str]]]]):
    """Pure: tally KPI progress per goal (its numerical targets) and per direction."""
    by_goal: dict[int, list[KpiProgress]] = {}
    by_direction: dict[str, list[KpiProgress]] = {}
    for item in progress:
        if item.kpi.direction_code:
            by_direction.setdefault(item.kpi.direction_code, []).append(item)
        elif item.kpi.goal_number is not None:
            by_goal.setdefault(item.kpi.goal_number, []).append(item)
    result = []
    for number, title, directions in goals:
        result.append(
            (
                number,
                title,
                tally((item.mark, item.outlook) for item in by_goal.get(number, [])),
                [
                    (code, direction_title, tally((item.mark, item.outlook) for item in by_direction.get(code, [])))
                    for code, direction_title in directions
                ],
            )
        )
    return result
