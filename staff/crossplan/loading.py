"""The thin shell: KPIs across plans loaded in bounded queries, then the pure core.

Other municipalities' plans the user may not open show only their published years, as on the
public pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from plans import selectors
from plans.models import Actual, Kpi, OfficialRating, Plan, PublishedYear, YearlyTarget
from plans.rules.progress import KpiValues
from plans.selectors.progress import kpi_values, progress_from_row
from staff.crossplan.kinds import kind_key
from staff.crossplan.series import (
    SAME_INDICATOR,
    Comparison,
    Lineage,
    LineageSegment,
    group_comparisons,
    lineage_ids,
    merge_segments,
)


def _place(plan) -> str:
    if plan.kind == "vision":
        return _("{municipality} region").format(municipality=plan.municipality.name)
    return plan.municipality.name


def _load_values(kpi_ids: Iterable[int], *, public_plan_ids: set[int]) -> dict[int, tuple]:
    """KPIs by id with their plan, as (KpiValues, kpi, stored standing by year) (six queries).

    Actuals of the plans in ``public_plan_ids`` are limited to their published years, and their
    stored standing is the citizens' view (``KpiYearProgress``); the others' is the staff view.
    """
    kpi_ids = list(kpi_ids)
    published: dict[int, set[int]] = {}
    if public_plan_ids:
        for plan_id, year in PublishedYear.objects.filter(plan_id__in=public_plan_ids).values_list("plan_id", "year"):
            published.setdefault(plan_id, set()).add(year)
    kpis = (
        Kpi.objects.filter(pk__in=list(kpi_ids))
        .select_related("plan__municipality", "department", "goal", "policy_direction__goal", "package", "project")
        .prefetch_related(
            Prefetch("yearly_targets", queryset=YearlyTarget.objects.order_by("year")),
            Prefetch("actuals", queryset=Actual.objects.order_by("year")),
            Prefetch("official_ratings", queryset=OfficialRating.objects.order_by("kind", "year")),
            selectors.target_revisions(),
        )
    )
    rows: dict[int, list] = {}
    for row in selectors.kpis_stored_rows(kpi_ids, public_plan_ids=public_plan_ids):
        rows.setdefault(row.kpi_id, []).append(row)
    result = {}
    for kpi in kpis:
        values = kpi_values(kpi)
        if kpi.plan_id in public_plan_ids:
            values = _only_years(values, published.get(kpi.plan_id, set()))
        stored = {row.year: progress_from_row(values, row) for row in rows.get(kpi.pk, [])}
        result[kpi.pk] = (values, kpi, stored)
    return result


def _only_years(values: KpiValues, years: set[int]) -> KpiValues:
    return replace(
        values,
        actuals={year: value for year, value in values.actuals.items() if year in years},
        actual_details={year: detail for year, detail in values.actual_details.items() if year in years},
    )


def _segments(chain: Sequence[int], loaded: Mapping[int, tuple], public_plan_ids: set[int]) -> list[LineageSegment]:
    segments = []
    for kpi_id in chain:
        if kpi_id not in loaded:
            continue
        values, kpi, stored = loaded[kpi_id]
        segments.append(
            LineageSegment(
                kpi=values,
                plan_slug=kpi.plan.slug,
                plan_title=kpi.plan.title,
                place=_place(kpi.plan),
                first_year=kpi.plan.first_year,
                last_year=kpi.plan.last_year,
                link=kpi.predecessor_link,
                link_label=kpi.predecessor_label,
                public_only=kpi.plan_id in public_plan_ids,
                stored=stored,
            )
        )
    return segments


def kpi_lineage(kpi_id: int, *, visible_plan_ids: Iterable[int]) -> Lineage:
    """A KPI followed across plans as one series (eight queries, whatever the chain's length).

    The links are read for every KPI (ids only); segments in plans the user may not open show
    only their published years.
    """
    links = dict(
        Kpi.objects.filter(predecessor__isnull=False, predecessor_link__in=SAME_INDICATOR).values_list(
            "id", "predecessor_id"
        )
    )
    chain = lineage_ids(kpi_id, links)
    visible = set(visible_plan_ids)
    plan_of = dict(Kpi.objects.filter(pk__in=chain).values_list("id", "plan_id"))
    public = {plan_id for plan_id in plan_of.values() if plan_id not in visible}
    loaded = _load_values(chain, public_plan_ids=public)
    return merge_segments(_segments(chain, loaded, public))


def region_plan_ids() -> list[int]:
    """Plans of the municipalities of a region: the lead and partners of each regional vision
    (PlanKind.VISION), and the vision plans themselves; every plan when there is no vision."""
    visions = Plan.objects.filter(kind="vision")
    towns = set(visions.values_list("municipality_id", flat=True)) | set(
        Plan.partners.through.objects.filter(plan__kind="vision").values_list("municipality_id", flat=True)
    )
    plans = Plan.objects.all() if not towns else Plan.objects.filter(Q(municipality_id__in=towns) | Q(kind="vision"))
    return list(plans.values_list("id", flat=True))


def regional_comparisons(*, visible_plan_ids: Iterable[int]) -> list[Comparison]:
    """Every kind of KPI measured in at least two places of the region, side by side.

    Queries: the region (three), every KPI's name and link (one), the matched KPIs with their
    plans, targets, actuals and ratings (four), their stored progress (one), the published years
    (one): ten in all.
    """
    plan_ids = region_plan_ids()
    rows = list(
        Kpi.objects.filter(plan_id__in=plan_ids).values_list(
            "id", "name", "predecessor_id", "predecessor_link", "plan_id"
        )
    )
    links = {kpi_id: predecessor for kpi_id, _name, predecessor, link, _plan in rows if link in SAME_INDICATOR}
    rows = [(kpi_id, name, predecessor, plan_id) for kpi_id, name, predecessor, _link, plan_id in rows]
    kinds: dict[str, set[int]] = {}
    for kpi_id, name, _predecessor, _plan in rows:
        kinds.setdefault(kind_key(name)[0], set()).add(kpi_id)
    plan_of = {kpi_id: plan_id for kpi_id, _name, _predecessor, plan_id in rows}
    # Only kinds with KPIs in at least two plans can be measured in two places.
    candidates = {kpi_id for ids in kinds.values() if len({plan_of[kpi_id] for kpi_id in ids}) >= 2 for kpi_id in ids}
    chains: dict[tuple[int, ...], None] = {}
    for kpi_id in sorted(candidates):
        chains[tuple(lineage_ids(kpi_id, links))] = None
    visible = set(visible_plan_ids)
    needed = {kpi_id for chain in chains for kpi_id in chain}
    public = {plan_of[kpi_id] for kpi_id in needed if plan_of.get(kpi_id) not in visible}
    loaded = _load_values(needed, public_plan_ids=public)
    lineages = [merge_segments(_segments(chain, loaded, public)) for chain in chains]
    return group_comparisons(lineage for lineage in lineages if lineage.segments)
