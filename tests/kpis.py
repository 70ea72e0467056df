"""KPIs as plain values (``KpiValues``) for the tests of the pure core and of what screens build
from it: the documents' own cases, shared instead of written again in each test file."""

from decimal import Decimal

from plans.rules import rating
from plans.rules.progress import KpiValues

D = Decimal


def worked_case(**values) -> KpiValues:
    """住みたいと思う市民の割合, DOMAIN.md's worked case: baseline 75.4% (H26), a stated H28 target of
    77.0%, final target 80.0% (H31), an H28 actual of 76.4% (rate 62.5%: ×); any field overridden."""
    defaults = {
        "id": 1,
        "code": "G4-2",
        "name": "住みたいと思う市民の割合",
        "unit": "%",
        "baseline_year": 2014,
        "baseline": D("75.4"),
        "target_year": 2019,
        "target": D("80.0"),
        "stated_targets": {2016: D("77.0")},
        "actuals": {2016: D("76.4")},
    }
    return KpiValues(**{**defaults, **values})


# 小郡 第2期 人口の社会増(2020R2～2024R6年): baseline 1,070人 (H27～R1, a five-year total), target 740人
# for R2～R6 (a five-year total), single-year actuals 210人, △69人, 665人, △236人 (R2–R5).
SOCIAL_INCREASE = KpiValues(
    id=1,
    code="G2-1",
    name="人口の社会増(2020R2～2024R6年)",
    unit="人",
    direction=rating.INCREASE,
    baseline_year=2019,
    baseline=D(1070),
    target_year=2024,
    target=D(740),
    fiscal=False,
    actuals={2020: D(210), 2021: D(-69), 2022: D(665), 2023: D(-236)},
    total_years=5,
    places=0,
)
