"""Era and Western years as Japanese plans write them: `R元年度`, `H31`, `平成25～29年`, `2025`.

Pure functions, no ORM; the rules are DOMAIN.md's "Years". ``plans.rules.notation`` re-exports
every name here, so ``from plans.rules.notation import parse_year`` keeps working.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from plans.rules.text import normalize_text

# Era initials and names -> the Western year of the era's first year (元年).
ERAS = {
    "M": 1868,
    "明治": 1868,
    "明": 1868,
    "T": 1912,
    "大正": 1912,
    "大": 1912,
    "S": 1926,
    "昭和": 1926,
    "昭": 1926,
    "H": 1989,
    "平成": 1989,
    "平": 1989,
    "R": 2019,
    "令和": 2019,
    "令": 2019,
}
MIN_YEAR, MAX_YEAR = 1868, 2200
_ERA_YEAR = re.compile(
    r"^(?P<era>令和|平成|昭和|大正|明治|[RHSTM令平昭大明])\.?\s*(?P<num>元|\d{1,2})\s*"
    r"(?P<suffix>年度|年|FY)?$"
)
_WESTERN_YEAR = re.compile(r"^(?P<num>\d{4})\s*(?P<suffix>年度|年|FY)?$")
_FY_PREFIX = re.compile(r"^FY\s*(?P<num>\d{4})$")


@dataclass(frozen=True)
class EraYear:
    year: int
    fiscal: bool | None  # True for 年度, False for 年, None when the text does not say
    first_year: int | None = None  # the start of a period such as 平成25～29年 (its year is the end)


def parse_era_year(text: str) -> EraYear:
    """`R元年度`, `H31`, `令和3年度`, `R4 年度`, `2025`, `2025年度` -> the Western year."""
    if not isinstance(text, str):
        raise ValueError(f"「{text}」は年として読めません。")
    normalized = normalize_text(text).replace(" ", "")
    if "~" in normalized:
        return _parse_period(text, normalized)
    fiscal: bool | None = None
    match = _ERA_YEAR.match(normalized)
    if match:
        number = 1 if match["num"] == "元" else int(match["num"])
        if number < 1:
            raise ValueError(f"「{text}」は年として読めません。")
        year = ERAS[match["era"]] + number - 1
        suffix = match["suffix"]
    else:
        match = _WESTERN_YEAR.match(normalized) or _FY_PREFIX.match(normalized)
        if not match:
            raise ValueError(f"「{text}」は年として読めません（例: R7年度、H31、2025）。")
        year = int(match["num"])
        suffix = match.groupdict().get("suffix") or ("FY" if normalized.startswith("FY") else None)
    if suffix in ("年度", "FY"):
        fiscal = True
    elif suffix == "年":
        fiscal = False
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"「{text}」は対応している年の範囲（{MIN_YEAR}〜{MAX_YEAR}）の外です。")
    return EraYear(year=year, fiscal=fiscal)


def _parse_period(text: str, normalized: str) -> EraYear:
    """`平成25～29年`, `H27~R1`, `R2~R6年度`: a period, dated by its last year."""
    start_text, _sep, end_text = normalized.partition("~")
    if not start_text or not end_text or "~" in end_text:
        raise ValueError(f"「{text}」は年として読めません。")
    suffix = next((suffix for suffix in ("年度", "年") if end_text.endswith(suffix)), "")
    start = parse_era_year(start_text if start_text.endswith(("年度", "年")) else start_text + suffix)
    era = _ERA_YEAR.match(start_text.removesuffix("年度").removesuffix("年"))
    if end_text[0].isdigit() and era and not _WESTERN_YEAR.match(end_text):
        end_text = era["era"] + end_text  # 平成25～29年: the end inherits the era
    end = parse_era_year(end_text)
    if end.year < start.year:
        raise ValueError(f"「{text}」は期間の始まりが終わりより後です。")
    return EraYear(year=end.year, fiscal=end.fiscal, first_year=start.year)


def parse_year(text: str | int) -> int:
    """The Western year of an era or Western year as written: ``parse_year("R元年度") == 2019``."""
    if isinstance(text, int) and not isinstance(text, bool):
        if not MIN_YEAR <= text <= MAX_YEAR:
            raise ValueError(f"「{text}」は対応している年の範囲（{MIN_YEAR}〜{MAX_YEAR}）の外です。")
        return text
    return parse_era_year(text).year


def era_label(year: int) -> str:
    """`R7`, `R元`, `H30`: the era label staff read for a Western year."""
    for initial, start in (("R", 2019), ("H", 1989), ("S", 1926), ("T", 1912), ("M", 1868)):
        if year >= start:
            number = year - start + 1
            return f"{initial}{'元' if number == 1 else number}"
    return str(year)


def format_era_year(year: int, *, fiscal: bool = True) -> str:
    """2025 -> `R7年度` (or `R7年`): the year as staff write it, without the Western year."""
    return f"{era_label(year)}{'年度' if fiscal else '年'}"


def format_year(year: int, *, fiscal: bool = True) -> str:
    """``format_year(2025, fiscal=True) == "R7年度 (2025)"``."""
    return f"{format_era_year(year, fiscal=fiscal)} ({year})"


def parse_era_month(text: str):
    """`R5.12` or `令和5年12月` -> date(2023, 12, 1); None when the text names no month."""
    normalized = normalize_text(text).replace(" ", "")
    match = re.match(r"^(?P<year>.+?)(?:\.|年)(?P<month>\d{1,2})月?$", normalized)
    if not match:
        return None
    try:
        year = parse_year(match["year"])
    except ValueError:
        return None
    month = int(match["month"])
    return datetime.date(year, month, 1) if 1 <= month <= 12 else None
