"""Downloads: CSV (long format, UTF-8 with BOM, machine-readable rules), the plan workbook and
JSON, all of the published data; and static files served compressed with long cache headers."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

from plans.models import Kpi
from public.opendata import CSV_HEADERS
from tests.workbooks.seed_expectations import EXPECTED_COUNTS
from workbooks.plan_workbook import read_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Open data is cached by data version; rolled-back tests can repeat a version with other data."""
    cache.clear()


BOM = b"\xef\xbb\xbf"


def csv_rows(client, slug):
    response = client.get(f"/plans/{slug}/downloads/kpi.csv")
    assert response.status_code == 200
    return response, list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_csv_opens_in_excel_in_japanese_utf8_with_bom(client, seed):
    response, rows = csv_rows(client, "kurume-strategy-1")
    assert response.content.startswith(BOM)  # Excel reads UTF-8 only with the BOM; without it, mojibake
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="402036_kurume-strategy-1_kpi.csv"'
    assert b"\r\n" in response.content
    header = response.content.decode("utf-8-sig").split("\r\n", 1)[0]
    assert tuple(header.split(",")) == CSV_HEADERS
    assert rows[0]["地方公共団体名"] == "久留米市"


@pytest.mark.parametrize("slug", list(EXPECTED_COUNTS))
def test_csv_is_long_format_one_row_per_kpi_and_year(client, seed, slug):
    _response, rows = csv_rows(client, slug)
    keys = [(row["指標コード"], row["年（西暦）"]) for row in rows]
    assert len(keys) == len(set(keys))  # one row per KPI and year
    assert {row["指標コード"] for row in rows} == set(
        Kpi.objects.filter(plan__slug=slug).values_list("code", flat=True)
    )
    measured = [row for row in rows if row["実績の状態"] == "測定済"]
    assert len(measured) == EXPECTED_COUNTS[slug]["actuals"]  # every published actual, once
    for row in rows:
        assert len(row["全国地方公共団体コード"]) == 6 and row["全国地方公共団体コード"].isdigit()
        for column in ("基準値", "最終目標値", "年度目標値", "実績値", "達成率（%）"):
            value = row[column]
            assert value == "" or value.lstrip("-").replace(".", "", 1).isdigit(), (column, value)  # no unit, no comma


def test_csv_keeps_blank_distinct_from_zero_and_puts_the_era_beside_the_western_year(client, seed):
    _response, rows = csv_rows(client, "kurume-strategy-1")
    tourists = {row["年（西暦）"]: row for row in rows if row["指標名"] == "年間観光客数"}
    assert tourists["2016"]["実績値"] == "537" and tourists["2016"]["単位"] == "万人"
    assert tourists["2016"]["実績値（計画の表記）"] == "537万人"
    assert tourists["2017"]["実績値"] == "" and tourists["2017"]["実績の状態"] == "集計中"
    assert tourists["2017"]["進捗度"] == "-"
    assert (
        tourists["2016"]["年（和暦）"] == "H28年" and tourists["2016"]["年の区分"] == "年"
    )  # counted per calendar year
    living = {row["年（西暦）"]: row for row in rows if row["指標名"] == "住みたいと思う市民の割合"}
    assert living["2016"]["年（和暦）"] == "H28年度"
    assert (living["2016"]["達成率（%）"], living["2016"]["進捗度"]) == ("62.5", "×")  # DOMAIN.md's worked case
    assert living["2019"]["年（和暦）"] == "R元年度"


def test_xlsx_is_the_plan_workbook_of_the_published_data(client, seed):
    response = client.get("/plans/ogori-strategy-2/downloads/plan.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="402168_ogori-strategy-2_plan.xlsx"'
    rows, problems = read_workbook(response.content)
    assert problems == []
    assert len(rows["kpis"]) == EXPECTED_COUNTS["ogori-strategy-2"]["kpis"]
    assert rows["actuals"]


def test_json_download_is_the_api_document(client, seed):
    response = client.get("/plans/ukiha-renaissance-2/downloads/plan.json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="402257_ukiha-renaissance-2_plan.json"'
    assert json.loads(response.content) == client.get("/api/v1/plans/ukiha-renaissance-2/").json()
    assert "うきは市" in response.content.decode()  # written as UTF-8, not \\u escapes


def test_downloads_are_cached_with_an_etag(client, seed):
    first = client.get("/plans/ogori-strategy-2/downloads/kpi.csv")
    assert "max-age=0" in first["Cache-Control"]  # revalidated every time: a publication shows at once
    assert client.get("/plans/ogori-strategy-2/downloads/kpi.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_static_files_are_compressed_and_cached_for_a_year(settings, tmp_path):
    """What production serves (DEBUG off): collectstatic with the manifest storage, then whitenoise."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_MAX_AGE = 31536000
    # Our own files only (the admin's, ninja's and plotly.js take long to compress; `make lighthouse`
    # runs the full collectstatic).
    call_command(
        "collectstatic",
        "--noinput",
        "-i",
        "admin",
        "-i",
        "ninja",
        "-i",
        "django_tables2",
        "-i",
        "vendor",
        "-i",
        "simple_history",
        verbosity=0,
    )
    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    assert (tmp_path / f"{hashed}.gz").exists() and (tmp_path / f"{hashed}.br").exists()
    middleware = WhiteNoiseMiddleware(get_response=lambda request: HttpResponse(status=404))
    response = middleware(RequestFactory().get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip, br"))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control and "public" in cache_control
    assert int(cache_control.split("max-age=")[1].split(",")[0]) >= 31536000  # hashed names: 10 years
    assert response["Content-Encoding"] == "br"
    assert response.has_header("Vary")
