"""Progress of a KPI, pure: plain values in (:class:`KpiValues`), its standing in a year out.

``evaluate_kpi`` applies the rules of ``plans.rules.rating`` to one KPI in one year: the year's
target (stated or interpolated), the rate, the mark, the outlook as of that year and the plan's
official rating beside it. ``plans.services.progress`` stores what it returns; screens read that.

A KPI whose baseline and target are totals over ``total_years`` years is judged on running totals
(``rating.total_standing``): its year's target is the final total prorated to the years elapsed,
and the rate and mark compare the running total with it; the stored actual stays the year's own.

A KPI whose target or baseline was revised (KPI見直し, ``TargetRevision``) is judged in each year on
the values in force that year (``in_force``): a year before a revision took effect keeps the
values the revision replaced, so a revision changes the marks of the years it covers and only those.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

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
class Revision:
    """A revision of a KPI's final target or baseline, as plain values: what it replaced and from
    which year the new value counts. ``field`` is ``TARGET`` or ``BASELINE``; ``old_year`` is the
    target year (or baseline year) before the revision."""

    field: str
    effective_from_year: int
    old_value: Decimal | None
    old_year: int | None


TARGET, BASELINE = "target", "baseline"  # the values of plans.choices.TargetField


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
    total_years: int | None = None  # the baseline and target are totals over this many years
    cumulative: bool = False  # the actuals are running totals (累計)
    baseline_year_assumed: bool = False  # no baseline year printed: the year before the plan starts
    places: int | None = None  # decimal places of the values as written (None: show as stored)
    revisions: tuple[Revision, ...] = ()  # target and baseline revisions (KPI見直し), as they were made
    target_follows_baseline: bool = False  # a maintain KPI with no written target targets its baseline

    @property
    def total_span(self) -> range | None:
        """The years a total target covers (None unless the KPI's values are totals)."""
        return rating.total_span(target_year=self.target_year, total_years=self.total_years)


def _replaced_by_later(revisions: Iterable[Revision], field_name: str, year: int) -> Revision | None:
    """The earliest revision of ``field_name`` that takes effect after ``year`` (its old values
    were in force in ``year``), or None when the KPI's current values were. Of two taking effect
    the same year, the one made first replaced the older version."""
    later = [revision for revision in revisions if revision.field == field_name and revision.effective_from_year > year]
    return min(later, key=lambda revision: revision.effective_from_year) if later else None


def in_force(kpi: KpiValues, year: int) -> KpiValues:
    """The KPI with the baseline and final target in force in ``year``.

    For each of the two, the earliest revision taking effect after ``year`` gives the value (and
    year) it replaced; with none, the KPI's current value counts. A maintain KPI written without a
    target (`維持`) targets the baseline in force. The result carries no revisions.
    """
    if not kpi.revisions:
        return kpi
    baseline_revision = _replaced_by_later(kpi.revisions, BASELINE, year)
    target_revision = _replaced_by_later(kpi.revisions, TARGET, year)
    baseline, baseline_year = kpi.baseline, kpi.baseline_year
    if baseline_revision is not None:
        baseline, baseline_year = baseline_revision.old_value, baseline_revision.old_year
    if target_revision is not None:
        target = rating.effective_target(direction=kpi.direction, baseline=baseline, target=target_revision.old_value)
        target_year = target_revision.old_year
    else:
        target = baseline if kpi.target_follows_baseline else kpi.target
        target_year = kpi.target_year
    return replace(
        kpi,
        baseline=baseline,
        baseline_year=baseline_year,
        target=target,
        target_year=target_year,
        revisions=(),
    )


class KpiProgress(NamedTuple):
    """A KPI's standing in one year: the year's target, actual, rate, mark, outlook, official rating.

    A named tuple (immutable; ``_replace`` makes a changed copy), not a frozen dataclass: a
    nation's recompute builds five million, and a frozen dataclass takes ten times as long."""

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
    """The year's target (with the values in force that year): stated or interpolated; for a
    total, the final total prorated to the year."""
    kpi = in_force(kpi, year)
    if kpi.total_years:
        standing = _total_standing(kpi, year, kpi.actuals)
        return YearTarget(standing.target, stated=standing.target is not None and year == kpi.target_year)
    return rating.year_target(
        year=year,
        baseline_year=kpi.baseline_year,
        baseline=kpi.baseline,
        target_year=kpi.target_year,
        target=kpi.target,
        stated=kpi.stated_targets,
    )


def _total_standing(kpi: KpiValues, year: int, actuals: Mapping[int, Decimal | None]) -> rating.TotalStanding:
    return rating.total_standing(
        year=year,
        baseline=kpi.baseline,
        target=kpi.target,
        target_year=kpi.target_year,
        total_years=kpi.total_years,
        actuals=actuals,
        stated=kpi.stated_targets,
        cumulative=kpi.cumulative,
    )


@dataclass(frozen=True)
class Judged:
    """What a year is judged on: the baseline, the year's target and the actual (for a total KPI,
    the prorated baseline and target and the running total)."""

    baseline: Decimal | None
    target: YearTarget
    actual: Decimal | None


def judged(kpi: KpiValues, year: int, actuals: Mapping[int, Decimal | None] | None = None) -> Judged:
    """The values ``year`` is judged on (those in force that year), with ``actuals`` (default: the
    KPI's own)."""
    kpi = in_force(kpi, year)
    actuals = kpi.actuals if actuals is None else actuals
    if kpi.total_years:
        standing = _total_standing(kpi, year, actuals)
        target = YearTarget(standing.target, stated=standing.target is not None and year == kpi.target_year)
        return Judged(standing.baseline, target, standing.running_total)
    return Judged(kpi.baseline, year_target_for(kpi, year), actuals.get(year))


def _mark(kpi: KpiValues, values: Judged) -> str:
    return rating.progress_mark(
        direction=kpi.direction,
        baseline=values.baseline,
        target=values.target.value,
        actual=values.actual,
        at_least=kpi.at_least,
    )


def mark_for_year(kpi: KpiValues, year: int) -> str:
    """The progress mark a KPI earns in ``year`` with the actual it has for that year."""
    return _mark(kpi, judged(kpi, year))


def mark_for_value(kpi: KpiValues, year: int, value: Decimal | None) -> str:
    """The mark a value would earn in ``year`` (the entry page and upload preview use this)."""
    return _mark(kpi, judged(kpi, year, {**kpi.actuals, year: value}))


def official_outlook_for(kpi: KpiValues, year: int) -> str:
    """The latest outlook the plan printed for the KPI up to ``year`` ("" when none)."""
    years = [printed_year for printed_year in kpi.official_outlooks if printed_year <= year]
    return kpi.official_outlooks[max(years)] if years else ""


def evaluate_kpi(kpi: KpiValues, *, year: int, scale: Iterable[ScaleLabel] = rating.DEFAULT_SCALE) -> KpiProgress:
    """Everything the rules say about one KPI in ``year`` (actuals after ``year`` are ignored; the
    target and baseline are those in force in ``year``)."""
    scale = tuple(scale)
    given, kpi = kpi, in_force(kpi, year)
    values = judged(kpi, year)
    known = {actual_year: value for actual_year, value in kpi.actuals.items() if actual_year <= year}
    if kpi.total_years:
        computed = rating.total_outlook(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=kpi.target,
            target_year=kpi.target_year,
            total_years=kpi.total_years,
            actuals=known,
            at_least=kpi.at_least,
            cumulative=kpi.cumulative,
        )
    else:
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
        kpi=given,
        year=year,
        year_target=values.target,
        actual=kpi.actuals.get(year),
        rate=rating.achievement_rate(
            baseline=values.baseline, target=values.target.value, actual=values.actual, direction=kpi.direction
        ),
        mark=_mark(kpi, values),
        outlook=computed,
        official_label=official,
        outlook_on_plan_scale=rating.to_plan_scale(computed, scale),
        disagrees=rating.disagrees(computed_outlook=computed, official_label=official, scale=scale),
    )


def evaluate_kpi_years(
    kpi: KpiValues, years: Iterable[int], scale: Iterable[ScaleLabel] = rating.DEFAULT_SCALE
) -> list[KpiProgress]:
    """``[evaluate_kpi(kpi, year=year, scale=scale) for year in years]``, equal field for field,
    with the years evaluated in one pass (recomputing a nation evaluates some five million).

    The years share what does not change between them: the measured actuals sorted once, the
    outlooks (a year's depends only on how many measured actuals precede it:
    ``rating.outlooks_as_actuals_accrue`` carries the least squares as running sums), the official
    outlooks sorted once and the plan's scale labels; the targets and the rates and marks come
    from one call each (``rating.year_targets``, ``rating.rates_and_marks``). A KPI with
    revisions or totals is judged on values that change from year to year: its years go through
    ``evaluate_kpi`` one by one.
    """
    scale = tuple(scale)
    if kpi.revisions or kpi.total_years:
        return [evaluate_kpi(kpi, year=year, scale=scale) for year in years]
    measured = _measured(kpi.actuals)
    return _in_one_pass(kpi, kpi.actuals, list(years), scale, measured, _outlooks(kpi, measured))


def evaluate_kpi_views(
    kpi: KpiValues,
    years: Iterable[int],
    scale: Iterable[ScaleLabel] = rating.DEFAULT_SCALE,
    *,
    published: Container[int],
) -> tuple[list[KpiProgress], list[KpiProgress]]:
    """The KPI's years as staff see them (every actual) and as citizens do (only the actuals of
    ``published`` years): ``evaluate_kpi_years(kpi, years, scale)`` and the same of the KPI with
    only its published actuals, equal field for field, except that every item's ``kpi`` is
    ``kpi`` as given.

    The two share their work. The rules ignore the actuals after the year they judge, so a year
    before the first unpublished actual is the staff's own item (the same object) for citizens;
    only the later years are judged again. Their outlooks are a prefix of the staff's when the
    unpublished measured actuals all come after the published ones (the usual case: the latest
    year is not published yet), since an outlook depends only on the measured actuals so far."""
    years, scale = list(years), tuple(scale)
    slow = bool(kpi.revisions or kpi.total_years)
    if slow:
        staff = [evaluate_kpi(kpi, year=year, scale=scale) for year in years]
    else:
        measured = _measured(kpi.actuals)
        outlooks = _outlooks(kpi, measured)
        staff = _in_one_pass(kpi, kpi.actuals, years, scale, measured, outlooks)
    hidden = [year for year in kpi.actuals if year not in published]
    if not hidden:
        return staff, staff
    first_hidden = min(hidden)
    visible = {year: value for year, value in kpi.actuals.items() if year in published}
    shared = [item for year, item in zip(years, staff, strict=True) if year < first_hidden]
    later = [year for year in years if year >= first_hidden]
    if slow:
        public_kpi = replace(kpi, actuals=visible)
        judged_again = [evaluate_kpi(public_kpi, year=year, scale=scale)._replace(kpi=kpi) for year in later]
        return staff, shared + judged_again
    public_measured = _measured(visible)
    if public_measured == measured[: len(public_measured)]:
        public_outlooks = outlooks[: len(public_measured) + 1]
    else:
        public_outlooks = _outlooks(kpi, public_measured)
    return staff, shared + _in_one_pass(kpi, visible, later, scale, public_measured, public_outlooks)


def _measured(actuals: Mapping[int, Decimal | None]) -> list[tuple[int, Decimal]]:
    """The measured actuals (not 集計中), sorted by year."""
    return sorted((year, value) for year, value in actuals.items() if value is not None)


def _outlooks(kpi: KpiValues, measured: list[tuple[int, Decimal]]) -> list[str]:
    """The outlook with none to all of ``measured`` known (``rating.outlooks_as_actuals_accrue``)."""
    return rating.outlooks_as_actuals_accrue(
        direction=kpi.direction,
        baseline_year=kpi.baseline_year,
        baseline=kpi.baseline,
        target_year=kpi.target_year,
        target=kpi.target,
        points=measured,
        at_least=kpi.at_least,
    )


def _in_one_pass(
    kpi: KpiValues,
    actuals: Mapping[int, Decimal | None],
    years: list[int],
    scale: tuple[ScaleLabel, ...],
    measured: list[tuple[int, Decimal]],
    outlooks: list[str],
) -> list[KpiProgress]:
    """``evaluate_kpi`` of a KPI without revisions or totals in each of ``years``, judged on
    ``actuals``, whose measured ones are ``measured`` and their outlooks ``outlooks``."""
    measured_years = [year for year, _ in measured]
    printed_years = sorted(kpi.official_outlooks)  # official_outlook_for: the latest printed so far
    printed = ["", *(kpi.official_outlooks[printed_year] for printed_year in printed_years)]
    targets = rating.year_targets(
        years=years,
        baseline_year=kpi.baseline_year,
        baseline=kpi.baseline,
        target_year=kpi.target_year,
        target=kpi.target,
        stated=kpi.stated_targets,
    )
    year_actuals = [actuals.get(year) for year in years]
    rated = rating.rates_and_marks(
        direction=kpi.direction,
        baseline=kpi.baseline,
        pairs=zip((target.value for target in targets), year_actuals, strict=True),
        at_least=kpi.at_least,
    )
    on_scale: dict[tuple[str, str], tuple[str, bool]] = {}
    evaluated = []
    for year, target, actual, (rate, mark) in zip(years, targets, year_actuals, rated, strict=True):
        computed = outlooks[bisect_right(measured_years, year)]
        official = printed[bisect_right(printed_years, year)]
        if (computed, official) not in on_scale:
            on_scale[computed, official] = (
                rating.to_plan_scale(computed, scale),
                rating.disagrees(computed_outlook=computed, official_label=official, scale=scale),
            )
        label, disagrees = on_scale[computed, official]
        evaluated.append(KpiProgress(kpi, year, target, actual, rate, mark, computed, official, label, disagrees))
    return evaluated


@dataclass(frozen=True)
class YearRow:
    """One year of a KPI's series: the year's target (stated or interpolated), actual and mark."""

    year: int
    target: YearTarget
    actual: Decimal | None
    detail: ActualDetail | None
    mark: str
    running_total: Decimal | None = None  # a total KPI's actuals added up since its span began


def kpi_series(kpi: KpiValues) -> list[YearRow]:
    """Every year from the baseline (or first actual) to the target year or last actual."""
    years = [year for year in (kpi.baseline_year, kpi.target_year) if year is not None]
    years += list(kpi.actuals) + list(kpi.stated_targets)
    if not years:
        return []
    first = (kpi.baseline_year + 1) if kpi.baseline_year is not None else min(years)
    rows = []
    for year in range(min(first, *years), max(years) + 1):
        if year <= (in_force(kpi, year).baseline_year or 0):
            continue
        values = judged(kpi, year)
        rows.append(
            YearRow(
                year=year,
                target=values.target,
                actual=kpi.actuals.get(year),
                detail=kpi.actual_details.get(year),
                mark=_mark(kpi, values),
                running_total=values.actual if kpi.total_years else None,
            )
        )
    return rows


def trend_line(kpi: KpiValues) -> list[tuple[int, Decimal]]:
    """The least-squares trend the outlook uses, from the baseline year to the target year.

    Empty for a total KPI: its single-year actuals are not on the scale of its totals."""
    if kpi.total_years:
        return []
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
