"""Numbers as Japanese plans write them (years: ``plans.rules.years``, re-exported here).

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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Years and the text normalisation live in their own modules; their names stay importable from here.
from plans.rules.text import normalize_text
from plans.rules.years import (  # noqa: F401
    ERAS,
    MAX_YEAR,
    MIN_YEAR,
    EraYear,
    era_label,
    format_era_year,
    format_year,
    parse_era_month,
    parse_era_year,
    parse_year,
)

MEASURED = "measured"
PENDING = "pending"
UNMEASURED = "unmeasured"
BLANK = "blank"

MAX_SIGNIFICANT_DIGITS = 15
MAX_DECIMAL_PLACES = 6
VALUE_LIMIT = Decimal(10) ** 15  # values lie strictly between -VALUE_LIMIT and VALUE_LIMIT
LARGEST_VALUE = VALUE_LIMIT - 1
QUOTED_CHARS = 40  # messages quote at most this much of what was typed

BLANK_MARKERS = {"", "-", "—", "―", "–", "‐", "ー", "−", "…", "/", "なし", "該当なし"}
PENDING_MARKERS = ("集計中", "調査中", "算出中")
UNMEASURED_MARKERS = ("未把握", "未集計", "未実施", "未調査", "把握できず")
PRELIMINARY_MARKERS = ("速報値", "速報")

_NUMBER = re.compile(r"(?<![\d.])[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d.])")
_PARENTHESISED = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
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
