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

The package: ``kinds`` (names and kinds of KPI), ``series`` (the pure core: lineages and
comparisons), ``loading`` (bounded queries: ``kpi_lineage``, ``regional_comparisons``).
"""

from plans.presentation import short_title  # a lineage's label; the tests read it from here
from staff.crossplan.kinds import KPI_KINDS, KpiKind, kind_key, kpi_kind, normalise_kpi_name
from staff.crossplan.loading import kpi_lineage, region_plan_ids, regional_comparisons
from staff.crossplan.series import (
    SAME_INDICATOR,
    Comparison,
    Lineage,
    LineageSegment,
    SeriesPoint,
    TargetPoint,
    group_comparisons,
    index_to_first,
    lineage_ids,
    merge_segments,
    segment_points,
)

__all__ = [
    "KPI_KINDS",
    "SAME_INDICATOR",
    "Comparison",
    "KpiKind",
    "Lineage",
    "LineageSegment",
    "SeriesPoint",
    "TargetPoint",
    "group_comparisons",
    "index_to_first",
    "kind_key",
    "kpi_kind",
    "kpi_lineage",
    "lineage_ids",
    "merge_segments",
    "normalise_kpi_name",
    "region_plan_ids",
    "regional_comparisons",
    "segment_points",
    "short_title",
]
