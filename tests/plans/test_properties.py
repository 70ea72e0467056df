"""Property tests: any text gives a result or a ValueError, never another exception."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from plans.rules.notation import parse_value, parse_year
from plans.rules.rating import outlook, progress_mark

japanese_ish = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            list("0123456789０１２３４５６７８９,，.．△▲-－—()（）%％人万億円年度令和平成RH元～~以上集計中未把握速報値")
        ),
    ),
    max_size=40,
)


@given(japanese_ish)
def test_parse_value_returns_or_raises_value_error(text):
    try:
        result = parse_value(text)
    except ValueError as error:
        assert str(error)
    else:
        assert result.raw == text
        assert result.value is None or isinstance(result.value, Decimal)
        assert (result.value is None) == (result.status != "measured")


@given(japanese_ish)
def test_parse_year_returns_an_int_or_raises_value_error(text):
    try:
        year = parse_year(text)
    except ValueError:
        return
    assert isinstance(year, int)
    assert 1868 <= year <= 2200


numbers = st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=2)


@given(st.sampled_from(["increase", "decrease", "maintain"]), numbers, numbers, st.one_of(st.none(), numbers))
def test_progress_mark_is_always_one_of_the_four(direction, baseline, target, actual):
    assert progress_mark(direction=direction, baseline=baseline, target=target, actual=actual) in {"○", "△", "×", "-"}


@given(
    st.sampled_from(["increase", "decrease", "maintain"]),
    numbers,
    numbers,
    st.dictionaries(st.integers(min_value=2015, max_value=2030), st.one_of(st.none(), numbers), max_size=6),
)
def test_outlook_is_always_a_grade(direction, baseline, target, actuals):
    grade = outlook(
        direction=direction, baseline_year=2014, baseline=baseline, target_year=2030, target=target, actuals=actuals
    )
    assert grade in {"A", "B", "C", "D", "E", "-"}
    if direction == "maintain":
        assert grade in {"A", "B", "E", "-"}
