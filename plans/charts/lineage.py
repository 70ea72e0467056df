"""A KPI followed across plans (``crossplan.Lineage``): each plan in its own colour."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plans.charts.base import FONT, PLAN_COLOURS, TITLE_PLACE, number
from plans.presentation import format_number, short_title
from plans.rules.notation import format_era_year


def lineage_figure(lineage) -> dict:
    """A KPI followed across plans (``crossplan.Lineage``): each plan's actuals and targets in
    its own colour, baselines as diamonds, the plans' boundaries as vertical lines."""

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
                    "y": [number(point.value) for point in baseline],
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
                    "y": [number(point.value) for point in actuals],
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
                        "y": [number(t.value) for t in targets],
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
