"""KPIs across plans and municipalities: the pure core of staff.crossplan."""

from decimal import Decimal

import pytest

from plans.rules.progress import ActualDetail, KpiValues, evaluate_kpi
from plans.selectors.progress import series_years
from staff.crossplan import (
    Lineage,
    LineageSegment,
    SeriesPoint,
    group_comparisons,
    index_to_first,
    kind_key,
    kpi_kind,
    lineage_ids,
    merge_segments,
    normalise_kpi_name,
    short_title,
)


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("年間観光入込調査人数", "観光入込調査人数"),
        ("創業者数(H27)", "創業者数"),
        ("農業後継者を含む新規就農者数(H27~)", "農業後継者を含む新規就農者数"),
        ("久留米市の 15 歳以上 80 歳未満の滞在人口", "15歳以上80歳未満の滞在人口"),
        ("市内の大学等の新卒者の市内企業への就職率", "大学等の新卒者の市内企業への就職率"),
        ("待機児童数", "待機児童数"),
        ("「小都市に住み続けたい」人の割合", "に住み続けたい人の割合"),
        ("人口の社会増加数(R7-11)", "人口の社会増加数"),
        ("ｶﾞﾝ検診", "ガン検診"),
    ],
)
def test_normalise_kpi_name(name, normalised):
    assert normalise_kpi_name(name) == normalised


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("大都市圏への転出超過数", "net-out-migration"),
        ("人口の社会増(2020R2～2024R6年)", "social-increase"),
        ("圏域人口の社会動態", "social-increase"),
        ("創業者数(H27)", "startups"),
        ("創業支援実現数", "startups"),
        ("創業融資件数", None),  # loans, not founders
        ("年間観光入込調査人数", "tourists"),
        ("観光入込客数", "tourists"),
        ("年間観光客数", "tourists"),
        ("年間観光消費額", None),
        ("農業後継者を含む新規就農者数(H27~)", "new-farmers"),
        ("新規就農者数", "new-farmers"),
        ("保育所入所待機児童数", "waiting-children"),
        ("合計特殊出生率", "fertility"),
        ("各種がん検診の平均受診率", "cancer-screening"),
        ("「小郡市に住み続けたい」人の割合", "wish-to-stay"),
        ("SNSのフォロー数", None),
    ],
)
def test_kpi_kind(name, kind):
    found = kpi_kind(name)
    assert (found.key if found else None) == kind


def test_an_unlisted_name_is_its_own_kind():
    assert kind_key("SNSのフォロー数(R2)") == ("name:SNSのフォロー数", "SNSのフォロー数")
    assert kind_key("SNSのフォロー数")[0] == kind_key("ＳＮＳのフォロー数")[0]


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("第2期 小郡市まち・ひと・しごと創生総合戦略", "第2期"),
        ("第3期 小郡市まち・ひと・しごと創生総合戦略 (素案)", "第3期"),
        ("うきは市ルネッサンス戦略の評価シート", "うきは市ルネッサンス戦略"),
    ],
)
def test_short_title(title, short):
    assert short_title(title) == short


def test_lineage_ids_walk_up_then_down():
    links = {2: 1, 3: 2, 9: None, 4: 3}
    assert lineage_ids(3, links) == [1, 2, 3, 4]
    assert lineage_ids(1, links) == [1, 2, 3, 4]
    assert lineage_ids(9, links) == [9]


def test_lineage_ids_stop_on_a_cycle():
    assert lineage_ids(1, {1: 2, 2: 1}) == [2, 1]


def _segment(slug, title, first, last, kpi, place="小郡市"):
    """A segment with its KPI's standing in each year as the rules store it."""
    stored = {year: evaluate_kpi(kpi, year=year) for year in series_years(kpi)}
    return LineageSegment(
        kpi=kpi, plan_slug=slug, plan_title=title, place=place, first_year=first, last_year=last, stored=stored
    )


SECOND = KpiValues(
    id=1,
    code="2(2)-1",
    name="年間観光入込調査人数",
    unit="千人",
    baseline_year=2018,
    baseline=Decimal(777),
    target_year=2024,
    target=Decimal(800),
    actuals={2020: Decimal(240), 2023: Decimal(747)},
    actual_details={2020: ActualDetail("240千人"), 2023: ActualDetail("747千人")},
)
THIRD = KpiValues(
    id=2,
    code="2(2)-1",
    name="年間観光入込客数",
    unit="千人",
    baseline_year=2023,
    baseline=Decimal(747),
    target_year=2029,
    target=Decimal(825),
)


def test_merge_segments_make_one_series_where_the_actual_wins_over_the_next_baseline():
    lineage = merge_segments(
        [
            _segment("ogori-strategy-2", "第2期 小郡市", 2020, 2024, SECOND),
            _segment("ogori-strategy-3", "第3期 小郡市", 2025, 2029, THIRD),
        ]
    )
    assert [(point.year, point.kind, point.plan_slug) for point in lineage.points] == [
        (2018, "baseline", "ogori-strategy-2"),
        (2020, "actual", "ogori-strategy-2"),
        (2023, "actual", "ogori-strategy-2"),
    ]
    assert lineage.latest().value == Decimal(747)
    assert lineage.label == "小郡市（第2期→第3期）"
    assert {target.plan_slug for target in lineage.targets} == {"ogori-strategy-2", "ogori-strategy-3"}
    assert lineage.points[1].mark == "×"
    assert float(lineage.points[1].rate) == pytest.approx((240 - 777) / (23 * 2 / 6))


def test_index_to_first_value():
    points = [
        SeriesPoint(2018, Decimal(200), "", "baseline", "a"),
        SeriesPoint(2020, Decimal(250), "", "actual", "a"),
        SeriesPoint(2021, None, "集計中", "actual", "a"),
    ]
    assert index_to_first(points) == [(2018, Decimal(100)), (2020, Decimal(125))]
    assert index_to_first([SeriesPoint(2018, Decimal(0), "", "baseline", "a")]) == []


def _lineage(name, place, kpi_id) -> Lineage:
    kpi = KpiValues(id=kpi_id, code="x", name=name, unit="人", actuals={2020: Decimal(kpi_id)})
    return merge_segments([_segment(f"p{kpi_id}", "第1期 計画", 2020, 2024, kpi, place)])


def test_group_comparisons_keep_kinds_measured_in_two_places():
    comparisons = group_comparisons(
        [
            _lineage("新規就農者数", "うきは市", 1),
            _lineage("農業後継者を含む新規就農者数(H27~)", "小郡市", 2),
            _lineage("SNSのフォロー数", "小郡市", 3),
            _lineage("SNSのフォロー数(R2)", "小郡市", 4),  # same place twice: not a comparison
            _lineage("合計特殊出生率", "小郡市", 5),
            _lineage("合計特殊出生率", "うきは市", 6),
        ]
    )
    assert [(comparison.key, comparison.places) for comparison in comparisons] == [
        ("new-farmers", ["うきは市", "小郡市"]),
        ("fertility", ["うきは市", "小郡市"]),
    ]
    assert comparisons[0].same_unit
    ((year, cells),) = comparisons[0].table()
    assert year == 2020
    assert [cell.value for cell in cells] == [Decimal(1), Decimal(2)]
