"""What the public pages say about plans, goals and KPIs: summaries of their stored progress.

The core is pure (``KpiValues``, the stored standing — ``KpiProgress`` from stored rows,
``StoredYear`` — and ``Tally`` in, frozen dataclasses out): every mark, rate and outlook is the one
``plans.services.progress`` stored; no rule runs here.
``plans_overview`` is the thin wrapper of the home page: every plan, its latest published year
and its tally, in a fixed number of queries whatever the number of plans and KPIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from plans.choices import TallyScope
from plans.models import Plan, ProgressTally, ProgressView
from plans.rules import rating
from plans.rules.progress import KpiProgress, KpiValues, YearRow
from plans.rules.rating import ScaleLabel
from plans.rules.tallies import Tally, tally
from plans.rules.years import format_era_year, format_year
from plans.selectors.base import stored_rows
from plans.selectors.progress import StoredYear
from plans.selectors.review import DataDate, data_dates

# --- one KPI, from its stored progress ---------------------------------------------------------


@dataclass(frozen=True)
class KpiSummary:
    """A KPI as a citizen reads it: the latest actual and its mark, the computed outlook, and the
    plan's own latest printed rating beside it."""

    kpi: KpiValues
    latest: YearRow | None
    latest_rate: Decimal | None
    outlook: str
    outlook_on_plan_scale: str
    official_label: str
    official_year: int | None
    disagrees: bool


@dataclass(frozen=True)
class YearLine:
    """One row of a KPI's table: the year's target, actual, achievement rate and mark."""

    row: YearRow
    rate: Decimal | None
    official_label: str


@dataclass(frozen=True)
class KpiCard:
    """A KPI on a goal or plan page in the year the page shows: the stored mark and outlook of
    that year (what the page's tally counts) and the latest stored actual up to that year (whose
    actuals that outlook was computed from)."""

    kpi: KpiValues
    year: int
    mark: str
    outlook: str
    official_label: str
    official_year: int | None
    disagrees: bool
    latest: YearRow | None

    @property
    def latest_is_earlier(self) -> bool:
        return self.latest is not None and self.latest.year != self.year


def kpi_card(item: KpiProgress, latest=None) -> KpiCard:
    """The card of ``item`` (a KPI's stored standing in a year); ``latest`` is its latest stored
    row with an actual up to that year (``selectors.latest_stored_actuals``), if it has one."""
    kpi = item.kpi
    row = (
        YearRow(
            year=latest.year,
            target=rating.YearTarget(value=None, stated=False),
            actual=latest.actual,
            detail=kpi.actual_details.get(latest.year),
            mark=latest.mark,
        )
        if latest is not None
        else None  # no stored year with an actual up to the year: nothing measured to show
    )
    # The plan's own latest printed rating (小郡 rates "as of R6.4", after the last actual's year),
    # shown beside the computed outlook with its year; it is not counted in any tally.
    official_year = max(kpi.official_outlooks, default=None)
    return KpiCard(
        kpi=kpi,
        year=item.year,
        mark=item.mark,
        outlook=item.outlook,
        official_label=kpi.official_outlooks[official_year] if official_year is not None else "",
        official_year=official_year,
        disagrees=item.disagrees,
        latest=row,
    )


def tally_of_cards(cards: Iterable[KpiCard]) -> Tally:
    """The tally the cards add up to (the page's summary: the sum of its cards, by construction)."""
    return tally((card.mark, card.outlook) for card in cards)


def summarize_stored(
    kpi: KpiValues, series: Sequence[StoredYear], *, scale: Iterable[ScaleLabel] = rating.DEFAULT_SCALE
) -> KpiSummary:
    """A KPI page's summary from its stored years: the latest actual, and the outlook and official
    rating stored with the latest year that has an actual or a printed rating (so the outlook is
    computed from the very actuals the page shows as latest)."""
    scale = tuple(scale)
    measured = [item for item in series if item.row.actual is not None]
    latest = measured[-1] if measured else None
    rated = [item for item in series if item.official_label and item.row.year in kpi.official_outlooks]
    candidates = [item for item in (latest, rated[-1] if rated else None) if item is not None]
    standing = max(candidates, key=lambda item: item.row.year) if candidates else None
    if standing is None:
        return KpiSummary(kpi, None, None, "-", rating.to_plan_scale("-", scale), "", None, False)
    official_years = [year for year in kpi.official_outlooks if year <= standing.row.year]
    return KpiSummary(
        kpi=kpi,
        latest=latest.row if latest else None,
        latest_rate=latest.rate if latest else None,
        outlook=standing.outlook,
        outlook_on_plan_scale=rating.to_plan_scale(standing.outlook, scale),
        official_label=standing.official_label,
        official_year=max(official_years) if official_years else None,
        disagrees=standing.disagrees,
    )


def stored_table(kpi: KpiValues, series: Sequence[StoredYear]) -> list[YearLine]:
    """The rows of a KPI page's table: its stored years with data, as stored, each with the rating
    the plan printed for that very year."""
    return [
        YearLine(row=item.row, rate=item.rate, official_label=kpi.official_outlooks.get(item.row.year, ""))
        for item in series
    ]


# --- tallies ---------------------------------------------------------------------------------


def ordered_counts(counts: Mapping[str, int], order: Sequence[str]) -> list[tuple[str, int]]:
    """Counts as the report prints them (○ △ × -, A–E), whatever order they were stored in
    (PostgreSQL's jsonb keeps its own key order); labels not in ``order`` come last."""
    rank = {label: index for index, label in enumerate(order)}
    return sorted(counts.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def combined_tally(tallies: Iterable[Tally]) -> Tally:
    """The sum of several tallies (a goal's numerical targets and its directions' KPIs)."""
    total = Tally()
    for item in tallies:
        total += item
    return total


# --- the data's date: データ時点 and 最終更新 ------------------------------------------------------


def is_complete(covered: int, total: int) -> bool:
    """A published year is complete enough to open a page on when at most one KPI in ten lacks an
    official value or status (a survey published late must not hide a whole year), never when
    more are missing (R6 with 4 of 31 entered is not)."""
    return total > 0 and total - covered <= total // 10


@dataclass(frozen=True)
class DataAsOf:
    """What a public page says about its data: the year shown (データ時点), when the published data
    last changed (最終更新), how much of a year is missing, and the years reopened with why."""

    year: int | None
    changed_at: object  # datetime | None
    notices: tuple[str, ...]  # 「R6年度は31件中4件のみ公表」…
    reopened: tuple[str, ...]  # 「R6年度の数値は修正のため再公開準備中です：理由…」

    @property
    def year_label(self) -> str:
        return format_year(self.year) if self.year is not None else ""


def data_as_of(date: DataDate, years: Sequence[int], requested: int | None = None) -> DataAsOf:
    """The year a page shows and what it says about it (pure).

    ``years`` are the published years with a measured actual. A page opens on the latest of them
    whose data is complete (``is_complete``), else on the latest; ``requested`` (a ``?year=``
    already checked) wins. A later or shown year that is incomplete is said so in numbers.
    """
    coverage = date.coverage
    if requested is not None:
        year = requested
    else:
        complete = [y for y in years if y in coverage and is_complete(coverage[y].with_value, coverage[y].total)]
        year = complete[-1] if complete else (years[-1] if years else None)
    notices = []
    for later in [y for y in years if year is not None and y >= year]:
        item = coverage.get(later)
        if item is not None and item.missing > 0 and not is_complete(item.with_value, item.total):
            text = f"{format_era_year(later)}は{item.total}件中{item.with_value}件のみ公表"
            if later != year:
                text += f"のため、{format_era_year(year)}を表示しています"
            notices.append(text + "。")
    reopened = tuple(f"{format_era_year(y)}の数値は修正のため再公開準備中です：{reason}" for y, reason in date.reopened)
    return DataAsOf(year=year, changed_at=date.changed_at, notices=tuple(notices), reopened=reopened)


# --- plans on the home page -----------------------------------------------------------------


@dataclass(frozen=True)
class PlanHealth:
    """A plan's one-line health: its latest year with published actuals and the tally there."""

    plan: object  # plans.models.Plan, with municipality and partners loaded
    year: int
    has_data: bool
    tally: Tally
    as_of: DataAsOf | None = None  # public only: データ時点 and 最終更新


def plans_overview(*, public: bool = True) -> list[PlanHealth]:
    """Every plan with its health, for the home page, from the stored progress (no rule runs).

    A plan opens on its latest year with a measured actual (published, with ``public``: the
    latest complete one, see ``data_as_of``), else the year it reports on, else its first year;
    its tally there is the stored plan tally.

    Queries (fixed, whatever the number of plans and KPIs): plans with their municipality, their
    partners, each plan's years with a measured actual, the stored plan tallies, and in public
    the data's dates (``data_dates``: four).
    """
    view = ProgressView.PUBLIC if public else ProgressView.STAFF
    plans = list(
        Plan.objects.select_related("municipality")
        .prefetch_related("partners")
        .order_by("municipality__code", "first_year", "slug")
    )
    measured: dict[int, list[int]] = {}
    for plan_id, year in (
        stored_rows(public=public)
        .filter(actual__isnull=False)
        .order_by("plan_id", "year")
        .values_list("plan_id", "year")
        .distinct()
    ):
        measured.setdefault(plan_id, []).append(year)
    dates = data_dates(plans) if public else {}
    stored = {
        (row.plan_id, row.year): row
        for row in ProgressTally.objects.filter(view=view, scope=TallyScope.PLAN).only(
            "plan_id", "year", "kpi_count", "marks", "outlooks"
        )
    }
    overviews = []
    for plan in plans:
        years = measured.get(plan.pk, [])
        as_of = data_as_of(dates[plan.pk], years) if public else None
        latest = as_of.year if as_of is not None else (years[-1] if years else None)
        year = latest or plan.report_year or plan.first_year
        row = stored.get((plan.pk, year))
        plan_tally = Tally(row.kpi_count, row.marks, row.outlooks) if row else Tally()
        overviews.append(PlanHealth(plan=plan, year=year, has_data=bool(years), tally=plan_tally, as_of=as_of))
    return overviews


@dataclass(frozen=True)
class MunicipalityPlans:
    """A municipality with the plans it leads and those it takes part in as a partner."""

    municipality: object  # plans.models.Municipality
    led: list[PlanHealth]
    partner: list[PlanHealth]


def municipality_groups(overviews: Iterable[PlanHealth]) -> list[MunicipalityPlans]:
    """Group plans by municipality (by national code): a regional plan is listed under its lead
    municipality and again under each partner, so every town finds the plans it is part of."""
    groups: dict[int, MunicipalityPlans] = {}
    for overview in overviews:
        plan = overview.plan
        lead = plan.municipality
        groups.setdefault(lead.pk, MunicipalityPlans(lead, [], [])).led.append(overview)
        for partner in plan.partners.all():
            groups.setdefault(partner.pk, MunicipalityPlans(partner, [], [])).partner.append(overview)
    return sorted(groups.values(), key=lambda group: (group.municipality.code or "999999", group.municipality.pk))
