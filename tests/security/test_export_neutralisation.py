"""Exports neutralised (finding 3): every CSV and Excel file the product writes shows text a
spreadsheet would run as text, never as a formula; numbers stay numbers; the importers read the
text back as it was written."""

import csv
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from openpyxl import Workbook, load_workbook

from plans.models import Actual, Kpi, Plan
from workbooks.plan_export import plan_rows
from workbooks.plan_workbook import read_workbook
from workbooks.safety import csv_bytes, is_risky, neutralise_text, restore_text, workbook_bytes

HOSTILE_NAME = '=HYPERLINK("http://evil.example/","クリック")'
HOSTILE_NOTE = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_ACTUAL_NOTE = "-2+3+cmd|' /C calc'!A0"
HOSTILE_TEXTS = (HOSTILE_NAME, HOSTILE_NOTE, HOSTILE_ACTUAL_NOTE)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+A1", "'+A1"),
        ("-A1", "'-A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("- (R3)", "'- (R3)"),
        ("-69", "-69"),  # a number stays a number
        ("+1,520", "+1,520"),
        ("-0.5", "-0.5"),
        ("-", "-"),  # the documents' "no value"
        ("16,507人", "16,507人"),
        (-69, -69),
        (None, None),
    ],
)
def test_csv_cells_are_neutralised_and_read_back(value, written):
    assert neutralise_text(value) == written
    assert restore_text(neutralise_text(value)) == value


def test_excel_text_that_looks_like_a_formula_is_a_string_cell():
    workbook = Workbook()
    workbook.active.append([HOSTILE_NAME, -5, "-5", 1.5])
    content = workbook_bytes(workbook)
    assert_no_formulas(content)
    cells = load_workbook(io.BytesIO(content)).active[1]
    assert [cell.value for cell in cells] == [HOSTILE_NAME, -5, "-5", 1.5]
    assert cells[0].data_type == "s" and cells[0].quotePrefix


def test_csv_bytes_neutralises_every_text_cell():
    rows = list(csv.reader(io.StringIO(csv_bytes([["a", HOSTILE_NAME, 5, "-5"]]).decode("utf-8-sig"))))
    assert rows == [["a", "'" + HOSTILE_NAME, "5", "-5"]]


def assert_no_formulas(xlsx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                content = archive.read(name)
                assert b"<f>" not in content and b"<f " not in content, name


def texts_of(xlsx: bytes) -> set[str]:
    workbook = load_workbook(io.BytesIO(xlsx))
    return {
        cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
    }


def assert_safe_csv(content: bytes) -> set[str]:
    cells = {cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row}
    assert not any(is_risky(cell) for cell in cells)
    return cells


@pytest.fixture
def hostile_plan(seed):
    """小郡's 第2期 with a KPI name, a KPI note and an actual's note that a spreadsheet would run."""
    cache.clear()
    actual = Actual.objects.filter(kpi__plan__slug="ogori-strategy-2", kpi__goal__isnull=False).select_related("kpi")[0]
    Kpi.objects.filter(pk=actual.kpi_id).update(name=HOSTILE_NAME, note=HOSTILE_NOTE)
    Actual.objects.filter(pk=actual.pk).update(note=HOSTILE_ACTUAL_NOTE)
    yield Kpi.objects.select_related("plan", "goal").get(pk=actual.kpi_id), actual.year
    cache.clear()


@pytest.fixture
def superuser_client(client, seed):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.jp", "a-strong-password-123"))
    return client


def test_public_downloads_are_neutralised(client, hostile_plan):
    cells = assert_safe_csv(client.get("/plans/ogori-strategy-2/downloads/kpi.csv").content)
    assert "'" + HOSTILE_NAME in cells
    workbook = client.get("/plans/ogori-strategy-2/downloads/plan.xlsx").content
    assert_no_formulas(workbook)
    assert HOSTILE_NAME in texts_of(workbook)


def test_staff_files_are_neutralised(superuser_client, hostile_plan):
    kpi, year = hostile_plan
    plan = kpi.plan
    files = {
        "report": f"/staff/dashboard/plans/{plan.slug}/report.xlsx",
        "entry workbook": f"/staff/entry/plans/{plan.slug}/{year}/workbook.xlsx",
        "goal table": f"/staff/dashboard/plans/{plan.slug}/goals/{kpi.goal.number}/?_export=xlsx",
        "admin plan workbook": f"/admin/plans/plan/{plan.pk}/workbook/",
    }
    for what, url in files.items():
        response = superuser_client.get(url)
        assert response.status_code == 200, what
        assert_no_formulas(response.content)
        assert HOSTILE_NAME in texts_of(response.content), what
    table_csv = superuser_client.get(f"/staff/dashboard/plans/{plan.slug}/goals/{kpi.goal.number}/?_export=csv")
    assert "'" + HOSTILE_NAME in assert_safe_csv(table_csv.content)


def test_the_plan_workbook_reads_back_what_was_written(hostile_plan):
    kpi, _year = hostile_plan
    rows, problems = read_workbook(workbook_bytes(load_workbook(io.BytesIO(_plan_workbook(kpi.plan)))))
    assert problems == []
    kpi_row = next(row for row in rows["kpis"] if row.get("code") == kpi.code)
    assert kpi_row["name"] == HOSTILE_NAME
    assert kpi_row["note"] == HOSTILE_NOTE


def _plan_workbook(plan: Plan) -> bytes:
    from workbooks.plan_workbook import write_workbook

    return write_workbook(plan_rows(plan.slug))
