"""The dashboards' hot spots stay cheap without changing what they show (issue 13, D2).

A 300-KPI plan's dashboard spent most of its time parsing every value as written to find the
KPI's precision (``notation.written_places``); ``written_places_of`` remembers it per KPI's
texts. These tests pin that the remembered answer is the rule's and that a repeat parses nothing.
"""

from unittest import mock

import pytest

from plans.rules import notation
from plans.selectors.progress import written_places_of


@pytest.mark.parametrize(
    "texts",
    [
        ("100人", "150人", "120人", "16,507人"),
        ("63.0%", "70%", None, "37.60%"),
        ("集計中", "", None),
        ("増加", "維持", "5.125件"),
        (),
    ],
)
def test_remembered_places_are_the_rules(texts):
    assert written_places_of(texts) == notation.written_places(texts)


def test_a_repeat_parses_nothing():
    texts = ("1.5件", "2.25件", "9.875件")
    assert written_places_of(texts) == 3
    with mock.patch.object(notation, "decimal_places", side_effect=AssertionError("parsed again")):
        assert written_places_of(texts) == 3
