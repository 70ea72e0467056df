"""The report fixed (issue 12): the official ratings of the as-of date the plan printed, Excel
numbers as numbers with their units and notes in columns of their own, PDF headers that do not
break mid-word, charts of each goal's KPIs, and the goals' evaluation texts and committee comments."""

import io
import re
import shutil
import subprocess
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import CommitteeComment, Goal, GoalEvaluation, OfficialRating, Plan
from plans.rules import rating
from staff.report import evaluation_report, static_file_for
from staff.report.data import RateBar
from staff.report.official import PrintedRating, as_of_date, rated_year, rating_for_year
from staff.report.xlsx import number_format, target_note

pytestmark = pytest.mark.django_db

OGORI = "ogori-strategy-2"
H29 = "kurume-strategy-1"
R5, R6 = 2023, 2024


@pytest.fixture
def staff_client(client, seed):
    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def get(client, name, slug, query=""):
    response = client.get(reverse(name, args=[slug]) + query)
    assert response.status_code == 200
    return response


# --- 1. the official ratings of the as-of date the plan printed -----------------------------


@pytest.mark.parametrize(
    ("year", "as_of", "judged"),
    [
        (2024, "R6.4現在", 2023),  # 小郡: filed under R6, the year of its date; it judges R5
        (2024, "R6.4", 2023),
        (2024, "令和6年4月", 2023),
        (2024, "R6.3現在", 2022),  # March is still FY2023: the last year ended is FY2022
        (2023, "R6.4現在", 2023),  # filed under the year it judges: kept
        (2022, "R6.4現在", 2022),
        (2017, "", 2017),  # 久留米 H29: no date, the year it is filed under
        (2017, "調査時点不明", 2017),  # a date that names no month: the year as filed
    ],
)
def test_the_year_a_rating_judges_comes_from_its_as_of_date(year, as_of, judged):
    assert rated_year(year, as_of) == judged


def test_an_as_of_text_names_its_month():
    assert str(as_of_date("R6.4現在")) == "2024-04-01"
    assert as_of_date("") is None


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2021, None), (2022, "B"), (2023, "A-"), (2024, "A-")],
)
def test_a_report_year_prints_the_latest_rating_judging_it_or_an_earlier_year(year, expected):
    ratings = [PrintedRating("B", 2022), PrintedRating("A-", 2023, "R6.4現在")]
    picked = rating_for_year(ratings, year)
    assert (picked.label if picked else None) == expected


def test_the_r5_report_of_ogori_shows_the_ratings_printed_as_of_r6_4(staff_client):
    plan = Plan.objects.get(slug=OGORI)
    printed = dict(
        OfficialRating.objects.filter(kpi__plan=plan, kind="outlook", as_of="R6.4現在").values_list("kpi_id", "label")
    )
    assert len(printed) == plan.kpis.count() > 20  # every 第2期 KPI is rated as of R6.4, filed under R6
    assert set(OfficialRating.objects.filter(kpi__plan=plan, kind="outlook").values_list("year", flat=True)) == {R6}

    report = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").context["report"]
    assert report.year == R5
    shown = {item.kpi.id: item.official_label for item in report.overview.kpis}
    assert shown == printed  # not "-": the R6.4 ratings judge the R5 actuals
    in_tables = {
        **{target.progress.kpi.id: target.progress.official_label for goal in report.goals for target in goal.targets},
        **{
            item.kpi.id: item.official_label
            for goal in report.goals
            for direction in goal.overview.directions
            for item in direction.kpis
        },
    }
    assert in_tables == printed
    assert report.official_as_of == "R6.4現在"
    employment = next(target for goal in report.goals for target in goal.targets if target.progress.kpi.code == "G1-1")
    assert employment.progress.official_label == "A-" and employment.official.year == R5

    page = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").content.decode()
    assert "（R6.4現在）" in page


def test_disagreements_are_judged_against_the_rating_shown(staff_client):
    report = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").context["report"]
    scale = report.scale
    for item in report.overview.kpis:
        expected = rating.disagrees(computed_outlook=item.outlook, official_label=item.official_label, scale=scale)
        assert item.disagrees == expected, item.kpi.code
    assert report.overview.disagreements == sum(1 for item in report.overview.kpis if item.disagrees)


def test_a_year_before_any_printed_rating_shows_none(staff_client):
    report = get(staff_client, "dashboard:report", OGORI, "?year=2021").context["report"]
    assert {item.official_label for item in report.overview.kpis} == {""}
    assert report.official_as_of == ""


def test_the_h29_report_keeps_its_undated_ratings(staff_client):
    printed = dict(
        OfficialRating.objects.filter(kpi__plan__slug=H29, kind="outlook", year=2017).values_list("kpi_id", "label")
    )
    report = get(staff_client, "dashboard:report", H29, "?year=2017").context["report"]
    targets = [target.progress for goal in report.goals for target in goal.targets]
    labels = {progress.kpi.id: progress.official_label for progress in targets}
    assert {kpi_id: label for kpi_id, label in labels.items() if label} == printed
    assert report.official_as_of == ""  # printed without a date


# --- 2. the Excel: numbers as numbers, units and notes in columns of their own ----------------


def sheet_rows(workbook, name):
    return [list(row) for row in workbook[name].iter_rows()]


def table_after(rows, first_header: str, second_header: str):
    """The header row (its values) and the cells of the rows below it, up to the first blank row."""
    start = next(
        index
        for index, row in enumerate(rows)
        if row[0].value == first_header and len(row) > 1 and row[1].value == second_header
    )
    header = [cell.value for cell in rows[start]]
    body = []
    for row in rows[start + 1 :]:
        if all(cell.value is None for cell in row[2:]):
            break
        body.append(row)
    return header, body


def test_the_excel_kpi_table_holds_numbers_that_sum(staff_client):
    plan = Plan.objects.get(slug=OGORI)
    content = get(staff_client, "dashboard:report-xlsx", OGORI, f"?year={R5}").content
    workbook = load_workbook(io.BytesIO(content))
    header, body = table_after(sheet_rows(workbook, "基本目標2"), "KPI", "施策の方向性")
    assert header[:9] == [
        "KPI",
        "施策の方向性",
        "単位",
        "基準値",
        "当該年度の目標値",
        "目標値の注記",
        "実績値",
        "実績値の注記",
        "達成率",
    ]
    column = {name: index for index, name in enumerate(header)}
    for row in body:
        for name in ("基準値", "当該年度の目標値", "実績値"):
            cell = row[column[name]]
            assert cell.value is None or isinstance(cell.value, int | float), (name, cell.value)
            if cell.value is not None:
                assert re.fullmatch(r"#,##0(\.0+)?", cell.number_format), cell.number_format
        rate = row[column["達成率"]]
        assert rate.value is None or (isinstance(rate.value, float) and rate.number_format == "0.0%")
    in_people = [row for row in body if row[column["単位"]].value == "人"]
    assert len(in_people) >= 3
    total = sum(Decimal(str(row[column["実績値"]].value)) for row in in_people if row[column["実績値"]].value)
    names = [row[0].value for row in in_people]
    expected = sum(
        value
        for name in names
        for value in plan.kpis.get(name=name).actuals.filter(year=R5).values_list("value", flat=True)
        if value is not None
    )
    assert total == expected  # a column of the sheet sums to the actuals of the year
    moves = next(row for row in body if str(row[0].value).startswith("移住相談件数"))
    assert (moves[column["単位"]].value, moves[column["実績値"]].value) == ("件", 403)
    assert moves[column["実績値の注記"]].value == "403件 (R5年度までの累計)"  # the annotation, beside the number
    assert moves[column["目標値の注記"]].value == "補間"
    assert moves[column["公式評価（R6.4現在）"]].value == "B"


def test_the_excel_numerical_targets_keep_interpolation_and_annotations_beside_the_number(staff_client):
    workbook = load_workbook(io.BytesIO(get(staff_client, "dashboard:report-xlsx", OGORI, f"?year={R5}").content))
    header, body = table_after(sheet_rows(workbook, "基本目標1"), "数値目標", "基準値 → 目標値")
    column = {name: index for index, name in enumerate(header)}
    years = {row[column["年度"]].value: row for row in body}
    r2 = years["R2年度"]
    assert r2[column["単位"]].value == "人"
    assert r2[column["目標値"]].value == pytest.approx(18229.33, abs=0.01)  # interpolated, kept exact
    assert r2[column["目標値"]].number_format == "#,##0"
    assert r2[column["目標値の注記"]].value == "補間"
    assert (r2[column["実績値"]].value, r2[column["実績値の注記"]].value) == (18165, "18,165人 (R2)")
    assert years["R6年度"][column["目標値"]].value == 18500
    assert years["R6年度"][column["目標値の注記"]].value is None  # the final target is stated
    assert years["R3年度"][column["実績値"]].value is None  # no actual: an empty cell, not "-"
    assert years["R元年度"][column["公式評価（R6.4現在）"]].value == "A-"


@pytest.mark.parametrize(
    ("at_least", "stated", "has_value", "note"),
    [
        (False, True, True, ""),
        (False, False, True, "補間"),
        (True, True, True, "以上"),
        (True, False, True, "以上・補間"),
        (True, False, False, ""),
    ],
)
def test_a_target_note_says_what_the_number_does_not(at_least, stated, has_value, note):
    assert target_note(at_least=at_least, stated=stated, has_value=has_value) == note


@pytest.mark.parametrize(("places", "expected"), [(0, "#,##0"), (1, "#,##0.0"), (2, "#,##0.00"), (None, "General")])
def test_a_number_is_shown_at_the_kpis_precision(places, expected):
    assert number_format(places) == expected


def test_text_in_the_excel_never_becomes_a_formula(staff_client):
    goal = Goal.objects.get(plan__slug=OGORI, number=2)
    CommitteeComment.objects.create(
        goal=goal, year=R5, text='=HYPERLINK("https://example.com","x")', author_name="@委員"
    )
    workbook = load_workbook(io.BytesIO(get(staff_client, "dashboard:report-xlsx", OGORI, f"?year={R5}").content))
    cells = [cell for row in workbook["基本目標2"].iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    assert any("HYPERLINK" in str(cell.value) for cell in cells)


# --- 5. the planner's evaluation text and the committee's comments ---------------------------


@pytest.fixture
def goal_texts(seed):
    goal = Goal.objects.get(plan__slug=OGORI, number=2)
    GoalEvaluation.objects.create(goal=goal, year=R5, text="社会増は目標に届かなかった。\n移住相談の強化を続ける。")
    CommitteeComment.objects.create(goal=goal, year=R5, text="転出超過の要因分析を求める。", author_name="山田委員")
    CommitteeComment.objects.create(goal=goal, year=R5, text="空き家バンクの周知が必要。", author_name="")
    CommitteeComment.objects.create(
        goal=goal, year=2022, text="R4の意見（R5の報告書には載らない）", author_name="佐藤委員"
    )
    return goal


def test_the_report_data_holds_each_goals_evaluation_and_comments_of_its_year(goal_texts):
    plan = Plan.objects.select_related("municipality").get(slug=OGORI)
    report = evaluation_report(plan, R5)
    by_number = {goal.overview.number: goal for goal in report.goals}
    second = by_number[2]
    assert second.evaluation_lines == ["社会増は目標に届かなかった。", "移住相談の強化を続ける。"]
    assert [(note.text, note.author_name) for note in second.comments] == [
        ("転出超過の要因分析を求める。", "山田委員"),
        ("空き家バンクの周知が必要。", ""),
    ]
    assert all(not goal.comments and not goal.evaluation for number, goal in by_number.items() if number != 2)


def test_the_page_excel_and_pdf_print_the_evaluation_and_the_comments(staff_client, goal_texts, tmp_path):
    page = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").content.decode()
    for text in (
        "社会増は目標に届かなかった。",
        "転出超過の要因分析を求める。",
        "（山田委員）",
        "外部検証会議の意見（R5）",
    ):
        assert text in page
    assert "R4の意見" not in page

    workbook = load_workbook(io.BytesIO(get(staff_client, "dashboard:report-xlsx", OGORI, f"?year={R5}").content))
    texts = [cell.value for row in workbook["基本目標2"].iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "評価（R5年度）" in texts and "移住相談の強化を続ける。" in texts
    assert "転出超過の要因分析を求める。（山田委員）" in texts
    assert not any("R4の意見" in text for text in texts)

    if shutil.which("pdftotext"):
        text = pdf_text(get(staff_client, "dashboard:report-pdf", OGORI, f"?year={R5}").content, tmp_path)
        assert "転出超過の要因分析を求める。" in text and "社会増は目標に届かなかった。" in text


# --- 3. PDF headers that do not break mid-word; 4. charts of each goal's KPIs -----------------

HEADER_WORDS = ("公式評価", "進捗度", "当該年度の", "達成見込み", "達成率", "基準値", "実績値", "目標値", "担当課")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
@pytest.mark.parametrize(("slug", "year"), [(OGORI, R5), (H29, 2017)])
def test_pdf_table_headers_never_break_mid_word(staff_client, tmp_path, slug, year):
    text = pdf_text(get(staff_client, "dashboard:report-pdf", slug, f"?year={year}").content, tmp_path)
    assert text.count("公式評価") >= 5
    for word in HEADER_WORDS:
        broken = [word[:cut] + "\n" + word[cut:] for cut in range(1, len(word))]
        assert [piece for piece in broken if piece in text] == [], word


def test_header_cells_of_the_report_tables_carry_the_nowrap_class(staff_client):
    page = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").content.decode()
    heads = re.findall(r"<thead>.*?</thead>", page, re.S)
    assert len(heads) >= 10
    cells = [cell for head in heads for cell in re.findall(r"<th\b[^>]*>", head)]
    assert all("nowrap" in cell for cell in cells if 'scope="col"' in cell)


def test_the_print_stylesheet_keeps_header_words_whole():
    with open(static_file_for("/static/css/print.css"), encoding="utf-8") as handle:
        css = handle.read()
    rule = re.search(r"table\.data thead th, table\.data th\.nowrap \{([^}]*)\}", css)
    assert rule and "word-break: keep-all" in rule[1] and "white-space: nowrap" in rule[1]


def test_the_page_draws_each_goals_marks_chart_and_rate_bars(staff_client):
    report = get(staff_client, "dashboard:report", OGORI, f"?year={R5}")
    page = report.content.decode()
    goals = report.context["report"].goals
    for goal in goals:
        assert f'id="report-marks-{goal.overview.number}"' in page  # the figure's JSON for static/js/charts.js
    assert "js/charts.js" in page  # the page loads the chart script
    assert page.count('<svg class="rate-bar"') == sum(len(goal.overview.kpis) for goal in goals)


def test_the_pdf_draws_the_rate_bars_without_any_script(staff_client):
    captured = {}

    def fake_pdf(html, *, base_url):
        captured["html"] = html
        return b"%PDF-1.7 stub"

    with mock.patch("staff.report.report_pdf", side_effect=fake_pdf):
        get(staff_client, "dashboard:report-pdf", OGORI, f"?year={R5}")
    html = captured["html"]
    assert "<script" not in html
    assert "report-marks-" not in html  # the plotly charts are the page's; the PDF draws SVG
    bars = re.findall(r'<svg class="rate-bar"[^>]*>.*?</svg>', html, re.S)
    assert len(bars) == Plan.objects.get(slug=OGORI).kpis.filter(level__in=["goal", "direction"]).count()
    assert all('fill="#' in bar and "<line" in bar for bar in bars)


@pytest.mark.parametrize(
    ("rate", "length", "overflows"),
    [
        (None, Decimal(0), False),
        (Decimal("-1.5"), Decimal(0), False),
        (Decimal("0"), Decimal(0), False),
        (Decimal("0.75"), Decimal("50.0"), False),
        (Decimal("1"), Decimal("66.7"), False),
        (Decimal("1.5"), Decimal("100.0"), False),
        (Decimal("7.08"), Decimal("100.0"), True),
    ],
)
def test_a_rate_bar_runs_from_0_to_150_percent(rate, length, overflows):
    bar = RateBar(name="KPI", code="K", rate=rate, mark="○")
    assert (bar.length, bar.overflows) == (length, overflows)
    assert RateBar.guides() == [Decimal("46.7"), Decimal("66.7")]  # the lines at 70% and 100%


def test_the_pdf_prints_only_the_texts_there_are(staff_client, goal_texts):
    captured = {}

    def fake_pdf(html, *, base_url):
        captured["html"] = html
        return b"%PDF-1.7 stub"

    with mock.patch("staff.report.report_pdf", side_effect=fake_pdf):
        get(staff_client, "dashboard:report-pdf", OGORI, f"?year={R5}")
    html = captured["html"]
    assert html.count("外部検証会議の意見（R5）") == 1  # goal 2 only: the others have none
    assert html.count("評価（R5）") == 1
    assert "まだ" not in html  # no placeholder in the document the committee reads
    page = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").content.decode()
    assert page.count("外部検証会議の意見（R5）") == 4  # the page shows every goal, missing texts too
    assert page.count("意見はまだありません。") == 3


def test_the_excel_succession_sheet_holds_numbers_and_what_was_printed_beside_them(staff_client):
    plan = Plan.objects.get(slug=OGORI)
    workbook = load_workbook(io.BytesIO(get(staff_client, "dashboard:report-xlsx", OGORI, f"?year={R5}").content))
    rows = list(workbook["評価と次期計画への継続"].iter_rows(values_only=True))
    header = rows[1]
    column = {}
    for index, name in enumerate(header):
        column.setdefault(name, index)  # this plan's columns come first
    assert header[column["R5年度"] + 1] == "最終目標値" and header[column["最終目標値"] + 1] == "記載どおりの注記"
    employment = next(row for row in rows[2:] if row[1] == "市内就業者数")
    numbers = (employment[column["単位"]], employment[column["基準値"]], employment[column["R2年度"]])
    assert numbers == ("人", 17891, 18165)
    assert employment[column["R3年度"]] is None  # printed `-`: no number
    assert employment[column["記載どおりの注記"]] == "基準値 17,891人 (H27)、R2 18,165人 (R2)"
    assert employment[column["公式評価（R6.4現在）"]] == "A-"
    in_cases = [row for row in rows[2:] if row[1] and row[column["単位"]] == "件"]
    total = sum(Decimal(str(row[column["R5年度"]])) for row in in_cases if row[column["R5年度"]] is not None)
    names = [row[1] for row in in_cases]
    expected = sum(
        value
        for value in plan.kpis.filter(name__in=names, actuals__year=R5).values_list("actuals__value", flat=True)
        if value is not None
    )
    assert total == expected
