"""KPIs across plans: one KPI followed from plan to plan, and one kind of KPI across municipalities.

* **Lineage.** A KPI that continues or moves one of the previous plan (``Kpi.predecessor`` with
  the link ``continued`` or ``moved``, e.g. 小郡 第2期 → 第3期) is the same indicator: its
  segments, one per plan, make one time series. A KPI that *replaces* one measures something
  else (出生率 → 出生数) and starts a series of its own. Where two plans give the same year
  (the 第3期 baseline R5 is the 第2期 R5 actual), the actual wins and the later baseline is kept
  only where no plan has an actual.
* **Comparison across municipalities.** Municipalities of the 久留米 region measure some of the
  same things under different names (観光入込客数, 年間観光入込調査人数, 年間観光客数). A KPI's
  name is *normalised* (``normalise_kpi_name``): NFKC; bracketed annotations removed (``(H27~)``,
  ``(R2)``, ``（累計）``); spaces, the municipality names of ``KNOWN_MUNICIPALITIES`` and the
  generic prefixes 年間/市内/市の/本市の removed. The normalised name is matched against the
  kinds of ``KPI_KINDS`` (a kind lists the fragments that identify it, and fragments that rule
  it out); a name of no listed kind matches only the same normalised name. A kind is compared
  where at least two places (municipalities, or a regional vision's whole area) measure it.

Rates and marks come from ``rating`` / ``progress``; the pure core takes ``KpiValues``.
Other municipalities' plans the user may not open show only their published years, as on the
public pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from plans.choices import ActualStatus
from plans.presentation import short_title
from plans.rules import rating
from plans.rules.municipalities import KNOWN_MUNICIPALITIES
from plans.services.progress import KpiValues, kpi_series

# Links to a predecessor that keep the indicator (a replacement measures something else).
SAME_INDICATOR = ("continued", "moved")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|「|」|『|』")
_PREFIXES = ("本市の", "市の", "市内の", "市内", "年間", "圏域の")


def normalise_kpi_name(name: str) -> str:
    """`年間観光入込調査人数` -> `観光入込調査人数`; `創業者数(H27)` -> `創業者数`; `久留米市の 15 歳…` -> `15歳…`."""
    text = unicodedata.normalize("NFKC", name or "")
    previous = None
    while previous != text:  # nested brackets
        previous, text = text, _BRACKETS.sub("", text)
    text = re.sub(r"\s+", "", text)
    for municipality in sorted(KNOWN_MUNICIPALITIES, key=len, reverse=True):
        text = text.replace(municipality + "の", "").replace(municipality, "")
    text = text.replace("小都市", "")  # the OCR slip for 小郡市 (DOMAIN.md)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
    return text


@dataclass(frozen=True)
class KpiKind:
    """A kind of KPI several municipalities measure, and the name fragments that identify it."""

    key: str
    label: str  # the Japanese term, as documents write it
    fragments: tuple[str, ...]
    excluded: tuple[str, ...] = ()

    def matches(self, normalised: str) -> bool:
        return any(fragment in normalised for fragment in self.fragments) and not any(
            fragment in normalised for fragment in self.excluded
        )


KPI_KINDS = (
    KpiKind("net-out-migration", "転出超過数", ("転出超過",)),
    KpiKind("social-increase", "人口の社会増減", ("社会増", "社会動態", "社会減")),
    KpiKind("startups", "創業者数", ("創業者数", "創業支援実現数"), ("融資",)),
    KpiKind("tourists", "観光入込客数", ("観光入込", "観光客数"), ("外国人", "消費")),
    KpiKind("new-farmers", "新規就農者数", ("新規就農者",)),
    KpiKind("waiting-children", "待機児童数", ("待機児童",)),
    KpiKind("fertility", "合計特殊出生率", ("合計特殊出生率",)),
    KpiKind("cancer-screening", "がん検診受診率", ("がん検診",)),
    KpiKind("wish-to-stay", "住み続けたい市民の割合", ("住み続けたい",)),
)


def kpi_kind(name: str) -> KpiKind | None:
    normalised = normalise_kpi_name(name)
    return next((kind for kind in KPI_KINDS if kind.matches(normalised)), None)


def kind_key(name: str) -> tuple[str, str]:
    """(key, label) of the kind a KPI name belongs to; an unlisted name is its own kind."""
    kind = kpi_kind(name)
    if kind is not None:
        return kind.key, kind.label
    normalised = normalise_kpi_name(name)
    return f"name:{normalised}", normalised


def index_to_first(points: Sequence[SeriesPoint]) -> list[tuple[int, Decimal]]:
    """Pure: each value as an index of the series' first value (= 100), to compare the shape of
    series measured in different units (万人, 千人). Empty when the first value is 0 or negative,
    which no index can start from."""
    valued = [point for point in points if point.value is not None]
    if not valued or valued[0].value <= 0:
        return []
    first = valued[0].value
    return [(point.year, point.value / first * 100) for point in valued]


# --- lineage ------------------------------------------------------------------------------------


def lineage_ids(start: int, predecessors: Mapping[int, int | None]) -> list[int]:
    """Pure: the chain of KPI ids through ``start``, oldest first.

    Up the predecessors to the first KPI, then down: at each step the successor with the
    lowest id (a KPI continued by two is rare; the first is followed).
    """
    chain = [start]
    seen = {start}
    current = predecessors.get(start)
    while current is not None and current not in seen:
        chain.insert(0, current)
        seen.add(current)
        current = predecessors.get(current)
    successors: dict[int, list[int]] = {}
    for kpi_id, predecessor in predecessors.items():
        if predecessor is not None:
            successors.setdefault(predecessor, []).append(kpi_id)
    current = start
    while successors.get(current):
        following = min(successors[current])
        if following in seen:
            break
        chain.append(following)
        seen.add(following)
        current = following
    return chain


@dataclass(frozen=True)
class Segment:
    """One plan's part of a lineage: its KPI and how it continues the previous one."""

    kpi: KpiValues
    plan_slug: str
    plan_title: str
    place: str  # the municipality, or the region of a regional vision
    first_year: int
    last_year: int
    link: str = ""
    link_label: str = ""
    public_only: bool = False


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    value: Decimal | None
    raw: str
    kind: str  # "actual" or "baseline"
    plan_slug: str
    plan_title: str = ""
    rate: Decimal | None = None
    mark: str = "-"
    preliminary: bool = False
    status: str = ActualStatus.MEASURED


@dataclass(frozen=True)
class TargetPoint:
    year: int
    value: Decimal
    stated: bool
    plan_slug: str


@dataclass(frozen=True)
class Lineage:
    segments: list[Segment]
    points: list[SeriesPoint]
    targets: list[TargetPoint]

    @property
    def name(self) -> str:
        return self.segments[-1].kpi.name if self.segments else ""

    @property
    def units(self) -> list[str]:
        return list(dict.fromkeys(segment.kpi.unit for segment in self.segments))

    @property
    def place(self) -> str:
        return self.segments[-1].place if self.segments else ""

    @property
    def label(self) -> str:
        """`小郡市（第2期→第3期）`: the place and the plans of the series."""
        plans = "→".join(dict.fromkeys(short_title(segment.plan_title) for segment in self.segments))
        return f"{self.place}（{plans}）" if plans else self.place

    def indexed(self) -> list[tuple[int, Decimal]]:
        return index_to_first(self.points)

    @property
    def fiscal(self) -> bool:
        return self.segments[-1].kpi.fiscal if self.segments else True

    def latest(self) -> SeriesPoint | None:
        actuals = [point for point in self.points if point.kind == "actual" and point.value is not None]
        return actuals[-1] if actuals else None


def segment_points(segment: Segment) -> tuple[list[SeriesPoint], list[TargetPoint]]:
    """Pure: a segment's baseline and actuals (with rate and mark) and its yearly targets."""
    kpi = segment.kpi
    points: list[SeriesPoint] = []
    if kpi.baseline is not None and kpi.baseline_year is not None:
        points.append(
            SeriesPoint(kpi.baseline_year, kpi.baseline, "", "baseline", segment.plan_slug, segment.plan_title)
        )
    targets: list[TargetPoint] = []
    for row in kpi_series(kpi):
        if row.target.value is not None and row.year <= max(segment.last_year, kpi.target_year or 0):
            targets.append(TargetPoint(row.year, row.target.value, row.target.stated, segment.plan_slug))
        if row.actual is not None or (row.detail is not None and row.detail.status != ActualStatus.BLANK):
            points.append(
                SeriesPoint(
                    year=row.year,
                    value=row.actual,
                    raw=row.detail.raw if row.detail else "",
                    kind="actual",
                    plan_slug=segment.plan_slug,
                    plan_title=segment.plan_title,
                    rate=rating.achievement_rate(baseline=kpi.baseline, target=row.target.value, actual=row.actual),
                    mark=row.mark,
                    preliminary=bool(row.detail and row.detail.preliminary),
                    status=row.detail.status if row.detail else ActualStatus.MEASURED,
                )
            )
    return points, targets


def merge_segments(segments: Sequence[Segment]) -> Lineage:
    """Pure: the segments' points as one series, one point per year (an actual wins a baseline;
    between two actuals of the same year, the later plan's)."""
    by_year: dict[int, SeriesPoint] = {}
    targets: list[TargetPoint] = []
    for segment in segments:
        points, segment_targets = segment_points(segment)
        targets.extend(segment_targets)
        for point in points:
            existing = by_year.get(point.year)
            if existing is None or (point.kind == "actual" and (existing.kind != "actual" or existing.value is None)):
                by_year[point.year] = point
    return Lineage(segments=list(segments), points=[by_year[year] for year in sorted(by_year)], targets=targets)


# --- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One kind of KPI in several places, side by side."""

    key: str
    label: str
    series: list[Lineage]

    @property
    def places(self) -> list[str]:
        return list(dict.fromkeys(series.place for series in self.series))

    @property
    def same_unit(self) -> bool:
        return len({unit for series in self.series for unit in series.units}) == 1

    @property
    def years(self) -> list[int]:
        return sorted({point.year for series in self.series for point in series.points})

    def table(self) -> list[tuple[int, list[SeriesPoint | None]]]:
        """Rows per year, one cell per series (None where it has no point that year)."""
        cells = [{point.year: point for point in series.points} for series in self.series]
        return [(year, [cell.get(year) for cell in cells]) for year in self.years]


def group_comparisons(lineages: Iterable[Lineage], *, minimum_places: int = 2) -> list[Comparison]:
    """Pure: lineages grouped by the kind of their KPI (any segment's name decides), kept where
    at least ``minimum_places`` places measure the kind; listed kinds first, in their order."""
    groups: dict[str, tuple[str, list[Lineage]]] = {}
    for lineage in lineages:
        keys = [kind_key(segment.kpi.name) for segment in lineage.segments]
        listed = [key for key in keys if not key[0].startswith("name:")]
        key, label = (listed or keys)[0]
        groups.setdefault(key, (label, []))[1].append(lineage)
    order = {kind.key: index for index, kind in enumerate(KPI_KINDS)}
    comparisons = [
        Comparison(key, label, sorted(series, key=lambda item: (item.place, item.segments[0].first_year)))
        for key, (label, series) in groups.items()
        if len({item.place for item in series}) >= minimum_places
    ]
    return sorted(comparisons, key=lambda item: (order.get(item.key, len(order)), item.label))


# --- thin shell ---------------------------------------------------------------------------------


def _place(plan) -> str:
    from django.utils.translation import gettext as _

    if plan.kind == "vision":
        return _("{municipality} region").format(municipality=plan.municipality.name)
    return plan.municipality.name


def _load_values(kpi_ids: Iterable[int], *, public_plan_ids: set[int]) -> dict[int, tuple]:
    """KPIs by id with their plan, as (KpiValues, kpi) (five queries).

    Actuals of the plans in ``public_plan_ids`` are limited to their published years.
    """
    from django.db.models import Prefetch

    from plans.models import Actual, Kpi, OfficialRating, PublishedYear, YearlyTarget
    from plans.services.progress import kpi_values

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
        )
    )
    result = {}
    for kpi in kpis:
        values = kpi_values(kpi)
        if kpi.plan_id in public_plan_ids:
            years = published.get(kpi.plan_id, set())
            values = _only_years(values, years)
        result[kpi.pk] = (values, kpi)
    return result


def _only_years(values: KpiValues, years: set[int]) -> KpiValues:
    from dataclasses import replace

    return replace(
        values,
        actuals={year: value for year, value in values.actuals.items() if year in years},
        actual_details={year: detail for year, detail in values.actual_details.items() if year in years},
    )


def _segments(chain: Sequence[int], loaded: Mapping[int, tuple], public_plan_ids: set[int]) -> list[Segment]:
    segments = []
    for kpi_id in chain:
        if kpi_id not in loaded:
            continue
        values, kpi = loaded[kpi_id]
        segments.append(
            Segment(
                kpi=values,
                plan_slug=kpi.plan.slug,
                plan_title=kpi.plan.title,
                place=_place(kpi.plan),
                first_year=kpi.plan.first_year,
                last_year=kpi.plan.last_year,
                link=kpi.predecessor_link,
                link_label=kpi.predecessor_label,
                public_only=kpi.plan_id in public_plan_ids,
            )
        )
    return segments


def kpi_lineage(kpi_id: int, *, visible_plan_ids: Iterable[int]) -> Lineage:
    """A KPI followed across plans as one series (seven queries, whatever the chain's length).

    The links are read for every KPI (ids only); segments in plans the user may not open show
    only their published years.
    """
    from plans.models import Kpi

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
    from django.db.models import Q

    from plans.models import Plan

    visions = Plan.objects.filter(kind="vision")
    towns = set(visions.values_list("municipality_id", flat=True)) | set(
        Plan.partners.through.objects.filter(plan__kind="vision").values_list("municipality_id", flat=True)
    )
    plans = Plan.objects.all() if not towns else Plan.objects.filter(Q(municipality_id__in=towns) | Q(kind="vision"))
    return list(plans.values_list("id", flat=True))


def regional_comparisons(*, visible_plan_ids: Iterable[int]) -> list[Comparison]:
    """Every kind of KPI measured in at least two places of the region, side by side.

    Queries: the region (three), every KPI's name and link (one), the matched KPIs with their
    plans, targets, actuals and ratings (four), the published years (one): nine in all.
    """
    from plans.models import Kpi

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
