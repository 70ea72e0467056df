"""Ids and years in URLs and query strings are read strictly (a wrong one is None, never a 500)."""

import pytest

from plans.params import id_param, year_param


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("2025", 2025),
        (2025, 2025),
        ("1868", 1868),
        ("2200", 2200),
        ("1867", None),
        ("2201", None),
        ("0000", None),
        ("²０２５", None),
        ("25", None),
        ("20250", None),
        (True, None),
        (None, None),
        ("", None),
    ],
)
def test_year_param(value, year):
    assert year_param(value) == year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("123456789012345678", 123456789012345678),
        ("1234567890123456789", None),
        ("²", None),
        ("-1", None),
        ("1.5", None),
        (None, None),
    ],
)
def test_id_param(value, expected):
    assert id_param(value) == expected
