"""Charts read on a phone (plans.charts): the title clear of the toolbar, the y-axis not forced to
0, and the region comparison's legend in its own margin under the plot."""

from decimal import Decimal

from plans import charts
from plans.rules.progress import KpiValues, kpi_series


def test_kpi_chart_is_not_forced_to_zero_and_its_title_starts_at_the_left():
    kpi = KpiValues(
        id=1,
        code="G1",
        name="住みたいと思う市民の割合",
        unit="%",
        baseline_year=2014,
        baseline=Decimal("75.4"),
        target_year=2019,
        target=Decimal("80"),
        actuals={2015: Decimal("76"), 2016: Decimal("76.4")},
    )
    layout = charts.kpi_figure(kpi, kpi_series(kpi))["layout"]
    assert layout["yaxis"]["rangemode"] == "normal"
    assert layout["title"]["xanchor"] == "left" and layout["title"]["x"] == 0
    assert "(2014)" in charts.describe_kpi(kpi, kpi_series(kpi))  # H26年度 (2014): the Western year beside the era
