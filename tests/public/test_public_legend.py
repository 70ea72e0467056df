"""The legend's worked examples (public.legend): computed by the rating rules, printed as text."""

from decimal import Decimal

import pytest

from public.legend import OUTLOOK_EXAMPLE, RATE_EXAMPLE, OutlookExample, RateExample, outlook_example, rate_example


def test_the_documents_example_is_a_cross_although_the_actual_is_99_percent_of_the_target():
    # DOMAIN.md: 75.4% (H26) → target 77.0%, actual 76.4%: rate 1.0 ÷ 1.6 = 62.5% → ×.
    assert rate_example(**RATE_EXAMPLE) == RateExample(
        baseline="75.4",
        target="77",
        actual="76.4",
        gain="1",
        span="1.6",
        rate="62.5%",
        ratio="99.2%",
        mark="×",
    )


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "rate", "mark"),
    [
        ("10", "20", "17", "70.0%", "△"),  # exactly 0.7 is △
        ("10", "20", "16.9", "69.0%", "×"),
        ("10", "20", "20", "100.0%", "○"),  # exactly 1.0 is ○
        ("10", "20", "25", "150.0%", "○"),
    ],
)
def test_the_rate_is_measured_from_the_baseline_and_gives_the_mark(baseline, target, actual, rate, mark):
    example = rate_example(baseline=Decimal(baseline), target=Decimal(target), actual=Decimal(actual))
    assert (example.rate, example.mark) == (rate, mark)


def test_the_outlook_example_projects_the_trend_away_from_the_target():
    # README.md: 12.0 (2014) → 17.0 (2019), actuals 12.9, 11.2, 9.6: the least-squares line through
    # the baseline and the actuals falls to 8.31 in 2019, a rate of -73.8%: E.
    assert outlook_example(**OUTLOOK_EXAMPLE) == OutlookExample(projected="8.31", rate="-73.8%", outlook="E")


@pytest.mark.parametrize(
    ("actuals", "projected", "rate", "outlook"),
    [
        ([(2021, "110"), (2022, "120"), (2023, "130")], "140", "100.0%", "B"),  # on course: exactly 1.0 is B
        ([(2021, "110"), (2022, "120"), (2023, "140")], "150", "125.0%", "A"),  # the target already met
        ([(2021, "105"), (2022, "110"), (2023, "115")], "120", "50.0%", "D"),
    ],
)
def test_the_outlook_grades_the_trend_projected_to_the_target_year(actuals, projected, rate, outlook):
    example = outlook_example(
        baseline_year=2020,
        baseline=Decimal(100),
        target_year=2024,
        target=Decimal(140),
        actuals=[(year, Decimal(value)) for year, value in actuals],
    )
    assert example == OutlookExample(projected=projected, rate=rate, outlook=outlook)
