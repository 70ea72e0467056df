from decimal import Decimal

import pytest

from plans.presentation import format_number, format_rate


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("16507.000000"), "16,507"),
        (Decimal("81.70"), "81.7"),
        (Decimal("-69"), "-69"),
        (Decimal("-0.5"), "-0.5"),
        (Decimal("28811.33333333333"), "28,811.3"),
        (Decimal("1.575"), "1.575"),
        (None, "-"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_rate():
    assert format_rate(Decimal("0.625")) == "62.5%"
    assert format_rate(None) == "-"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("17958.666667"), 0, "17,959"),  # 小郡 市内就業者数, H28 interpolated: a count of 人
        (Decimal("63.000000"), 1, "63.0"),  # written 63.0%
        (Decimal("37.6"), 2, "37.60"),
        (Decimal("-236"), 0, "-236"),
        (Decimal("-0.4"), 0, "0"),
        (Decimal("1234.5"), 0, "1,235"),  # half up
        (Decimal("28811.33333333333"), None, "28,811.3"),  # no precision known: as before
        (None, 0, "-"),
    ],
)
def test_format_number_at_the_kpi_precision(value, places, text):
    assert format_number(value, places) == text
