"""The planners' dashboards' marks as stacked bars: a goal's by policy direction, a plan's over the years."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plans.charts.base import FONT, TITLE_PLACE
from plans.choices import Mark
from plans.rules.notation import format_era_year


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

    parts = [
        f"{format_era_year(year, fiscal=fiscal)}: "
        + (" ".join(f"{mark} {count}" for mark, count in counts.items() if count) or "-")
        for year, counts in marks_over_years
    ]
    return _("Marks of the plan's KPIs over the years.") + " " + "、".join(parts) + "。"
