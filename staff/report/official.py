"""The official ratings the report prints: for a report year, the one the plan printed for that year.

A plan prints its own outlook per KPI "as of" a date: 小郡 rates its KPIs ``R6.4現在`` (April
2024), after the R5 (FY2023) actuals it judges, and the transcription files the rating under
R6, the year of that date. Filed by year alone, the rating would come after the R5 report and
the report would print "-" for every KPI. The year a rating judges is therefore read from its
as-of date when it has one: the last year that had ended by then (``rated_year``); a rating
filed under the year it judges (久留米's H29 outlooks, no as-of date) keeps its year.

``rating_for_year`` picks, for a report year, the latest rating judging that year or an
earlier one; ``printed_outlooks`` loads a plan's printed outlooks in one query.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from plans.choices import RatingKind
from plans.models import OfficialRating
from plans.rules.years import parse_era_month

FISCAL_YEAR_FIRST_MONTH = 4  # 年度 runs April to March
_AS_OF_WORDS = re.compile(r"(現在|時点|時|付)$")


@dataclass(frozen=True)
class PrintedRating:
    """An outlook the plan printed: its label, the year it judges and its as-of date as printed."""

    label: str
    year: int
    as_of: str = ""

    @property
    def as_printed(self) -> str:
        """``A-（R6.4現在）``: the label with the date the plan printed it at, if any."""
        return f"{self.label}（{self.as_of}）" if self.as_of else self.label


def as_of_date(as_of: str) -> datetime.date | None:
    """The month an as-of text names (``R6.4現在`` -> 2024-04-01), or None when it names none."""
    text = _AS_OF_WORDS.sub("", (as_of or "").strip()).strip()
    return parse_era_month(text) if text else None


def rated_year(year: int, as_of: str) -> int:
    """The year a rating filed under ``year`` judges: with an as-of date, the last fiscal year
    ended by then (``R6.4`` -> FY2023 = R5), unless ``year`` is earlier still; else ``year``."""
    date = as_of_date(as_of)
    if date is None:
        return year
    last_ended = date.year - 1 if date.month >= FISCAL_YEAR_FIRST_MONTH else date.year - 2
    return min(year, last_ended)


def rating_for_year(ratings: Iterable[PrintedRating], year: int) -> PrintedRating | None:
    """The rating the report of ``year`` prints: the latest one judging ``year`` or earlier."""
    candidates = [rating for rating in ratings if rating.year <= year]
    return max(candidates, key=lambda rating: rating.year) if candidates else None


def printed_outlooks(plan_id: int) -> dict[int, list[PrintedRating]]:
    """Every outlook the plan printed, by KPI id, each with the year it judges (one query)."""
    result: dict[int, list[PrintedRating]] = {}
    rows = OfficialRating.objects.filter(kpi__plan_id=plan_id, kind=RatingKind.OUTLOOK).values_list(
        "kpi_id", "year", "label", "as_of"
    )
    for kpi_id, year, label, as_of in rows.order_by("kpi_id", "year"):
        result.setdefault(kpi_id, []).append(PrintedRating(label=label, year=rated_year(year, as_of), as_of=as_of))
    return result
