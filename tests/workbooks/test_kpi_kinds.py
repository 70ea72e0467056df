"""The KPI kinds the seed documents use, end to end: from the transcription through the plan
workbook to the stored marks, the pages and the CSV."""

import csv
import io
from decimal import Decimal

import pytest

from plans.models import Kpi
from plans.presentation import format_number
from plans.selectors.progress import kpi_values, plan_progress
from public.opendata import CSV_COLUMNS
from workbooks.plan_export import plan_rows
from workbooks.plan_import import validate_plan_rows
from workbooks.plan_workbook import ImportRefused
from workbooks.seeds import transcribed_rows

UKIHA_WITHOUT_BASELINE_YEAR = [
    "1-1",
    "1-2",
    "1-3",
    "2-1",
    "2-2",
    "2-3",
    "2-4",
    "3-1",
    "3-2",
    "3-3",
    "3-4",
    "4-1",
    "4-2",
]


def csv_rows(client, slug: str) -> list[dict]:
    content = client.get(f"/plans/{slug}/downloads/kpi.csv").content.decode("utf-8-sig")
    keys = {column.header: column.key for column in CSV_COLUMNS}
    return [{keys[header]: value for header, value in row.items()} for row in csv.DictReader(io.StringIO(content))]


def progress_of(slug: str, code: str, year: int):
    kpi = Kpi.objects.get(plan__slug=slug, code=code)
    return next(item for item in plan_progress(kpi.plan_id, year).kpis if item.kpi.code == code)


# --- 1. totals over several years --------------------------------------------------------------


def test_ogori_social_increase_is_a_five_year_total_and_the_minus_236_year_is_not_achieved(seed):
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-2", code="G2-1")
    assert kpi.total_years == 5
    progress = progress_of("ogori-strategy-2", "G2-1", 2023)
    assert progress.actual == Decimal("-236")
    assert progress.mark != "○"  # was ○ 達成 494.7%
    assert (progress.mark, progress.year_target.value, progress.rate) == ("×", Decimal("592"), None)


@pytest.mark.parametrize(("year", "mark"), [(2020, "○"), (2021, "×"), (2022, "○"), (2023, "×")])
def test_ogori_social_increase_marks_follow_the_running_total(seed, year, mark):
    # Running totals 210, 141, 806, 570 against 740 × k/5 = 148, 296, 444, 592.
    assert progress_of("ogori-strategy-2", "G2-1", year).mark == mark


def test_the_kpi_page_says_how_a_total_is_judged(seed, client):
    html = client.get("/plans/ogori-strategy-2/kpis/G2-1/").content.decode()
    assert "目標は5年間の合計（R2〜R6）。各年度は合計の累計で判定" in html


def test_total_years_travel_through_the_plan_workbook(seed):
    transcribed = {row["code"]: row for row in transcribed_rows()["ogori-strategy-2"]["kpis"]}
    exported = {row["code"]: row for row in plan_rows("ogori-strategy-2")["kpis"]}
    assert transcribed["G2-1"]["total_years"] == exported["G2-1"]["total_years"] == "5"
    assert transcribed["1(1)-1"]["total_years"] == exported["1(1)-1"]["total_years"] == ""


@pytest.mark.parametrize(("text", "years"), [("5", 5), ("５年", 5), ("5年間", 5), ("", None)])
def test_total_years_are_read_as_written(seed, text, years):
    rows = plan_rows("ogori-strategy-2")
    row = next(row for row in rows["kpis"] if row["code"] == "G2-1")
    row["total_years"] = text
    assert validate_plan_rows(rows).kpis["G2-1"]["total_years"] == years


@pytest.mark.parametrize("text", ["1", "0", "五", "R2～R6", "51"])
def test_total_years_that_are_not_a_number_of_years_are_refused(seed, text):
    rows = plan_rows("ogori-strategy-2")
    next(row for row in rows["kpis"] if row["code"] == "G2-1")["total_years"] = text
    with pytest.raises(ImportRefused) as refused:
        validate_plan_rows(rows)
    assert any(problem.column == "合計年数" for problem in refused.value.problems)


# --- 2. a baseline without a year ------------------------------------------------------------


@pytest.mark.parametrize("code", UKIHA_WITHOUT_BASELINE_YEAR)
def test_ukiha_baselines_without_a_year_take_the_year_before_the_plan_and_get_marks(seed, code):
    kpi = Kpi.objects.get(plan__slug="ukiha-renaissance-2", code=code)
    assert (kpi.baseline_year, kpi.baseline_year_assumed) == (2020, True)  # R3 plan: R2 assumed
    assert progress_of("ukiha-renaissance-2", code, 2021).mark in ("○", "△", "×")


def test_a_printed_baseline_year_is_not_assumed(seed):
    kpi = Kpi.objects.get(plan__slug="ukiha-renaissance-2", code="G2")
    assert (kpi.baseline_year, kpi.baseline_year_assumed) == (2019, False)


def test_an_assumed_baseline_year_is_shown_as_assumed_and_not_exported(seed, client):
    html = client.get("/plans/ukiha-renaissance-2/kpis/1-1/").content.decode()
    assert "(基準年は推定)" in html
    assert "(基準年は推定)" not in client.get("/plans/ukiha-renaissance-2/kpis/G2/").content.decode()
    exported = {row["code"]: row for row in plan_rows("ukiha-renaissance-2")["kpis"]}
    assert exported["1-1"]["baseline_year"] == ""  # as the document prints it: the import assumes it again


# --- 3. precision ----------------------------------------------------------------------------


def test_interpolated_targets_show_at_the_kpi_precision_on_the_page_and_in_the_csv(seed, client):
    # 小郡 市内就業者数: 17,891人 (H27) → 18,500人 (R6); H28's target is 17,958.666…
    values = kpi_values(Kpi.objects.get(plan__slug="ogori-strategy-2", code="G1-1"))
    assert values.places == 0
    html = client.get("/plans/ogori-strategy-2/kpis/G1-1/").content.decode()
    assert "17,959人" in html and "17,958.7" not in html
    row = next(
        row for row in csv_rows(client, "ogori-strategy-2") if row["kpi_code"] == "G1-1" and row["year"] == "2016"
    )
    assert row["year_target"] == "17959"


def test_a_value_written_with_one_decimal_keeps_it(seed, client):
    # 久留米 第2期 行政手続におけるオンライン手続の割合: baseline 63.0%.
    values = kpi_values(Kpi.objects.get(plan__slug="kurume-strategy-2", code="P4-10"))
    assert values.places == 1
    assert format_number(values.baseline, values.places) == "63.0"
    row = next(row for row in csv_rows(client, "kurume-strategy-2") if row["kpi_code"] == "P4-10")
    assert row["baseline"] == "63.0"
