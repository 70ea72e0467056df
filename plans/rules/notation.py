"""Numbers and era years as Japanese plans write them.

Pure functions, no ORM. The rules are those of DOMAIN.md ("Years", "Numbers as the
documents write them"): NFKC first, `△`/`▲` before a number is a minus sign, units are kept
as written, annotations in parentheses travel with the value as a note, and the markers for
"no value" (`-`, `集計中`, `未把握`) give ``value=None`` with the reason kept as the status.
Text that cannot be a value raises ``ValueError`` quoting it.

Values stay within bounds every screen, export and database can hold: at most 15 significant
digits (a spreadsheet's precision), a magnitude under 10^15 and at most 6 decimal places (the
columns'). Exponents (`1e30`) and text a spreadsheet would run (`=…`, `@…`, `+` not followed by a
digit, a leading tab or carriage return) are refused: `=cmd|' /C calc'!A0` is not the value 0.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MEASURED = "measured"
PENDING = "pending"
UNMEASURED = "unmeasured"
BLANK = "blank"

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
MAX_SIGNIFICANT_DIGITS = 15
MAX_DECIMAL_PLACES = 6
VALUE_LIMIT = Decimal(10) ** 15  # values lie strictly between -VALUE_LIMIT and VALUE_LIMIT
LARGEST_VALUE = VALUE_LIMIT - 1
QUOTED_CHARS = 40  # messages quote at most this much of what was typed

BLANK_MARKERS = {"", "-", "—", "―", "–", "‐", "ー", "−", "…", "/", "なし", "該当なし"}
PENDING_MARKERS = ("集計中", "調査中", "算出中")
UNMEASURED_MARKERS = ("未把握", "未集計", "未実施", "未調査", "把握できず")
PRELIMINARY_MARKERS = ("速報値", "速報")

_MINUS_SIGNS = re.compile(r"[△▲▼−－]\s*(?=\d)")
_NUMBER = re.compile(r"(?<![\d.])[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d.])")
_PARENTHESISED = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_ERA_YEAR = re.compile(
    r"^(?P<era>令和|平成|昭和|大正|明治|[RHSTM令平昭大明])\.?\s*(?P<num>元|\d{1,2})\s*"
    r"(?P<suffix>年度|年|FY)?$"
)
_WESTERN_YEAR = re.compile(r"^(?P<num>\d{4})\s*(?P<suffix>年度|年|FY)?$")
_FY_PREFIX = re.compile(r"^FY\s*(?P<num>\d{4})$")
_ANNOTATED_YEAR = re.compile(r"^(?:令和|平成|[RH])\s*(?:元|\d{1,2})\s*(?:年度|年)?$")
_SURVEY = re.compile(r"^(?P<year>.+?)\s*調査$")
_CUMULATIVE_TO = re.compile(r"^(?:(?P<year>.+?)\s*(?:年度|年)?\s*まで(?:の)?\s*)?累計$|^(?P<year2>.+?)まで$")
_UNIT_SUFFIXES = ("以上", "以下", "未満", "超")
# What a spreadsheet would run: `=SUM(…)`, `@SUM(…)`, `+A1`, `-=…`; a signed number (`+1,520人`) is not.
_FORMULA = re.compile(r"^(?:[=@]|[+-]\s*[=@]|\+(?!\s*\d))")
_EXPONENT = re.compile(r"\d\s*[eE]\s*[+-]?\s*\d")
# A part of a whole in one unit, `36事業/39事業`: the part is the value.
_RATIO = re.compile(
    r"^(?P<part>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s/()+-]+)\s*/\s*"
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P=unit)$"
)
TARGET_WORD_ENDINGS = {"以上": "at_least", "超": "at_least", "以下": "at_most", "未満": "at_most", "維持": ""}


@dataclass(frozen=True)
class ParsedValue:
    """A value as a plan prints it, taken apart."""

    raw: str
    value: Decimal | None
    unit: str = ""
    status: str = MEASURED
    at_least: bool = False
    at_most: bool = False
    preliminary: bool = False
    survey_year: int | None = None
    cumulative: bool = False
    cumulative_to_year: int | None = None
    annotated_year: int | None = None
    note: str = ""
    maintain: bool = False  # a target written `維持` / `…を維持`: keep the baseline


@dataclass(frozen=True)
class EraYear:
    year: int
    fiscal: bool | None  # True for 年度, False for 年, None when the text does not say
    first_year: int | None = None  # the start of a period such as 平成25～29年 (its year is the end)


def normalize_text(text: str) -> str:
    """NFKC (full-width digits, commas and brackets to ASCII), `△ ▲` before a digit to minus."""
    text = unicodedata.normalize("NFKC", text).replace("〜", "~").replace("～", "~")
    text = text.replace("【", "(").replace("】", ")").replace("［", "(").replace("］", ")")
    text = _MINUS_SIGNS.sub("-", text)
    return re.sub(r"\s+", " ", text).strip()


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


def quote(text) -> str:
    """What was typed, shortened for a message: a 100 MB cell is not repeated back."""
    text = str(text)
    return text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS] + "…"


def check_bounds(value: Decimal, raw) -> Decimal:
    """``value`` if every screen, export and column can hold it; ValueError quoting ``raw`` if not."""
    if not value.is_finite():
        raise ValueError(f"「{quote(raw)}」は数値として読めません。")
    _sign, digits, exponent = value.normalize().as_tuple()
    if abs(value) >= VALUE_LIMIT:
        raise ValueError(f"「{quote(raw)}」は大きすぎます（絶対値は1,000兆未満にしてください）。")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        raise ValueError(f"「{quote(raw)}」は桁が多すぎます（有効数字{MAX_SIGNIFICANT_DIGITS}桁まで）。")
    if exponent < -MAX_DECIMAL_PLACES:
        raise ValueError(f"「{quote(raw)}」は小数点以下の桁が多すぎます（{MAX_DECIMAL_PLACES}桁まで）。")
    return value


def _decimal(number: str) -> Decimal:
    try:
        return Decimal(number.replace(",", "").replace("+", ""))
    except InvalidOperation as error:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"「{number}」は数値として読めません。") from error


def _annotations(text: str) -> tuple[str, list[str]]:
    """Split `39.3 万人 (速報値)` into the text outside brackets and the annotations."""
    notes = [match.group(1).strip() for match in _PARENTHESISED.finditer(text)]
    outside = _PARENTHESISED.sub(" ", text)
    if "(" in outside or ")" in outside:
        # An unbalanced bracket: keep what follows it as a note rather than guess.
        head, _sep, tail = outside.replace(")", "(").partition("(")
        outside, notes = head, [*notes, tail.strip()]
    return re.sub(r"\s+", " ", outside).strip(), [note for note in notes if note]


def _year_or_none(text: str) -> int | None:
    try:
        return parse_year(text)
    except ValueError:
        return None


def parse_value(text: str | int | float | Decimal | None) -> ParsedValue:
    """Parse a value as written: ``parse_value("16,507人以上")`` -> 16507, unit 人, at_least.

    Returns a :class:`ParsedValue`; raises ``ValueError`` quoting the text when it cannot be a
    value (no number, or two numbers outside the annotations).
    """
    if text is None:
        return ParsedValue(raw="", value=None, status=BLANK)
    if isinstance(text, bool):
        raise ValueError(f"「{text}」は数値として読めません。")
    if isinstance(text, int | Decimal):
        return ParsedValue(raw=str(text), value=check_bounds(Decimal(text), text))
    if isinstance(text, float):
        # A spreadsheet's number: 15 significant digits are all it holds (0.1 + 0.2 is 0.3 there).
        value = Decimal(format(text, ".15g")) if math.isfinite(text) else Decimal("NaN")
        value = check_bounds(value, text)
        return ParsedValue(raw=repr(text) if Decimal(repr(text)) == value else str(value), value=value)
    if not isinstance(text, str):
        raise ValueError(f"「{quote(text)}」は数値として読めません。")
    raw = text
    normalized = normalize_text(text)
    if text[:1] in ("\t", "\r") or _FORMULA.match(normalized):
        raise ValueError(f"「{quote(raw)}」は数式のように見えるため、値として受け付けません。")
    if _EXPONENT.search(normalized):
        raise ValueError(f"「{quote(raw)}」の指数表記は使えません。数字で書いてください（例: 1,200,000）。")
    outside, notes = _annotations(normalized)

    preliminary = any(marker in normalized for marker in PRELIMINARY_MARKERS)
    if outside in BLANK_MARKERS or outside.strip("-—―ー ") == "":
        status = BLANK
        if any(marker in normalized for marker in PENDING_MARKERS):
            status = PENDING
        elif any(marker in normalized for marker in UNMEASURED_MARKERS):
            status = UNMEASURED
        if status == BLANK and notes and not (len(notes) == 1 and notes[0] in PRELIMINARY_MARKERS):
            # `- (R3)`: no value; keep the annotation as a note.
            return ParsedValue(raw=raw, value=None, status=BLANK, note=" / ".join(notes))
        return ParsedValue(raw=raw, value=None, status=status, note=" / ".join(notes))
    for markers, status in ((PENDING_MARKERS, PENDING), (UNMEASURED_MARKERS, UNMEASURED)):
        if any(marker in outside for marker in markers) and not _NUMBER.search(outside):
            reason = [] if outside in markers else [outside]  # `集計中` alone needs no note
            return ParsedValue(raw=raw, value=None, status=status, note=" / ".join([*reason, *notes]))

    numbers = list(_NUMBER.finditer(outside))
    if len(numbers) == 2 and (ratio := _RATIO.match(outside)):
        # `36事業/39事業(92.3%)`: 36 of 39 projects; the value is the part, in the unit both share.
        outside, notes = ratio["part"] + ratio["unit"], [outside, *notes]
        numbers = numbers[:1]
    if not numbers:
        raise ValueError(f"「{quote(raw)}」は数値として読めません。")
    if len(numbers) > 1:
        raise ValueError(f"「{quote(raw)}」には数値が複数あり、どれが値か決められません。")
    number = numbers[0]
    value = check_bounds(_decimal(number.group(0)), raw)
    prefix = outside[: number.start()].strip()
    rest = outside[number.end() :].strip()

    at_least = at_most = False
    for suffix in _UNIT_SUFFIXES:
        if suffix in rest:
            at_least = at_least or suffix in ("以上", "超")
            at_most = at_most or suffix in ("以下", "未満")
            rest = rest.replace(suffix, " ")
    unit_part, _sep, trailing = rest.strip().partition(" ")
    unit = unit_part.strip()
    extra_notes = [part for part in (prefix, trailing.strip()) if part]
    if prefix in ("+",):
        extra_notes.remove(prefix)

    survey_year = cumulative_to = annotated_year = None
    cumulative = "累計" in normalized
    for note in notes:
        compact = note.replace(" ", "")
        if _ANNOTATED_YEAR.match(compact):
            annotated_year = _year_or_none(compact)
        elif survey := _SURVEY.match(compact):
            survey_year = _year_or_none(survey["year"])
        elif (cumulative_match := _CUMULATIVE_TO.match(compact)) and (
            year_text := cumulative_match["year"] or cumulative_match["year2"]
        ):
            cumulative_to = _year_or_none(year_text) or _year_or_none(year_text + "年度")
    return ParsedValue(
        raw=raw,
        value=value,
        unit=unit,
        status=MEASURED,
        at_least=at_least,
        at_most=at_most,
        preliminary=preliminary,
        survey_year=survey_year,
        cumulative=cumulative,
        cumulative_to_year=cumulative_to,
        annotated_year=annotated_year,
        note=" / ".join([*extra_notes, *notes]),
    )


def parse_target(text: str | int | float | Decimal | None) -> ParsedValue:
    """A target as written: a value (:func:`parse_value`), or a target in words.

    A target in words names what to reach without a number: `全国平均以上`, `滞在人口を維持`.
    It has no value; the words are kept as the note, `以上` (`超`) makes it at least and `以下`
    (`未満`) at most. Until the number it names is known no year can be judged against it (the
    mark is -). A target ending in `維持` (`滞在人口を維持`, `241,724人を維持`) is a maintain target
    (``maintain``): the importer stores the baseline as its value and the KPI's direction as
    maintain. Text that is neither raises ``ValueError`` as parse_value does.
    """
    words = normalize_text(text) if isinstance(text, str) else ""
    if words.endswith("維持") and _NUMBER.search(words) and not _FORMULA.match(words) and text[:1] not in ("\t", "\r"):
        # `241,724人を維持`: the number is the level to keep.
        parsed = parse_value(re.sub(r"\s*を?\s*維持$", "", words))
        return ParsedValue(**{**parsed.__dict__, "raw": text, "maintain": True})
    try:
        return parse_value(text)
    except ValueError:
        if not isinstance(text, str):
            raise
        ending = next((ending for ending in TARGET_WORD_ENDINGS if words.endswith(ending)), None)
        if ending is None or (ending == words and ending != "維持") or _NUMBER.search(words):
            raise
        if text[:1] in ("\t", "\r") or _FORMULA.match(words):
            raise
    kind = TARGET_WORD_ENDINGS[ending]
    return ParsedValue(
        raw=text,
        value=None,
        status=BLANK,
        at_least=kind == "at_least",
        at_most=kind == "at_most",
        note=words,
        maintain=ending == "維持",
    )


def decimal_places(text: str | int | float | Decimal | None) -> int | None:
    """The decimal places a value is written with: `63.0%` 1, `16,507人` 0, `37.60%` 2; None for no value.

    Text that is not a value (a target in words, an unreadable cell) has no places either.
    """
    try:
        parsed = parse_value(text)
    except ValueError:
        return None
    if parsed.value is None:
        return None
    if isinstance(text, float):
        return max(0, -parsed.value.normalize().as_tuple().exponent)
    return max(0, -parsed.value.as_tuple().exponent)


def written_places(texts: Iterable[str | None]) -> int | None:
    """A KPI's precision: the most decimal places among its values as written (None when none has a value)."""
    places = [found for text in texts if text and (found := decimal_places(text)) is not None]
    return max(places) if places else None


def parse_era_month(text: str):
    """`R5.12` or `令和5年12月` -> date(2023, 12, 1); None when the text names no month."""
    import datetime

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
