"""How numbers and rates are written for people (pure); marks' and outlooks' words are in ``plans.choices``."""

from decimal import ROUND_HALF_UP, Decimal


def format_number(value, places: int | None = None) -> str:
    """16507.000000 -> `16,507`, 81.70 -> `81.7`, None -> `-`.

    With ``places`` (the KPI's precision: the decimal places its values are written with) the
    value is shown with exactly that many, rounded half up: an interpolated 17,958.666… of a KPI
    counted in whole 人 is `17,959`, and 63.000000 of a KPI written `63.0%` is `63.0`. Without it,
    stated digits are kept and a long fraction is shown to one decimal place.
    """
    if value is None or value == "":
        return "-"
    if places is not None and places != "":
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
        sign = "-" if rounded < 0 else ""
        whole, sep, fraction = format(abs(rounded), "f").partition(".")
        return f"{sign}{int(whole):,}{sep}{fraction}"
    normalized = Decimal(value).normalize()
    if normalized == normalized.to_integral():
        return f"{int(normalized):,}"  # int(): Decimal("1E+2") is 100, not `1E+2`
    if -normalized.as_tuple().exponent > 3:
        normalized = normalized.quantize(Decimal("0.1"))
    sign = "-" if normalized < 0 else ""
    whole, _sep, fraction = format(abs(normalized), "f").partition(".")
    return f"{sign}{int(whole):,}.{fraction}"


def format_rate(rate) -> str:
    """Decimal('0.625') -> `62.5%`; None -> `-`."""
    if rate is None:
        return "-"
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.1'))}%"


def short_title(title: str) -> str:
    """`第2期 小郡市まち・ひと・しごと創生総合戦略` -> `第2期`; a title without a period number, cut to 12."""
    head = title.split()[0] if title.split() else title
    return head if head.startswith("第") and head.endswith("期") else title[:12]
