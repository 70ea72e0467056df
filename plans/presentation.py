"""How numbers and rates are written for people (pure); marks' and outlooks' words are in ``plans.choices``."""

from decimal import Decimal


def format_number(value) -> str:
    """16507.000000 -> `16,507`, 81.70 -> `81.7`, None -> `-`.

    Stated digits are kept; a computed value with a long fraction (an interpolated target such
    as 28,811.333…) is shown to one decimal place.
    """
    if value is None or value == "":
        return "-"
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
