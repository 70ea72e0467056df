"""The annual evaluation report's pure core (staff.report)."""

from decimal import Decimal

import pytest

from plans.rules.progress import ActualDetail, KpiValues, evaluate_kpi
from plans.rules.rating import ScaleLabel
from staff.overview import YearMark
from staff.report import PreviousKpi, SuccessorKpi, legend_lines, review_point, succession_rows, target_rows, text_lines


@pytest.mark.parametrize(
    ("note", "heading", "lines"),
    [
        (
            "Maintain-or-exceed target (以上). "
            "評価のポイント <新規雇用者数>: ・29年度の実績は、目標を達成。・景況の継続が考えられる。",
            "新規雇用者数",
            ("29年度の実績は、目標を達成。", "景況の継続が考えられる。"),
        ),
        (
            "The overview names it X. 評価のポイント: ・各年度目標は3年連続で達成している。",
            "",
            ("各年度目標は3年連続で達成している。",),
        ),
        ("No 評価のポイント is printed for goal 4.", None, None),
        ("see G5-1 for the shared marks, outlook and 評価のポイント.", None, None),
        ("", None, None),
    ],
)
def test_review_point_is_read_from_the_transcription_note(note, heading, lines):
    point = review_point(note)
    if heading is None:
        assert point is None
    else:
        assert point.heading == heading
        assert point.lines == lines


def test_text_lines_drop_the_markdown_list_marks():
    assert text_lines("- ・産学官金による支援を実施。\n- ・販路拡大を図る。\n\n課題") == [
        "・産学官金による支援を実施。",
        "・販路拡大を図る。",
        "課題",
    ]


def test_legend_lines_list_marks_plan_scale_and_canonical_outlooks():
    marks, plan_scale, canonical = legend_lines((ScaleLabel("A", ("A", "B"), "目標を達成できる見込み"),))
    assert marks[0].startswith("○：")
    assert plan_scale == ["A：目標を達成できる見込み"]
    assert [line[0] for line in canonical] == ["A", "B", "C", "D", "E", "-"]


TOURISTS = KpiValues(
    id=4,
    code="G2-2",
    name="年間観光客数",
    unit="万人",
    level="goal",
    goal_number=2,
    baseline_year=2013,
    baseline=Decimal(515),
    target_year=2019,
    target=Decimal(700),
    stated_targets={2015: Decimal(530), 2016: Decimal(600), 2017: Decimal(650)},
    actuals={2015: Decimal(525), 2016: Decimal(537), 2017: None},
    actual_details={
        2015: ActualDetail("525万人"),
        2016: ActualDetail("537万人"),
        2017: ActualDetail("集計中", "pending"),
    },
)


def test_target_rows_show_every_year_with_actuals_as_written_up_to_the_report_year():
    progress = evaluate_kpi(TOURISTS, year=2016)
    marks = [YearMark(2015, "×", "×"), YearMark(2016, "×", "×")]
    rows = target_rows(progress, marks, [2013, 2014, 2015, 2016, 2017, 2018, 2019])
    assert [row.year for row in rows] == [2014, 2015, 2016, 2017, 2018, 2019]
    by_year = {row.year: row for row in rows}
    assert by_year[2015].actual == "525万人"
    assert by_year[2015].target == "530万人"
    assert by_year[2015].target_stated
    assert not by_year[2014].target_stated  # interpolated between the baseline and the H27 target
    assert by_year[2017].actual == ""  # after the report year
    assert by_year[2016].printed_mark == "×"


def test_target_rows_keep_being_compiled_as_written():
    progress = evaluate_kpi(TOURISTS, year=2017)
    rows = {row.year: row for row in target_rows(progress, [], [2017])}
    assert rows[2017].actual == "集計中"


def _previous(kpi_id, code, direction_code="", goal=1, *, dropped=False, label=""):
    kpi = KpiValues(id=kpi_id, code=code, name=f"第2期{code}", goal_number=goal, direction_code=direction_code)
    return PreviousKpi(evaluate_kpi(kpi, year=2023), "1件", "5件", ((2023, "3件"),), dropped, label)


def _following(kpi_id, code, predecessor=None, link="", direction_code="", goal=1, label=""):
    return SuccessorKpi(
        kpi_id, code, f"第3期{code}", "件", "3件", "9件", 2029, "企画課", goal, direction_code, predecessor, link, label
    )


def test_succession_rows_put_each_kpi_beside_what_it_becomes():
    previous = [
        _previous(1, "G1-1"),
        _previous(2, "1(1)-1", "1(1)"),
        _previous(3, "1(1)-2", "1(1)", dropped=True, label="削除"),
        _previous(4, "2(4)-1", "2(4)", goal=2),
    ]
    following = [
        _following(11, "G1-1", predecessor=1, link="continued"),
        _following(12, "1(1)-n1", predecessor=2, link="replaced", direction_code="1(1)"),
        _following(13, "1(1)-n2", direction_code="1(1)"),  # new, placed after its direction's rows
        _following(14, "2(1)-6", predecessor=4, link="moved", direction_code="2(1)", goal=2, label="2(4)から移動"),
        _following(15, "9(9)-n1", direction_code="9(9)", goal=9),  # new, no such direction or goal: at the end
    ]
    rows = succession_rows(previous, following)
    assert [
        (
            row.previous.progress.kpi.code if row.previous else None,
            row.following.code if row.following else None,
            row.status,
        )
        for row in rows
    ] == [
        ("G1-1", "G1-1", "continued"),
        ("1(1)-1", "1(1)-n1", "replaced"),
        ("1(1)-2", None, "dropped"),
        (None, "1(1)-n2", "new"),
        ("2(4)-1", "2(1)-6", "moved"),
        (None, "9(9)-n1", "new"),
    ]
    assert rows[2].printed_label == "削除"
    assert rows[4].printed_label == "2(4)から移動"


def test_a_kpi_with_no_successor_and_no_mark_is_dropped_silently():
    (row,) = succession_rows([_previous(1, "4(2)-2", "4(2)", goal=4)], [])
    assert row.status == "dropped"
    assert row.printed_label == ""
