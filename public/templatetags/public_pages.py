"""Template helpers of the public pages: how years, values and marks are shown (via plans.services)."""

from django import template

from plans.choices import Mark
from plans.presentation import format_number
from plans.rules.notation import format_year
from plans.rules.tallies import bar_segments
from plans.templatetags import kpi_format

register = template.Library()

# Marks' and outlooks' words and CSS classes come from plans.choices, through the staff filters.
for _name in ("mark_class", "outlook_word", "outlook_class"):
    register.filter(_name, getattr(kpi_format, _name))


@register.filter
def mark_word(mark):
    """○ -> 達成; anything that is not ○ △ × (a printed ``—``) reads as ``-``."""
    return (Mark.find(mark) or Mark.NONE).word


@register.filter
def kpi_year(year, fiscal=True):
    """2023 -> `R5年度 (2023)`, or `R5年 (2023)` for a KPI counted per calendar year."""
    if year in (None, ""):
        return "-"
    return format_year(int(year), fiscal=bool(fiscal))


@register.simple_tag
def quantity(value, unit="", at_least=False, places=None):
    """16507 and 人 -> `16,507人`, with `以上` for an at-least target; `-` for no value.

    ``places`` is the KPI's precision (``KpiValues.places``): 17958.67 of a KPI in whole 人 is `17,959人`."""
    if value is None:
        return "-"
    return f"{format_number(value, places)}{unit}{'以上' if at_least else ''}"


@register.filter
def segments(counts):
    """Segments of the stacked bar for counts by mark or outlook (``plans.rules.tallies.bar_segments``);
    the template gives each the CSS class of its mark or outlook (``mark_class``, ``outlook_class``)."""
    return bar_segments(counts)
