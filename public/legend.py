"""The legend's worked examples (凡例の計算例), computed by the rating rules, as the page prints them.

Pure: plain values in, formatted text out; nothing here rates a KPI differently from
``plans.rules.rating``. The legend page (``public.views.LegendView``) only renders the result.

* The achievement rate (DOMAIN.md): 住みたいと思う市民の割合, baseline 75.4% (H26), H28 target
  77.0%, actual 76.4% → rate = 1.0 ÷ 1.6 = 62.5% → × (although 76.4 is 99% of 77.0).
* The outlook (README.md): baseline 12.0 in 2014, final target 17.0 in 2019, actuals 12.9, 11.2
  and 9.6 in 2015–2017: the least-squares trend moves away from the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from plans.presentation import format_number, format_rate
from plans.rules import rating

RATE_EXAMPLE = {"baseline": Decimal("75.4"), "target": Decimal("77.0"), "actual": Decimal("76.4")}
OUTLOOK_EXAMPLE = {
    "baseline_year": 2014,
    "baseline": Decimal("12.0"),
    "target_year": 2019,
    "target": Decimal("17.0"),
    "actuals": ((2015, Decimal("12.9")), (2016, Decimal("11.2")), (2017, Decimal("9.6"))),
}


@dataclass(frozen=True)
class RateExample:
    """The achievement rate worked out: (actual − baseline) ÷ (target − baseline), and its mark."""

    baseline: str
    target: str
    actual: str
    gain: str  # actual − baseline
    span: str  # target − baseline
    rate: str
    ratio: str  # actual ÷ target: what a reader might take for the rate
    mark: str


@dataclass(frozen=True)
class OutlookExample:
    """The outlook worked out: the trend's value in the target year, its rate and the outlook."""

    projected: str
    rate: str
    outlook: str


def rate_example(*, baseline: Decimal, target: Decimal, actual: Decimal) -> RateExample:
    """The rate and the mark of an increasing KPI, with the steps the legend prints.

    The rate is measured from the baseline (``rating.achievement_rate``), not as actual ÷ target,
    and the mark follows it (``rating.progress_mark``).
    """
    return RateExample(
        baseline=format_number(baseline),
        target=format_number(target),
        actual=format_number(actual),
        gain=format_number(actual - baseline),
        span=format_number(target - baseline),
        rate=format_rate(rating.achievement_rate(baseline=baseline, target=target, actual=actual)),
        ratio=format_rate(actual / target),
        mark=rating.progress_mark(direction=rating.INCREASE, baseline=baseline, target=target, actual=actual),
    )


def outlook_example(
    *,
    baseline_year: int,
    baseline: Decimal,
    target_year: int,
    target: Decimal,
    actuals: Sequence[tuple[int, Decimal]],
) -> OutlookExample:
    """The outlook of an increasing KPI: the least-squares trend of the baseline and the actuals
    projected to the target year (printed to two decimals), its rate from the baseline, and the
    outlook ``rating.outlook`` gives."""
    points = [(baseline_year, baseline), *actuals]
    projected = rating.projected_value(points=points, year=target_year)
    return OutlookExample(
        projected=format_number(projected.quantize(Decimal("0.01"))),
        rate=format_rate(rating.achievement_rate(baseline=baseline, target=target, actual=projected)),
        outlook=rating.outlook(
            direction=rating.INCREASE,
            baseline_year=baseline_year,
            baseline=baseline,
            target_year=target_year,
            target=target,
            actuals=dict(actuals),
        ),
    )
