"""Plotly figures (as plain JSON-able dicts) from service-layer output; no rule is computed here.

Templates put a figure in ``<script type="application/json">`` and ``static/js/charts.js``
loads our own copy of plotly.js only when a chart scrolls into view. Every chart has a text
alternative (``describe_*``) and the page shows the same numbers as a table.
"""

from __future__ import annotations

from decimal import Decimal

from plans.services.notation import era_label
from plans.services.presentation import format_number
from plans.services.progress import KpiValues, kpi_series, trend_line

COLOURS = {"baseline": "#4a4a4a", "stated": "#0b5cad", "interpolated": "#6f93c0", "actual": "#b3261e", "trend": "#8a5300"}
FONT = "Noto Sans CJK JP, Noto Sans JP, sans-serif"


def _number(value: Decimal | None):
    return None if value is None else float(value)


def _year_label(year: int, fiscal: bool) -> str:
    return f"{era_label(year)}{'年度' if fiscal else '年'}"


def kpi_figure(kpi: KpiValues) -> dict:
    """Baseline, yearly targets (stated solid, interpolated dotted), actuals with their
    annotations, and the trend projected to the target year."""
    series = kpi_series(kpi)
    unit = f" ({kpi.unit})" if kpi.unit else ""
    traces = []
    if kpi.baseline is not None and kpi.baseline_year is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "基準値",
                "x": [kpi.baseline_year],
                "y": [_number(kpi.baseline)],
                "marker": {"symbol": "diamond", "size": 11, "color": COLOURS["baseline"]},
                "hovertemplate": f"基準値 {_year_label(kpi.baseline_year, kpi.fiscal)}: %{{y}}{kpi.unit}<extra></extra>",
            }
        )
    for stated, name, dash in ((True, "目標値（計画に記載）", "solid"), (False, "目標値（直線で補間）", "dot")):
        rows = [row for row in series if row.target.value is not None and row.target.stated is stated]
        if rows:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "x": [row.year for row in rows],
                    "y": [_number(row.target.value) for row in rows],
                    "line": {"dash": dash, "color": COLOURS["stated" if stated else "interpolated"]},
                    "marker": {"symbol": "circle-open", "size": 8},
                }
            )
    actual_rows = [row for row in series if row.actual is not None]
    if actual_rows:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers+text",
                "name": "実績値",
                "x": [row.year for row in actual_rows],
                "y": [_number(row.actual) for row in actual_rows],
                "text": [row.mark + (" 速報値" if row.detail and row.detail.preliminary else "") for row in actual_rows],
                "textposition": "top center",
                "line": {"color": COLOURS["actual"], "width": 3},
                "marker": {"symbol": "square", "size": 9},
            }
        )
    trend = trend_line(kpi)
    if trend:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "傾向（最小二乗法）",
                "x": [year for year, _value in trend],
                "y": [_number(value) for _year, value in trend],
                "line": {"dash": "dash", "color": COLOURS["trend"]},
            }
        )
    annotations = [
        {"x": row.year, "y": 0, "yref": "paper", "text": "集計中" if row.detail.status == "pending" else "未把握",
         "showarrow": False, "yanchor": "bottom"}
        for row in series
        if row.detail and row.detail.status in ("pending", "unmeasured")
    ]
    years = sorted({row.year for row in series} | ({kpi.baseline_year} if kpi.baseline_year else set()))
    return {
        "data": traces,
        "layout": {
            "title": {"text": f"{kpi.name}{unit}", "font": {"size": 15}},
            "font": {"family": FONT},
            "xaxis": {"tickvals": years, "ticktext": [_year_label(year, kpi.fiscal) for year in years], "title": {"text": "年度" if kpi.fiscal else "年"}},
            "yaxis": {"title": {"text": kpi.unit}, "rangemode": "tozero" if (kpi.baseline or 0) >= 0 else "normal"},
            "legend": {"orientation": "h", "y": -0.25},
            "margin": {"l": 50, "r": 20, "t": 50, "b": 80},
            "annotations": annotations,
        },
    }


def describe_kpi(kpi: KpiValues) -> str:
    """A sentence that says what the KPI chart shows, for those who cannot see it."""
    series = [row for row in kpi_series(kpi) if row.actual is not None]
    parts = [f"{kpi.name}の推移。"]
    if kpi.baseline is not None and kpi.baseline_year is not None:
        parts.append(f"基準値は{_year_label(kpi.baseline_year, kpi.fiscal)}の{format_number(kpi.baseline)}{kpi.unit}、")
    if kpi.target is not None and kpi.target_year is not None:
        parts.append(f"目標値は{_year_label(kpi.target_year, kpi.fiscal)}に{format_number(kpi.target)}{kpi.unit}。")
    if series:
        latest = series[-1]
        parts.append(
            f"最新の実績値は{_year_label(latest.year, kpi.fiscal)}の{format_number(latest.actual)}{kpi.unit}（進捗度 {latest.mark}）。"
        )
    else:
        parts.append("実績値はまだありません。")
    return "".join(parts)
