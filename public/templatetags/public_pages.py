"""Template helpers of the public pages: how years, values and marks are shown (via plans.services)."""

from django import template

from plans.presentation import format_number
from plans.rules.notation import format_year

register = template.Library()

MARK_CLASSES = {"○": "ok", "△": "warn", "×": "bad", "-": "none"}
OUTLOOK_CLASSES = {"A": "ok", "B": "ok", "C": "warn", "D": "bad", "E": "bad", "-": "none"}


@register.filter
def kpi_year(year, fiscal=True):
    """2023 -> `R5年度 (2023)`, or `R5年 (2023)` for a KPI counted per calendar year."""
    if year in (None, ""):
        return "-"
    return format_year(int(year), fiscal=bool(fiscal))


@register.filter
def mark_class(mark):
    return MARK_CLASSES.get(mark, "none")


@register.filter
def outlook_class(outlook):
    return OUTLOOK_CLASSES.get(outlook, "none")


@register.simple_tag
def quantity(value, unit="", at_least=False):
    """16507 and 人 -> `16,507人`, with `以上` for an at-least target; `-` for no value."""
    if value is None:
        return "-"
    return f"{format_number(value)}{unit}{'以上' if at_least else ''}"


@register.filter
def segments(counts):
    """Segments of the stacked bar for counts by mark or outlook (see public_summary.tally_segments)."""
    from public.summary import tally_segments

    return tally_segments(counts)
