"""One KPI over the years: its baseline, yearly targets, actuals and trend.

A KPI whose baseline and target are totals over several years (``KpiValues.total_years``) is judged
on running totals (``plans.rules.rating.total_standing``), so its chart shows the same: the running
total of the actuals against the target prorated to the years elapsed (target × k / N in the k-th
of N years), never its single-year actuals against the whole total.

The charts draw the rows they are given: the KPI's stored years (``StoredYear.row``, the years its
table lists), each with its stored target and mark; no rule runs here. A total's running totals are
the actuals added up (``plans.rules.rating.running_total``), drawn beside each year's stored mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from plans.charts.base import COLOURS, FONT, TITLE_PLACE, number
from plans.choices import ActualStatus
from plans.presentation import format_number
from plans.rules import rating
from plans.rules.notation import format_era_year, format_year
from plans.rules.progress import KpiValues, YearRow, trend_line


def kpi_figure(kpi: KpiValues, rows: Sequence[YearRow]) -> dict:
    """Baseline, yearly targets (stated solid, interpolated dotted), actuals with their
    annotations, and the trend projected to the target year; for a total over several years,
    the running total of the actuals against the prorated target (:func:`_total_traces`).
    ``rows`` are the KPI's years with their stored targets and marks."""
    series = _with_running_totals(kpi, rows)
    unit = f" ({kpi.unit})" if kpi.unit else ""
    traces = _total_traces(kpi, series) if kpi.total_years else _single_year_traces(kpi, series)
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
    # A total KPI's baseline total is not drawn (it is on the scale of the whole span, not of a year).
    shown_baseline = kpi.baseline_year if kpi.baseline_year and not kpi.total_years else None
    years = sorted({row.year for row in series} | ({shown_baseline} if shown_baseline else set()))
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
            "yaxis": {"title": {"text": _y_title(kpi)}, "rangemode": "normal", "automargin": True, "zeroline": False},
            "legend": {"orientation": "h", "y": -0.25},
            "margin": {"l": 50, "r": 20, "t": 60, "b": 80},
            "annotations": annotations,
        },
    }


def _with_running_totals(kpi: KpiValues, rows: Sequence[YearRow]) -> list[YearRow]:
    """The rows after the baseline year (an actual printed for the baseline year is the baseline,
    not drawn twice), in year order; for a total KPI, each with its running total (its actuals
    added up since its span began; a cumulative KPI's actual is its running total)."""
    rows = sorted((row for row in rows if row.year > (kpi.baseline_year or 0)), key=lambda row: row.year)
    if not kpi.total_years:
        return rows
    span = kpi.total_span
    return [replace(row, running_total=_running_total(kpi, span, row)) for row in rows]


def _running_total(kpi: KpiValues, span: range | None, row: YearRow):
    if span is None or row.year not in span:
        return None
    return row.actual if kpi.cumulative else rating.running_total(actuals=kpi.actuals, span=span, year=row.year)


def _single_year_traces(kpi: KpiValues, series: list[YearRow]) -> list[dict]:
    traces = []
    if kpi.baseline is not None and kpi.baseline_year is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "基準値",
                "x": [kpi.baseline_year],
                "y": [number(kpi.baseline)],
                "marker": {"symbol": "diamond", "size": 11, "color": COLOURS["baseline"]},
                "hovertemplate": (
                    f"基準値 {format_era_year(kpi.baseline_year, fiscal=kpi.fiscal)}: %{{y}}{kpi.unit}<extra></extra>"
                ),
            }
        )
    for stated, name, dash in ((True, "目標値（計画に記載）", "solid"), (False, "目標値（直線で補間）", "dot")):
        rows = [row for row in series if row.target.value is not None and row.target.stated is stated]
        if rows:
            traces.append(_target_trace(name, rows, dash=dash, colour=COLOURS["stated" if stated else "interpolated"]))
    actual_rows = [row for row in series if row.actual is not None]
    if actual_rows:
        traces.append(
            _actual_trace(
                "実績値",
                actual_rows,
                [row.actual for row in actual_rows],
                [bool(row.detail and row.detail.preliminary) for row in actual_rows],
            )
        )
    trend = trend_line(kpi)
    if trend:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "傾向（最小二乗法）",
                "x": [year for year, _value in trend],
                "y": [number(value) for _year, value in trend],
                "line": {"dash": "dash", "color": COLOURS["trend"]},
            }
        )
    return traces


def _total_traces(kpi: KpiValues, series: list[YearRow]) -> list[dict]:
    """A total over N years: the target prorated to each year of its span (the final total in its
    last year) and the running total of the actuals, marked as each year is judged. A running
    total that adds up a preliminary actual (速報値) is preliminary too."""
    traces = []
    targets = [row for row in series if row.target.value is not None]
    if targets:
        traces.append(_target_trace("目標（合計の按分）", targets, dash="dot", colour=COLOURS["stated"]))
    totals, preliminary, any_preliminary = [], [], False
    for row in series:
        own = bool(row.detail and row.detail.preliminary)
        any_preliminary = own if kpi.cumulative else (any_preliminary or own)
        if row.running_total is not None:
            totals.append(row)
            preliminary.append(any_preliminary)
    if totals:
        traces.append(_actual_trace("実績の累計", totals, [row.running_total for row in totals], preliminary))
    return traces


def _target_trace(name: str, rows: Sequence[YearRow], *, dash: str, colour: str) -> dict:
    """A line of targets (open circles)."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [row.year for row in rows],
        "y": [number(row.target.value) for row in rows],
        "line": {"dash": dash, "color": colour},
        "marker": {"symbol": "circle-open", "size": 8},
    }


def _actual_trace(name: str, rows: Sequence[YearRow], values: Sequence, preliminary: Sequence[bool]) -> dict:
    """A line of actuals (squares), each labelled with its year's mark and 速報値 when preliminary."""
    return {
        "type": "scatter",
        "mode": "lines+markers+text",
        "name": name,
        "x": [row.year for row in rows],
        "y": [number(value) for value in values],
        "text": [row.mark + (" 速報値" if flag else "") for row, flag in zip(rows, preliminary, strict=True)],
        "textposition": "top center",
        "line": {"color": COLOURS["actual"], "width": 3},
        "marker": {"symbol": "square", "size": 9},
    }


def _y_title(kpi: KpiValues) -> str:
    if not kpi.total_years:
        return kpi.unit
    return f"累計（{kpi.unit}）" if kpi.unit else "累計"


def describe_kpi(kpi: KpiValues, rows: Sequence[YearRow]) -> str:
    """A sentence that says what the KPI chart shows, for those who cannot see it (``rows``: the
    KPI's years with their stored targets and marks, as :func:`kpi_figure` draws them)."""
    if kpi.total_years:
        return _describe_total(kpi, _with_running_totals(kpi, rows))
    series = [row for row in _with_running_totals(kpi, rows) if row.actual is not None]
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


def _describe_total(kpi: KpiValues, series: list[YearRow]) -> str:
    """What the chart of a total over N years shows: running totals against the prorated target."""
    years, places = kpi.total_years, kpi.places
    parts = [f"{kpi.name}の推移。"]
    span = kpi.total_span
    if kpi.target is not None and span is not None:
        first = format_year(span.start, fiscal=kpi.fiscal)
        last = format_year(span[-1], fiscal=kpi.fiscal)
        parts.append(f"目標は{years}年間（{first}〜{last}）の合計で{format_number(kpi.target)}{kpi.unit}。")
    if kpi.baseline is not None and kpi.baseline_year is not None:
        baseline_year = format_year(kpi.baseline_year, fiscal=kpi.fiscal)
        parts.append(f"基準値は{baseline_year}までの{years}年間の合計で{format_number(kpi.baseline)}{kpi.unit}。")
    parts.append(
        f"グラフは単年度の実績値ではなく、実績の累計と、目標の合計を経過年数で按分した値（目標×経過年数÷{years}）を比べます。"
    )
    rows = [row for row in series if row.running_total is not None]
    if rows:
        latest = rows[-1]
        when = format_year(latest.year, fiscal=kpi.fiscal)
        parts.append(
            f"最新の実績の累計は{when}までで{format_number(latest.running_total, places)}{kpi.unit}、"
            f"按分した目標は{format_number(latest.target.value, places)}{kpi.unit}（進捗度 {latest.mark}）。"
        )
    elif any(value is not None for value in kpi.actuals.values()):
        parts.append("実績の累計はまだ出せません（欠けている年度があります）。")
    else:
        parts.append("実績値はまだありません。")
    return "".join(parts)
