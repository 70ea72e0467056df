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
