"""One kind of KPI compared across places (``crossplan.Comparison``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plans.charts.base import FONT, PLAN_COLOURS, TITLE_PLACE, number
from plans.presentation import format_number
from plans.rules.notation import format_era_year


def comparison_figure(comparison) -> dict:
    """One kind of KPI across places (``crossplan.Comparison``): the values when every series
    has the same unit, else each series indexed to its first value (= 100)."""

    by_value = comparison.same_unit
    traces = []
    for index, series in enumerate(comparison.series):
        if by_value:
            points = [(p.year, number(p.value), p.kind) for p in series.points if p.value is not None]
        else:
            kinds = {p.year: p.kind for p in series.points}
            points = [(year, number(value), kinds.get(year, "actual")) for year, value in series.indexed()]
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
