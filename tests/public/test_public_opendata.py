"""The open-data CSV (public.opendata): long format, numbers without units, blank ≠ 0."""

import csv
import io
from decimal import Decimal

import pytest

from plans.rules.progress import ActualDetail, KpiValues, evaluate_kpi
from plans.selectors.progress import series_years
from public.opendata import CSV_COLUMNS, CSV_HEADERS, csv_number, kpi_csv_rows, write_csv
from tests.kpis import worked_case

D = Decimal
ATTRIBUTES = {"municipality_code": "402036", "kpi_code": "G4-2", "kpi_name": "住みたいと思う市民の割合", "unit": "%"}


def kpi(**values) -> KpiValues:
    """The worked case with a 0% year, a preliminary actual and a year being compiled."""
    details = {
        2015: ActualDetail("0%"),
        2016: ActualDetail("(速報値) 76.4%", "measured", True, "速報値"),
        2017: ActualDetail("集計中", "pending"),
    }
    return worked_case(**{"actuals": {2015: D("0"), 2016: D("76.4"), 2017: None}, "actual_details": details, **values})


def csv_rows(values: KpiValues) -> list[dict]:
    """The KPI's rows with each year's standing as the rules would store it."""
    progress = {year: evaluate_kpi(values, year=year) for year in series_years(values)}
    return kpi_csv_rows(values, attributes=ATTRIBUTES, progress=progress)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("16507.000000"), "16507"),
        (D("81.70"), "81.7"),
        (D("-69"), "-69"),
        (D("0.000"), "0"),
        (D("1E+3"), "1000"),
        (D("0.000001"), "0.000001"),
        (None, ""),
    ],
)
def test_numbers_are_plain_digits_and_no_value_is_blank(value, text):
    assert csv_number(value) == text


def test_one_row_per_year_from_the_year_after_the_baseline_to_the_target_year():
    rows = csv_rows(kpi())
    assert [row["year"] for row in rows] == ["2015", "2016", "2017", "2018", "2019"]
    assert [row["year_label"] for row in rows] == ["H27年度", "H28年度", "H29年度", "H30年度", "R元年度"]
    assert all(row["kpi_code"] == "G4-2" and row["municipality_code"] == "402036" for row in rows)


def test_the_worked_case_row():
    row = {row["year"]: row for row in csv_rows(kpi())}["2016"]
    assert row["year_target"] == "77" and row["year_target_source"] == "計画に記載"
    assert row["actual"] == "76.4" and row["actual_raw"] == "(速報値) 76.4%"
    assert row["preliminary"] == "1" and row["actual_status"] == "測定済"
    assert row["rate"] == "62.5" and row["mark"] == "×"


def test_blank_is_distinct_from_zero():
    rows = {row["year"]: row for row in csv_rows(kpi())}
    assert rows["2015"]["actual"] == "0" and rows["2015"]["actual_status"] == "測定済"
    assert rows["2017"]["actual"] == "" and rows["2017"]["actual_status"] == "集計中" and rows["2017"]["mark"] == "-"
    assert rows["2018"]["actual"] == "" and rows["2018"]["actual_status"] == "" and rows["2018"]["preliminary"] == ""


def test_interpolated_targets_are_marked_and_rounded():
    rows = {row["year"]: row for row in csv_rows(kpi())}
    assert rows["2015"]["year_target_source"] == "直線補間"
    assert rows["2015"]["year_target"] == "76.32"  # 75.4 + 4.6 / 5
    assert rows["2019"]["year_target"] == "80" and rows["2019"]["year_target_source"] == "計画に記載"


def test_a_kpi_without_years_keeps_one_row():
    rows = csv_rows(kpi(baseline_year=None, target_year=None, stated_targets={}, actuals={}, actual_details={}))
    assert len(rows) == 1 and rows[0]["year"] == "" and rows[0]["kpi_name"] == "住みたいと思う市民の割合"


def test_the_file_is_utf8_with_bom_crlf_and_japanese_headers():
    content = write_csv(csv_rows(kpi()))
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(table[0]) == CSV_HEADERS
    assert table[0][0] == "全国地方公共団体コード"
    assert len(table) == 6 and all(len(row) == len(CSV_COLUMNS) for row in table)


def test_every_column_has_a_description_and_a_unique_header():
    assert len(set(CSV_HEADERS)) == len(CSV_HEADERS)
    assert all(column.help for column in CSV_COLUMNS)
    assert "年（西暦）" in CSV_HEADERS and "年（和暦）" in CSV_HEADERS and "単位" in CSV_HEADERS
