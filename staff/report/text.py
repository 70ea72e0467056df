"""How the report writes a value as text: numbers with units, actuals as written, era years."""

from __future__ import annotations

from plans.presentation import format_number
from plans.rules.notation import BLANK_MARKERS, format_era_year


def text_lines(text: str) -> list[str]:
    """A transcribed text block as lines: the Markdown list marks (``- ``) of the source removed."""
    lines = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line.startswith("- "):
            line = line[2:].strip()
        if line:
            lines.append(line)
    return lines


def with_unit(value, unit: str, places: int | None = None) -> str:
    """A number as the report prints it, with its unit (``18,161人``); ``-`` for none. With
    ``places`` (the KPI's precision) exactly that many decimals: an interpolated `17,959人`."""
    text = format_number(value, places)
    return text if text == "-" or not unit else f"{text}{unit}"


def actual_as_written(item_kpi, year: int) -> str:
    """The actual of ``year`` as staff wrote it (``集計中`` and annotations kept), or ``-``."""
    detail = item_kpi.actual_details.get(year)
    if detail is not None and detail.raw:
        return detail.raw
    value = item_kpi.actuals.get(year)
    return with_unit(value, item_kpi.unit, item_kpi.places) if value is not None else "-"


def actual_note(item_kpi, year: int) -> str:
    """What an actual says beyond its number, for a column of its own beside the number: the
    text as written when it carries more than the number and its unit (``18,165人 (R2)``,
    ``(速報値) 81.7%``, ``集計中``), ``速報値`` for a preliminary value, else ""."""
    detail = item_kpi.actual_details.get(year)
    if detail is None:
        return ""
    note = beyond_number(detail.raw, item_kpi.actuals.get(year), item_kpi.unit, item_kpi.places)
    if detail.preliminary and "速報" not in note:
        note = f"{note} 速報値".strip()
    return note


def beyond_number(raw: str, value, unit: str, places: int | None = None) -> str:
    """``raw`` when it says more than ``value`` and its unit (``17,891人 (H27)``, ``集計中``,
    ``16,507人以上``), "" when it is just the number (``16,507人``) or no value (``-``)."""
    raw = " ".join((raw or "").split())
    plain = {format_number(value, places), with_unit(value, unit, places)}
    if value is not None:
        plain |= {format_number(value), with_unit(value, unit)}
    return "" if raw in plain or raw in BLANK_MARKERS else raw


def era(year: int | None) -> str:
    """A year in the Japanese era as the documents print it (``R5年度``), or "" for none."""
    return format_era_year(year) if year else ""
