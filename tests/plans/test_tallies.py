import pytest

from plans.rules.tallies import Tally, parse_printed_tally, tally


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
