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

from django.db.models import Max

from plans.choices import TallyScope
from plans.models import KpiYearProgress, Plan, ProgressTally, ProgressView
from plans.rules import rating
from plans.rules.progress import KpiProgress, KpiValues, YearRow
from plans.rules.rating import ScaleLabel
from plans.rules.tallies import Tally, tally
from plans.selectors.progress import StoredYear

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


# --- plans on the home page -----------------------------------------------------------------


@dataclass(frozen=True)
class PlanHealth:
    """A plan's one-line health: its latest year with published actuals and the tally there."""

    plan: object  # plans.models.Plan, with municipality and partners loaded
    year: int
    has_data: bool
    tally: Tally


def plans_overview(*, public: bool = True) -> list[PlanHealth]:
    """Every plan with its health, for the home page, from the stored progress (no rule runs).

    A plan opens on its latest year with a measured actual (published, with ``public``), else
    the year it reports on, else its first year; its tally there is the stored plan tally.

    Queries (fixed, whatever the number of plans and KPIs): plans with their municipality, their
    partners, each plan's latest year with a measured actual, the stored plan tallies.
    """
    view = ProgressView.PUBLIC if public else ProgressView.STAFF
    plans = list(
        Plan.objects.select_related("municipality")
        .prefetch_related("partners")
        .order_by("municipality__code", "first_year", "slug")
    )
    latest = dict(
        KpiYearProgress.objects.filter(view=view, actual__isnull=False)
        .order_by()
        .values("plan_id")
        .annotate(latest=Max("year"))
        .values_list("plan_id", "latest")
    )
    stored = {
        (row.plan_id, row.year): row
        for row in ProgressTally.objects.filter(view=view, scope=TallyScope.PLAN).only(
            "plan_id", "year", "kpi_count", "marks", "outlooks"
        )
    }
    overviews = []
    for plan in plans:
        year = latest.get(plan.pk) or plan.report_year or plan.first_year
        row = stored.get((plan.pk, year))
        plan_tally = Tally(row.kpi_count, row.marks, row.outlooks) if row else Tally()
        overviews.append(PlanHealth(plan=plan, year=year, has_data=plan.pk in latest, tally=plan_tally))
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
