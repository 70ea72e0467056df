from decimal import Decimal
from itertools import pairwise

import pytest

from plans.rules.tallies import BarSegment, Tally, bar_segments, parse_printed_tally, tally


def test_tally_counts_by_mark_and_outlook():
    result = tally([("○", "A"), ("○", "A"), ("△", "B"), ("×", "C"), ("-", "-")])
    assert result.kpi_count == 5
    assert result.marks == {"○": 2, "△": 1, "×": 1, "-": 1}
    assert result.outlooks["A"] == 2
    assert result.as_text() == ("○ 2 △ 1 × 1 - 1", "A 2 B 1 C 1 - 1")


def test_tallies_add_up():
    assert (tally([("○", "A")]) + tally([("×", "E")])).kpi_count == 2


def test_empty_tally():
    assert tally([]) == Tally()


def test_unknown_mark_is_refused():
    with pytest.raises(ValueError):
        tally([("◎", "A")])


@pytest.mark.parametrize(
    ("text", "counts"),
    [("○ 7 △ 2 × 2 - 1", {"○": 7, "△": 2, "×": 2, "-": 1}), ("A 9 B 3", {"A": 9, "B": 3}), ("", {})],
)
def test_parse_printed_tally(text, counts):
    assert parse_printed_tally(text) == counts


@pytest.mark.parametrize("text", ["○ 7 △", "A x"])
def test_parse_printed_tally_refuses_broken_text(text):
    with pytest.raises(ValueError):
        parse_printed_tally(text)


def test_bar_segments_fill_the_bar_in_order_leaving_out_zeros():
    segments = bar_segments({"○": 7, "△": 2, "×": 0, "-": 3})
    assert segments == (
        BarSegment("○", 7, Decimal("0.00"), Decimal("58.33")),
        BarSegment("△", 2, Decimal("58.33"), Decimal("16.67")),
        BarSegment("-", 3, Decimal("75.00"), Decimal("25.00")),
    )


@pytest.mark.parametrize(
    "counts", [{"A": 1, "B": 1, "C": 1}, {"○": 1, "△": 5, "×": 7}, {"A": 2, "B": 3, "C": 3, "D": 3, "-": 3}, {"×": 1}]
)
def test_bar_segments_butt_and_their_widths_sum_to_100(counts):
    segments = bar_segments(counts)
    assert segments[0].start == 0
    assert all(left.start + left.width == right.start for left, right in pairwise(segments))
    assert sum(segment.width for segment in segments) == 100


def test_no_counts_no_bar():
    assert bar_segments({"○": 0, "△": 0}) == ()
    assert bar_segments({}) == ()
