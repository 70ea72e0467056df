"""Template filters that show years and values the way staff read them (via plans.services)."""

from django import template

from plans.choices import ActualStatus, Mark, Outlook
from plans.presentation import format_number, format_rate
from plans.rules.notation import era_label, format_year

register = template.Library()


@register.filter
def era_year(year, year_kind="fiscal"):
    """2025 -> `R7年度 (2025)`; with "calendar", `R7年 (2025)`."""
    if year in (None, ""):
        return "-"
    return format_year(int(year), fiscal=year_kind != "calendar")


@register.filter
def era(year):
    """2017 -> `H29` (compact, for tables with a year per column)."""
    if year in (None, ""):
        return "-"
    return era_label(int(year))


@register.filter
def number(value, places=None):
    """Decimal('16507.000000') -> `16,507`; None -> `-`; ``value|number:kpi.places`` at the KPI's precision."""
    return format_number(value, places)


@register.filter
def percent(rate):
    """Decimal('0.625') -> `62.5%`."""
    return format_rate(rate)


@register.filter
def mark_word(mark):
    """○ -> 達成: marks are never told by their symbol (or colour) alone; "" for anything else."""
    found = Mark.find(mark)
    return found.word if found else ""


@register.filter
def mark_class(mark):
    """○ -> `ok` (CSS ``mark-ok``, ``bar-ok``); anything else is `none`."""
    return (Mark.find(mark) or Mark.NONE).css_class


@register.filter
def outlook_word(outlook):
    """A -> 目標達成済み; anything else is the word of no outlook (``-``)."""
    return (Outlook.find(outlook) or Outlook.NONE).word


@register.filter
def outlook_class(outlook):
    """A -> `ok` (CSS ``outlook-ok``, ``bar-ok``); anything else is `none`."""
    return (Outlook.find(outlook) or Outlook.NONE).css_class


@register.filter
def status_word(status):
    """pending -> 集計中; "" for a status that is not one of ``ActualStatus``."""
    found = ActualStatus.find(status)
    return found.word if found else ""
