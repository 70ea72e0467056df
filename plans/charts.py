"""Plotly figures (as plain JSON-able dicts) from service-layer output; no rule is computed here.

Templates put a figure in ``<script type="application/json">`` and ``static/js/charts.js``
loads our own copy of plotly.js only when a chart scrolls into view. Every chart has a text
alternative (``describe_*``) and the page shows the same numbers as a table.
"""

from __future__ import annotations

from decimal import Decimal

from plans.choices import ActualStatus, Mark
from plans.presentation import format_number, short_title
from plans.rules.notation import format_era_year, format_year
from plans.services.progress import KpiValues, kpi_series, trend_line

COLOURS = {
    "baseline": "#4a4a4a",
    "stated": "#0b5cad",
    "interpolated": "#6f93c0",
    "actual": "#b3261e",
    "trend": "#8a5300",
}
FONT = "Noto Sans CJK JP, Noto Sans JP, sans-serif"
# Titles start at the left of the plot, at the top of the figure: the toolbar (modebar) sits at
# the top right and, shown only on hover or a tap (static/js/charts.js), never covers a title.
TITLE_PLACE = {"x": 0, "xref": "paper", "xanchor": "left", "y": 0.98, "yref": "container", "yanchor": "top"}


def _number(value: Decimal | None):
    return None if value is None else float(value)


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
                "hovertemplate": (
                    f"基準値 {format_era_year(kpi.baseline_year, fiscal=kpi.fiscal)}: %{{y}}{kpi.unit}<extra></extra>"
                ),
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
                "text": [
                    row.mark + (" 速報値" if row.detail and row.detail.preliminary else "") for row in actual_rows
                ],
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
        {
            "x": row.year,
            "y": 0,
            "yref": "paper",
            "text": "集計中" if row.detail.status == ActualStatus.PENDING else "未把握",
            "showarrow": False,
            "yanchor": "bottom",
        }
        for row in series
        if row.detail and row.detail.status in (ActualStatus.PENDING, ActualStatus.UNMEASURED)
    ]
    years = sorted({row.year for row in series} | ({kpi.baseline_year} if kpi.baseline_year else set()))
    return {
        "data": traces,
        "layout": {
            "title": {"text": f"{kpi.name}{unit}", "font": {"size": 15}, **TITLE_PLACE},
            "font": {"family": FONT},
            "xaxis": {
                "tickvals": years,
                "ticktext": [format_era_year(year, fiscal=kpi.fiscal) for year in years],
                "title": {"text": "年度" if kpi.fiscal else "年"},
            },
            # Not forced to 0: a KPI moving between 75% and 78% shows its movement, with a little room.
            "yaxis": {"title": {"text": kpi.unit}, "rangemode": "normal", "automargin": True, "zeroline": False},
            "legend": {"orientation": "h", "y": -0.25},
            "margin": {"l": 50, "r": 20, "t": 60, "b": 80},
            "annotations": annotations,
        },
    }


def describe_kpi(kpi: KpiValues) -> str:
    """A sentence that says what the KPI chart shows, for those who cannot see it."""
    series = [row for row in kpi_series(kpi) if row.actual is not None]
    parts = [f"{kpi.name}の推移。"]
    if kpi.baseline is not None and kpi.baseline_year is not None:
        baseline_year = format_year(kpi.baseline_year, fiscal=kpi.fiscal)
        parts.append(f"基準値は{baseline_year}の{format_number(kpi.baseline)}{kpi.unit}、")
    if kpi.target is not None and kpi.target_year is not None:
        parts.append(
            f"目標値は{format_year(kpi.target_year, fiscal=kpi.fiscal)}に{format_number(kpi.target)}{kpi.unit}。"
        )
    if series:
        latest = series[-1]
        when = format_year(latest.year, fiscal=kpi.fiscal)
        parts.append(f"最新の実績値は{when}の{format_number(latest.actual)}{kpi.unit}（進捗度 {latest.mark}）。")
    else:
        parts.append("実績値はまだありません。")
    return "".join(parts)


# --- planners' dashboards ---------------------------------------------------------------------


def _mark_names() -> dict[str, str]:
    return {mark.value: f"{mark.value} {mark.label}" for mark in Mark}


def _stacked_bars(categories: list[str], counts: list[dict[str, int]], *, horizontal: bool) -> list[dict]:
    names = _mark_names()
    category, count = ("y", "x") if horizontal else ("x", "y")
    traces = []
    for mark, colour in Mark.colours().items():
        values = [row.get(mark, 0) for row in counts]
        trace = {
            "type": "bar",
            "name": names[mark],
            "marker": {"color": colour},
            "text": [str(value) if value else "" for value in values],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "textfont": {"color": "#ffffff"},
            "hovertemplate": f"%{{{category}}}<br>{mark}: %{{{count}}}<extra></extra>",
        }
        if horizontal:
            trace.update({"orientation": "h", "y": categories, "x": values})
        else:
            trace.update({"x": categories, "y": values})
        traces.append(trace)
    return traces


def goal_marks_figure(goal) -> dict:
    """A goal's marks by policy direction as stacked bars (a ``GoalOverview``): the goal's own
    numerical targets first, then each direction computed and, where the plan printed one, its
    printed tally beside it."""
    from django.utils.translation import gettext as _

    categories, counts = [], []
    if goal.computed.kpi_count:
        categories.append(_("Numerical targets"))
        counts.append(goal.computed.marks)
    for direction in goal.directions:
        categories.append(f"{direction.code} " + _("computed"))
        counts.append(direction.computed.marks)
        if direction.printed is not None:
            categories.append(f"{direction.code} " + _("as printed"))
            counts.append(direction.printed.marks)
    return {
        "data": _stacked_bars(categories, counts, horizontal=True),
        "layout": {
            "barmode": "stack",
            "font": {"family": FONT},
            "title": {"text": _("Marks by policy direction"), "font": {"size": 15}, **TITLE_PLACE},
            "xaxis": {
                "title": {"text": _("Number of KPIs")},
                "dtick": 1 if max((sum(c.values()) for c in counts), default=0) <= 12 else None,
            },
            "yaxis": {"autorange": "reversed", "automargin": True},
            "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
            "margin": {"l": 10, "r": 10, "t": 90, "b": 50},
            "height": max(280, 140 + 30 * len(categories)),
        },
    }


def describe_goal_marks(goal) -> str:
    from django.utils.translation import gettext as _

    parts = []
    if goal.computed.kpi_count:
        parts.append(_("Numerical targets: {marks}.").format(marks=goal.computed.as_text()[0] or "-"))
    for direction in goal.directions:
        text = _("{code}: computed {computed}").format(
            code=direction.code, computed=direction.computed.as_text()[0] or _("no KPI registered")
        )
        if direction.printed is not None:
            text += _(", as printed {printed}").format(printed=direction.printed.as_text()[0] or "-")
        parts.append(text + "。")
    return _("Marks by policy direction.") + " " + " ".join(parts)


def plan_marks_figure(marks_over_years, *, fiscal: bool = True) -> dict:
    """A plan's marks over the years as stacked columns (``PlanOverview.marks_over_years``)."""
    from django.utils.translation import gettext as _

    categories = [format_era_year(year, fiscal=fiscal) for year, _counts in marks_over_years]
    counts = [counts for _year, counts in marks_over_years]
    return {
        "data": _stacked_bars(categories, counts, horizontal=False),
        "layout": {
            "barmode": "stack",
            "font": {"family": FONT},
            "title": {"text": _("Marks over the years"), "font": {"size": 15}, **TITLE_PLACE},
            "xaxis": {"type": "category"},
            "yaxis": {"title": {"text": _("Number of KPIs")}},
            "legend": {"orientation": "h", "y": -0.15, "traceorder": "normal"},
            "margin": {"l": 50, "r": 10, "t": 50, "b": 80},
        },
    }


def describe_plan_marks(marks_over_years, *, fiscal: bool = True) -> str:
    from django.utils.translation import gettext as _

    parts = [
        f"{format_era_year(year, fiscal=fiscal)}: "
        + (" ".join(f"{mark} {count}" for mark, count in counts.items() if count) or "-")
        for year, counts in marks_over_years
    ]
    return _("Marks of the plan's KPIs over the years.") + " " + "、".join(parts) + "。"


PLAN_COLOURS = ("#0b5cad", "#b3261e", "#0a6b2d", "#8a5300", "#6a1b9a", "#00695c")


def lineage_figure(lineage) -> dict:
    """A KPI followed across plans (``crossplan.Lineage``): each plan's actuals and targets in
    its own colour, baselines as diamonds, the plans' boundaries as vertical lines."""
    from django.utils.translation import gettext as _

    traces, shapes, annotations = [], [], []
    fiscal = lineage.fiscal
    for index, segment in enumerate(lineage.segments):
        colour = PLAN_COLOURS[index % len(PLAN_COLOURS)]
        points = [point for point in lineage.points if point.plan_slug == segment.plan_slug]
        baseline = [point for point in points if point.kind == "baseline"]
        actuals = [point for point in points if point.kind == "actual" and point.value is not None]
        name = short_title(segment.plan_title)
        if baseline:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": f"{name} " + _("baseline"),
                    "x": [point.year for point in baseline],
                    "y": [_number(point.value) for point in baseline],
                    "marker": {"symbol": "diamond", "size": 11, "color": colour},
                }
            )
        if actuals:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers+text",
                    "name": f"{name} " + _("actual"),
                    "x": [point.year for point in actuals],
                    "y": [_number(point.value) for point in actuals],
                    "text": [point.mark + (" 速報値" if point.preliminary else "") for point in actuals],
                    "textposition": "top center",
                    "line": {"color": colour, "width": 3},
                    "marker": {"symbol": "square", "size": 9},
                }
            )
        for stated, dash in ((True, "solid"), (False, "dot")):
            targets = [t for t in lineage.targets if t.plan_slug == segment.plan_slug and t.stated is stated]
            if targets:
                traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines+markers",
                        "name": f"{name} " + (_("target (stated)") if stated else _("target (interpolated)")),
                        "x": [t.year for t in targets],
                        "y": [_number(t.value) for t in targets],
                        "line": {"dash": dash, "color": colour, "width": 1.5},
                        "marker": {"symbol": "circle-open", "size": 7},
                    }
                )
        if index:
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": segment.first_year - 0.5,
                    "x1": segment.first_year - 0.5,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#4a4a4a", "dash": "dash"},
                }
            )
        annotations.append(
            {
                "x": segment.first_year,
                "xanchor": "left",
                "y": 1.02,
                "yref": "paper",
                "showarrow": False,
                "text": short_title(segment.plan_title),
                "font": {"size": 12},
            }
        )
    years = sorted({point.year for point in lineage.points} | {t.year for t in lineage.targets})
    unit = "／".join(unit for unit in lineage.units if unit)
    return {
        "data": traces,
        "layout": {
            "title": {"text": lineage.name + (f" ({unit})" if unit else ""), "font": {"size": 15}, **TITLE_PLACE},
            "font": {"family": FONT},
            "xaxis": {"tickvals": years, "ticktext": [format_era_year(year, fiscal=fiscal) for year in years]},
            "yaxis": {"title": {"text": unit}},
            "legend": {"orientation": "h", "y": -0.25},
            "margin": {"l": 60, "r": 20, "t": 70, "b": 90},
            "shapes": shapes,
            "annotations": annotations,
        },
    }


def describe_lineage(lineage) -> str:
    from django.utils.translation import gettext as _

    plans = " → ".join(segment.plan_title for segment in lineage.segments)  # in full, for screen readers
    text = _("{name} followed across plans: {plans}.").format(name=lineage.name, plans=plans)
    latest = lineage.latest()
    if latest is not None:
        unit = lineage.units[-1] if lineage.units else ""
        text += " " + _("Latest actual: {year} {value}{unit} (mark {mark}).").format(
            year=format_era_year(latest.year, fiscal=lineage.fiscal),
            value=format_number(latest.value),
            unit=unit,
            mark=latest.mark,
        )
    return text


def comparison_figure(comparison) -> dict:
    """One kind of KPI across places (``crossplan.Comparison``): the values when every series
    has the same unit, else each series indexed to its first value (= 100)."""
    from django.utils.translation import gettext as _

    by_value = comparison.same_unit
    traces = []
    for index, series in enumerate(comparison.series):
        if by_value:
            points = [(p.year, _number(p.value), p.kind) for p in series.points if p.value is not None]
        else:
            kinds = {p.year: p.kind for p in series.points}
            points = [(year, _number(value), kinds.get(year, "actual")) for year, value in series.indexed()]
        if not points:
            continue
        colour = PLAN_COLOURS[index % len(PLAN_COLOURS)]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": f"{series.label}: {series.name}",
                "x": [year for year, _value, _kind in points],
                "y": [value for _year, value, _kind in points],
                "line": {"color": colour, "width": 2.5},
                "marker": {
                    "size": 9,
                    "symbol": ["diamond" if kind == "baseline" else "square" for _y, _v, kind in points],
                },
            }
        )
    years = comparison.years
    unit = comparison.series[0].units[0] if by_value and comparison.series and comparison.series[0].units else ""
    layout = {
        "title": {"text": comparison.label, "font": {"size": 15}, **TITLE_PLACE},
        "font": {"family": FONT},
        "xaxis": {"tickvals": years, "ticktext": [format_era_year(year, fiscal=True) for year in years]},
        "yaxis": {"title": {"text": unit if by_value else _("Index (first value = 100)")}, "rangemode": "normal"},
        # The legend sits at the foot of the figure, in a bottom margin sized for one line per
        # series (series names are long), so it never spills over the table that follows.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom"},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 70 + 26 * len(comparison.series)},
        "height": 420 + 26 * len(comparison.series),
    }
    if not by_value:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": 100,
                "y1": 100,
                "line": {"color": "#4a4a4a", "dash": "dot"},
            }
        ]
    return {"data": traces, "layout": layout}


def describe_comparison(comparison) -> str:
    from django.utils.translation import gettext as _

    parts = []
    for series in comparison.series:
        latest = series.latest()
        unit = series.units[-1] if series.units else ""
        if latest is None:
            parts.append(_("{place}: no actual yet").format(place=series.label))
        else:
            parts.append(
                _("{place}: {value}{unit} in {year}").format(
                    place=series.label,
                    value=format_number(latest.value),
                    unit=unit,
                    year=format_era_year(latest.year, fiscal=series.fiscal),
                )
            )
    what = _("values") if comparison.same_unit else _("indexed to each series' first value = 100")
    return (
        _("{label} compared across places ({what}).").format(label=comparison.label, what=what)
        + " "
        + "、".join(parts)
        + "。"
    )
