"""What every chart shares: colours, the font, where the title sits, numbers as JSON."""

from __future__ import annotations

from decimal import Decimal

COLOURS = {
    "baseline": "#4a4a4a",
    "stated": "#0b5cad",
    "interpolated": "#6f93c0",
    "actual": "#b3261e",
    "trend": "#8a5300",
}
# One colour per plan or place when several share a chart (lineage, region comparison).
PLAN_COLOURS = ("#0b5cad", "#b3261e", "#0a6b2d", "#8a5300", "#6a1b9a", "#00695c")
FONT = "Noto Sans CJK JP, Noto Sans JP, sans-serif"
# Titles start at the left of the plot, at the top of the figure: the toolbar (modebar) sits at
# the top right and, shown only on hover or a tap (static/js/charts.js), never covers a title.
TITLE_PLACE = {"x": 0, "xref": "paper", "xanchor": "left", "y": 0.98, "yref": "container", "yanchor": "top"}


def number(value: Decimal | None) -> float | None:
    """A value for plotly's JSON (None stays a gap)."""
    return None if value is None else float(value)
