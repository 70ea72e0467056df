"""The annual evaluation report: the printable page, the Excel workbook, the PDF and the 小郡 sheet."""

import io
import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Goal, Kpi, Plan
from staff.report import evaluation_report, static_url_fetcher

pytestmark = pytest.mark.django_db

H29 = "kurume-strategy-1"
OGORI = "ogori-strategy-2"


@pytest.fixture
def staff_client(client, seed):
    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def get(client, name, slug, query=""):
    response = client.get(reverse(name, args=[slug]) + query)
    assert response.status_code == 200
    return response


def test_the_report_page_is_laid_out_like_the_h29_report(staff_client):
    page = get(staff_client, "dashboard:report", H29, "?year=2017").content.decode()
    for goal in Goal.objects.filter(plan__slug=H29):
        assert goal.title in page
    assert "年度評価報告書" in page
    assert "H29年度 (2017)の進捗状況" in page
    assert "凡例" in page and "○：達成（100％以上）" in page and "A：目標を達成できる見込み" in page
    assert "16,507人 → 16,507人以上" in page  # baseline → target as printed
    assert "○ 7 △ 2 × 2 - 1" in page and "A 9 B 3" in page  # the printed tally of ①
    assert "評価のポイント &lt;新規雇用者数&gt;" in page
    assert "29年度の実績は、目標を達成。" in page
    assert "「久留米市産業振興協議会」" in page  # the direction's 取組・課題・今後の展開
    assert 'href="/static/css/print.css" media="print"' in page


def test_the_report_shows_actuals_only_up_to_its_year(staff_client):
    report = get(staff_client, "dashboard:report", H29, "?year=2016").context["report"]
    employment = report.goals[0].targets[0]
    rows = {row.year: row for row in employment.rows}
    assert rows[2016].actual == "17,375人"
    assert rows[2017].actual == ""
    assert rows[2017].target == "16,507人以上"


def test_the_excel_workbook_has_a_summary_and_a_sheet_per_goal(staff_client):
    response = get(staff_client, "dashboard:report-xlsx", H29, "?year=2017")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="kurume-strategy-1-report-2017.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["概要", "基本目標1", "基本目標2", "基本目標3", "基本目標4", "基本目標5"]
    summary = [[cell for cell in row if cell is not None] for row in workbook["概要"].values]
    assert ["第1期 久留米市地方創生総合戦略"] in summary
    direction_row = next(row for row in summary if row and str(row[0]).strip().startswith("① "))
    assert direction_row[1:] == [0, 12, "○ 7 △ 2 × 2 - 1", "A 9 B 3"]  # computed and printed counts, as numbers
    goal = list(workbook["基本目標1"].values)
    header = next(index for index, row in enumerate(goal) if row[1] == "基準値 → 目標値")
    assert goal[header][:10] == (
        "数値目標",
        "基準値 → 目標値",
        "年度",
        "単位",
        "目標値",
        "目標値の注記",
        "実績値",
        "実績値の注記",
        "進捗度",
        "報告書の進捗度",
    )
    employment = goal[header + 1 : header + 6]
    assert employment[0][0] == "基準年を上回る年間新規雇用者数を毎年創出する"
    assert [row[2] for row in employment] == ["H27年度", "H28年度", "H29年度", "H30年度", "R元年度"]
    assert [row[3] for row in employment] == ["人"] * 5
    assert [row[6] for row in employment[:3]] == [16639, 17375, 17861]  # numbers, not `16,639人`
    assert [(row[8], row[9]) for row in employment[:3]] == [("○", "○"), ("○", "○"), ("○", "○")]
    merged = {str(cells) for cells in workbook["基本目標1"].merged_cells.ranges}
    assert f"A{header + 2}:A{header + 6}" in merged  # the target's name spans its years, as printed
    assert str(workbook["基本目標1"].page_setup.paperSize) == workbook["基本目標1"].PAPERSIZE_A4


def test_a_plan_with_a_successor_gets_the_ogori_sheet(staff_client):
    report = get(staff_client, "dashboard:report", OGORI).context["report"]
    sheet = report.succession
    assert sheet.successor_title.startswith("第3期 小郡市")
    statuses = [row.status for row in sheet.rows]
    assert statuses.count("new") == Kpi.objects.filter(plan__slug="ogori-strategy-3", predecessor=None).count()
    assert len([row for row in sheet.rows if row.previous]) == Kpi.objects.filter(plan__slug=OGORI).count()
    assert (
        len([row for row in sheet.rows if row.following]) == Kpi.objects.filter(plan__slug="ogori-strategy-3").count()
    )
    moved = next(row for row in sheet.rows if row.status == "moved")
    assert moved.previous.progress.kpi.code == "2(4)-1"
    assert moved.printed_label == "2(4)から移動"
    dropped = {row.printed_label for row in sheet.rows if row.status == "dropped"}
    assert {"削除", "削減", ""} <= dropped
    assert sheet.years == [2020, 2021, 2022, 2023]
    first = sheet.rows[0]
    assert first.previous.actuals == ((2020, "18,165人 (R2)"), (2021, "-"), (2022, "-"), (2023, "-"))

    workbook = load_workbook(io.BytesIO(get(staff_client, "dashboard:report-xlsx", OGORI).content))
    assert "評価と次期計画への継続" in workbook.sheetnames
    rows = list(workbook["評価と次期計画への継続"].values)
    assert rows[1][1] == "第2期 小郡市まち・ひと・しごと創生総合戦略"
    labels = {row[rows[1].index("次期計画")] for row in rows[2:]}
    assert {"継続", "移動（2(4)から移動）", "削除", "新規"} <= labels
    assert "差し替え" not in labels  # 003 prints no replacement: a KPI on a dropped one's row is new

    page = get(staff_client, "dashboard:report", OGORI).content.decode()
    assert "評価と次期計画への継続" in page
    assert "スマート農業機械設備等の導入件数 (R4~)" in page


def test_a_plan_without_a_successor_has_no_ogori_sheet(staff_client):
    assert get(staff_client, "dashboard:report", H29).context["report"].succession is None


def test_project_reviews_are_part_of_the_report(seed):
    plan = Plan.objects.select_related("municipality").get(slug="ukiha-renaissance-2")
    report = evaluation_report(plan, 2021)
    projects = [project for goal in report.goals for direction in goal.directions for project in direction.projects]
    assert len({project.code for project in projects}) == 99
    assert {project.rating_label for project in projects} <= set("ABCDE")


def test_the_pdf_fetches_only_our_static_files():
    fetcher = static_url_fetcher()
    response = fetcher.fetch("http://testserver/static/css/print.css")
    assert b"@page" in response.read()
    with pytest.raises(ValueError):
        fetcher.fetch("https://cdn.example.com/plotly.js")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_holds_the_goal_names_in_an_embedded_japanese_font(staff_client, tmp_path):
    response = get(staff_client, "dashboard:report-pdf", H29, "?year=2017")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for goal in Goal.objects.filter(plan__slug=H29):
        assert goal.title in text.replace("\n", "")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-JP" in fonts


def test_the_ogori_sheet_shows_the_printed_rating_as_of_r6_4_beside_the_computed_outlook(staff_client):
    sheet = get(staff_client, "dashboard:report", OGORI, "?year=2023").context["report"].succession
    assert sheet.official_as_of == "R6.4現在"
    by_code = {row.previous.progress.kpi.code: row.previous for row in sheet.rows if row.previous}
    assert by_code["G2-1"].official_label == "A+"  # printed although 570 of 740 (DOMAIN.md)
    assert by_code["G1-1"].official_label == "A-"
    flagged = {code for code, previous in by_code.items() if previous.official_disagrees}
    assert flagged == {
        code
        for code, previous in by_code.items()
        if previous.official_label and previous.progress.outlook_on_plan_scale not in ("-", previous.official_label)
    }
