"""Plotly figures (as plain JSON-able dicts) from service-layer output; no rule is computed here.

Templates put a figure in ``<script type="application/json">`` and ``static/js/charts.js``
loads our own copy of plotly.js only when a chart scrolls into view. Every chart has a text
alternative (``describe_*``) and the page shows the same numbers as a table.

By concern: ``kpi`` (one KPI over the years; a total over several years as running totals),
``tallies`` (marks as stacked bars on the dashboards), ``lineage`` (a KPI followed across plans),
``region`` (one kind of KPI compared across places); ``base`` holds the shared look.
"""

from plans.charts.base import COLOURS, FONT, PLAN_COLOURS, TITLE_PLACE
from plans.charts.kpi import describe_kpi, kpi_figure
from plans.charts.lineage import describe_lineage, lineage_figure
from plans.charts.region import comparison_figure, describe_comparison
from plans.charts.tallies import (
    _stacked_bars,
    describe_goal_marks,
    describe_plan_marks,
    goal_marks_figure,
    plan_marks_figure,
)

__all__ = [
    "COLOURS",
    "FONT",
    "PLAN_COLOURS",
    "TITLE_PLACE",
    "_stacked_bars",
    "comparison_figure",
    "describe_comparison",
    "describe_goal_marks",
    "describe_kpi",
    "describe_lineage",
    "describe_plan_marks",
    "goal_marks_figure",
    "kpi_figure",
    "lineage_figure",
    "plan_marks_figure",
]
