"""What staff type for an actual, read in the KPI's own unit and checked for plausibility.

Pure functions, no ORM. Every door an actual comes through (the entry page as staff type, the
entry workbook, the admin, the plan import) asks :func:`check_entry`, so that `18万件` is
180,000 everywhere and nowhere 18.

- The text is read by ``plans.rules.notation.parse_value``, with its bounds (15 significant digits,
  magnitude under 10^15, 6 decimals) and its refusals (formulas, exponents); they are not repeated
  here. A converted value is checked against the same bounds.
- A multiplier (`万`, `千`, `百万`, `億`, `千万`, …) written with the KPI's base unit converts into
  the KPI's unit (`781,000人` for a 千人 KPI is 781) and the conversion is said in words. A plain
  number is in the KPI's unit. A unit of another kind (`150%` for a 人 KPI) is an error: which
  number was meant cannot be guessed.
- Warnings do not refuse; they ask the person to confirm: a value ten times or a tenth of the
  previous one or more (a slipped digit or unit), a change of a tenth of the previous value or more
  (`18万件` after 214,199件, the issue's example), a cumulative KPI that falls, a percentage above 100, and a percentage
  KPI given what looks like a ratio (`0.63` for 63%).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from plans.rules import notation

# The statuses a person may choose instead of a value, by their word and by their stored name.
CHOSEN_STATUSES = {
    "": "",
    "集計中": notation.PENDING,
    "未把握": notation.UNMEASURED,
    notation.PENDING: notation.PENDING,
    notation.UNMEASURED: notation.UNMEASURED,
}

# Japanese multipliers: a small one (十 百 千) optionally followed by a large one (万 億 兆);
# 十 and 百 alone are not written as multipliers of a unit.
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10**4, "億": 10**8, "兆": 10**12}
_MULTIPLIER = re.compile(r"^(?P<small>[十百千]?)(?P<large>[万億兆]?)")

# Spellings of one unit, so that `3ヶ所` is read for a か所 KPI.
_SAME_UNIT = (
    {"か所", "ヶ所", "ケ所", "カ所", "箇所", "ヵ所"},
    {"%", "パーセント"},
    {"ポイント", "pt"},
)

TENFOLD = Decimal(10)
NOTABLE_CHANGE = Decimal("0.1")  # a change of a tenth of the previous value or more asks to confirm
PERCENT = "%"


@dataclass(frozen=True)
class EntryCheck:
    """What a typed value is in the KPI's unit, and what to tell the person about it."""

    text: str  # as typed
    value: Decimal | None = None  # in the KPI's own unit; None without a value
    status: str = notation.BLANK  # measured / pending (集計中) / unmeasured (未把握) / blank
    errors: list[str] = field(default_factory=list)  # any error refuses the value
    warnings: list[str] = field(default_factory=list)  # kept only when the person confirms
    conversion: str = ""  # 「781,000人 → 781千人」; "" when the value is as typed
    raw: str = ""  # the text to store: as typed, or the converted value in the KPI's unit
    parsed: notation.ParsedValue | None = None  # the reading of the text (notes, preliminary, …)

    @property
    def ok(self) -> bool:
        return not self.errors


def split_unit(unit: str) -> tuple[int, str]:
    """A unit as its multiplier and its base: `千人` -> (1000, 人), `百万円` -> (10^6, 円), `件` -> (1, 件).

    A unit that is a multiplier alone (`万`) has the base "" (the KPI's base is meant).
    """
    unit = notation.normalize_text(unit or "").strip()
    match = _MULTIPLIER.match(unit)
    small, large = match["small"], match["large"]
    if small in ("十", "百") and not large:
        return 1, unit  # `百人` is not written; `十日町` is no unit to convert
    multiplier = _SMALL.get(small, 1) * _LARGE.get(large, 1)
    return multiplier, unit[match.end() :]


def _same_base(one: str, other: str) -> bool:
    return one == other or any(one in spellings and other in spellings for spellings in _SAME_UNIT)


def number_text(value: Decimal) -> str:
    """`781000` -> `781,000`; `1.20` -> `1.2`: a converted value as a person writes it."""
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{value:,}"


def _in_kpi_unit(parsed: notation.ParsedValue, unit: str) -> tuple[Decimal, str, list[str]]:
    """The parsed value in the KPI's unit, the conversion said in words, and errors."""
    typed_unit = notation.normalize_text(parsed.unit or "").strip()
    kpi_unit = notation.normalize_text(unit or "").strip()
    if not typed_unit or not kpi_unit or typed_unit == kpi_unit:
        return parsed.value, "", []  # a plain number, or the KPI's own unit (or a KPI without one)
    typed_multiplier, typed_base = split_unit(typed_unit)
    kpi_multiplier, kpi_base = split_unit(kpi_unit)
    if typed_base and not _same_base(typed_base, kpi_base):
        return (
            parsed.value,
            "",
            [
                f"「{notation.quote(parsed.raw)}」の単位「{notation.quote(typed_unit)}」は、"
                f"このKPIの単位「{kpi_unit}」と種類が違います。{kpi_unit}で入力してください。"
            ],
        )
    if typed_multiplier == kpi_multiplier:
        return parsed.value, "", []  # `3ヶ所` for か所: the same unit spelled otherwise
    value = parsed.value * typed_multiplier / kpi_multiplier
    try:
        value = notation.check_bounds(value, parsed.raw)
    except ValueError as error:
        return parsed.value, "", [str(error)]
    typed = f"{number_text(parsed.value)}{typed_unit}"
    return value, f"{typed} → {number_text(value)}{kpi_unit}", []


def _comparison_warnings(
    value: Decimal, unit: str, previous: Decimal | None, cumulative: bool, previous_label: str
) -> list[str]:
    if previous is None:
        return []
    before, now = f"{previous_label}の{number_text(previous)}{unit}", f"{number_text(value)}{unit}"
    warnings = []
    if previous != 0:
        ratio = abs(value / previous)
        if ratio >= TENFOLD:
            warnings.append(f"{before}から{now}へ、10倍以上になっています。桁や単位を確認してください。")
        elif ratio <= 1 / TENFOLD:
            warnings.append(f"{before}から{now}へ、10分の1以下になっています。桁や単位を確認してください。")
        elif abs(value - previous) >= abs(previous) * NOTABLE_CHANGE:
            change = (value - previous) / abs(previous) * 100
            moved = "増えて" if change > 0 else "減って"
            warnings.append(
                f"{before}から{now}へ、{abs(change):.1f}%{moved}います（1割以上の変化）。値を確認してください。"
            )
    if cumulative and value < previous:
        warnings.append(f"累計のKPIですが、{before}から{now}へ減っています。累計の値か確認してください。")
    return warnings


def _percentage_warnings(value: Decimal, unit: str, parsed: notation.ParsedValue) -> list[str]:
    multiplier, base = split_unit(unit)
    if multiplier != 1 or not _same_base(base, PERCENT):
        return []
    if value > 100:
        return [f"{number_text(value)}%は100%を超えています。値を確認してください。"]
    if 0 < value <= 1 and not parsed.unit:
        return [
            f"「{notation.quote(parsed.raw)}」は割合のように見えます。"
            f"{number_text(value * 100)}%のつもりではありませんか（このKPIの単位は%です）。"
        ]
    return []


def _stored_text(parsed: notation.ParsedValue, value: Decimal, unit: str) -> str:
    """The converted value as it is stored and shown: `180,000件`, with the annotations kept."""
    notes = f" ({parsed.note})" if parsed.note else ""
    return f"{number_text(value)}{unit}{notes}"


def check_entry(
    text,
    unit: str,
    previous: Decimal | None = None,
    cumulative: bool = False,
    *,
    status: str = "",
    previous_label: str = "前年度",
) -> EntryCheck:
    """Read ``text`` typed for a KPI whose unit is ``unit`` and check it.

    ``previous`` is the latest official value before the year (in the KPI's unit), ``cumulative``
    whether the KPI counts a running total, ``status`` the status chosen beside the value ("",
    集計中 or 未把握), ``previous_label`` how the messages name the previous value's year.

    ``check_entry("18万件", "件", Decimal("214199"))`` -> value 180000, conversion
    「18万件 → 180,000件」, no error, no warning; ``check_entry("18件", …)`` warns that it is a
    tenth of 214,199件 or less.
    """
    raw = text if isinstance(text, str) else "" if text is None else str(text)
    chosen = CHOSEN_STATUSES.get(status)
    if chosen is None:
        return EntryCheck(
            text=raw, raw=raw, errors=[f"状態「{notation.quote(status)}」は選べません（空欄・集計中・未把握）。"]
        )
    try:
        parsed = notation.parse_value(text)
    except ValueError as error:
        return EntryCheck(text=raw, raw=raw, errors=[str(error)])
    if parsed.value is None:
        if chosen:
            return EntryCheck(text=raw, raw=raw, status=chosen, parsed=parsed)
        return EntryCheck(text=raw, raw=raw, status=parsed.status, parsed=parsed)
    if chosen:
        return EntryCheck(text=raw, raw=raw, parsed=parsed, errors=["値を入力したときは状態を空欄にしてください。"])
    value, conversion, errors = _in_kpi_unit(parsed, unit)
    if errors:
        return EntryCheck(text=raw, raw=raw, parsed=parsed, errors=errors)
    kpi_unit = notation.normalize_text(unit or "").strip()
    warnings = [
        *_comparison_warnings(value, kpi_unit, previous, cumulative, previous_label),
        *_percentage_warnings(value, kpi_unit, parsed),
    ]
    return EntryCheck(
        text=raw,
        value=value,
        status=notation.MEASURED,
        warnings=warnings,
        conversion=conversion,
        raw=_stored_text(parsed, value, kpi_unit) if conversion else raw,
        parsed=parsed,
    )
