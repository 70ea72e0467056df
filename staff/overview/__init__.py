"""What the planners' dashboards show (issue 6): goals at a glance, tallies beside the printed ones.

Pure core, thin shell, like ``progress``: ``build_plan_overview`` takes the service layer's
output (``PlanProgress``, ``PlanTallies``) and plain values and returns frozen dataclasses;
``plan_overview`` and ``kpi_detail`` load what a dashboard needs in a fixed number of queries,
whatever the number of KPIs. Nothing here recomputes a rate, a mark or an outlook: each KPI's
standing and its marks year by year are the stored ones (``KpiYearProgress``, staff view, read
through ``plan_progress`` and ``selectors.stored_marks``), outlooks on the plan's own scale from
``rating.to_plan_scale``.

Two aggregates are new here (DOMAIN.md "Tallies"):

* a tally's outlooks counted on the plan's own scale (久留米: canonical A and B count as A, C as
  B, D and E as C), so that the computed tally reads like the printed one (``A 9 B 3``);
* marks counted per year over a plan's KPIs (the plan's "marks over the years").

The package: ``counts`` (tallies on the plan's scale, bars), ``plan`` (the plan and goal
dashboards: ``plan_overview``), ``kpi`` (one KPI's dashboard: ``kpi_detail``). The names below
are the ones the dashboards, the report and the tests use.
"""

from staff.overview.counts import (
    Bars,
    Counts,
    bars_for,
    computed_counts,
    normalise_printed_mark,
    outlook_colours,
    outlooks_on_plan_scale,
    printed_counts,
    scale_labels,
)
from staff.overview.kpi import KpiDetail, SeriesRow, build_kpi_detail, kpi_detail
from staff.overview.plan import (
    DirectionOverview,
    GoalInfo,
    GoalOverview,
    PlanOverview,
    TargetOverview,
    YearMark,
    build_plan_overview,
    choose_year,
    marks_by_year,
    plan_overview,
    plan_years,
    printed_marks_of_plan,
    year_marks,
    year_options,
)

__all__ = [
    "Bars",
    "Counts",
    "DirectionOverview",
    "GoalInfo",
    "GoalOverview",
    "KpiDetail",
    "PlanOverview",
    "SeriesRow",
    "TargetOverview",
    "YearMark",
    "bars_for",
    "build_kpi_detail",
    "build_plan_overview",
    "choose_year",
    "computed_counts",
    "kpi_detail",
    "marks_by_year",
    "normalise_printed_mark",
    "outlook_colours",
    "outlooks_on_plan_scale",
    "plan_overview",
    "plan_years",
    "printed_counts",
    "printed_marks_of_plan",
    "scale_labels",
    "year_marks",
    "year_options",
]
