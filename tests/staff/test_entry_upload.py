"""The Excel round trip: download a department's workbook, fill it, upload, preview, confirm."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from plans.choices import ReviewState
from plans.models import Actual, Department, Kpi, ReportedActual
from tests.logins import DEPARTMENT_STAFF, make_staff
from workbooks.entry_workbook import INPUT_SUFFIX, SHEET
from workbooks.safety import XLSX

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def shoko(seed, client):
    user = make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"])
    client.force_login(user)
    return user


@pytest.fixture
def workbook(client, shoko):
    department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    response = client.get(f"/staff/entry/departments/{department.pk}/{YEAR}/workbook.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def fill(workbook, values: dict[str, str], status: dict[str, str] | None = None):
    sheet = workbook[SHEET]
    cols = columns(sheet)
    value_col = next(col for name, col in cols.items() if name.endswith(INPUT_SUFFIX))
    for row in range(2, sheet.max_row + 1):
        name = sheet.cell(row=row, column=cols["指標名"]).value
        if name in values:
            sheet.cell(row=row, column=value_col, value=values[name])
        if status and name in status:
            sheet.cell(row=row, column=cols["状態"], value=status[name])
    return workbook


def upload(client, workbook):
    output = io.BytesIO()
    workbook.save(output)
    return client.post(
        "/staff/entry/upload/", {"workbook": SimpleUploadedFile("actuals.xlsx", output.getvalue(), content_type=XLSX)}
    )


def snapshot():
    """Official actuals and the departments' reported values: a refused upload changes neither."""
    return sorted(Actual.objects.values_list("kpi_id", "year", "raw", "status", "version")) + sorted(
        ReportedActual.objects.values_list("kpi_id", "year", "raw", "status", "version")
    )


def test_workbook_has_locked_structure_a_status_list_and_japanese_instructions(workbook):
    sheet = workbook[SHEET]
    assert sheet.protection.sheet is True
    cols = columns(sheet)
    assert f"R7年度 {INPUT_SUFFIX}" in cols
    assert not sheet.cell(row=2, column=cols[f"R7年度 {INPUT_SUFFIX}"]).protection.locked
    assert sheet.cell(row=2, column=cols["指標名"]).protection.locked
    assert any('"集計中,未把握"' in validation.formula1 for validation in sheet.data_validations.dataValidation)
    assert "説明" in workbook.sheetnames
    assert "黄色い列" in workbook["説明"]["A3"].value
    names = {sheet.cell(row=row, column=cols["指標名"]).value for row in range(2, sheet.max_row + 1)}
    assert names == {"創業者数(H27)", "ふるさと納税リピーター者数(H28～)", "年間観光入込客数"}


def test_upload_previews_every_change_with_its_mark_and_saves_only_on_confirm(client, workbook):
    fill(workbook, {"創業者数(H27)": "193人", "年間観光入込客数": "７６０千人"})
    before = snapshot()
    official = sorted(Actual.objects.values_list("kpi_id", "year", "raw", "status", "version"))
    page = upload(client, workbook).content.decode()
    assert "確認：R7年度 (2025)の変更 2件" in page
    assert "193人" in page and "７６０千人" in page
    assert snapshot() == before  # nothing saved before confirming
    token = page.split('name="token" value="')[1].split('"')[0]
    # Values with warnings (a change of a tenth or more from the latest official value) are kept
    # only when ticked 「確認しました」 on the preview.
    ticked = [part.split('"')[0] for part in page.split('name="confirm" value="')[1:]]
    response = client.post("/staff/entry/upload/confirm/", {"token": token, "confirm": ticked}, follow=True)
    assert "Excelファイルから2件の変更を保存しました" in response.content.decode()
    # Saved as the department's drafts: nothing official moves until a planner approves.
    assert sorted(Actual.objects.values_list("kpi_id", "year", "raw", "status", "version")) == official
    drafts = ReportedActual.objects.filter(kpi__plan__slug="ogori-strategy-3", year=YEAR)
    assert {item.kpi.code: item.value for item in drafts} == {"1(2)-1": 193, "2(2)-1": 760}
    assert {item.state for item in drafts} == {ReviewState.DRAFT}


def refused(client, workbook) -> str:
    before = snapshot()
    page = upload(client, workbook).content.decode()
    assert "何も保存されていません" in page
    assert snapshot() == before
    return page


def test_row_for_a_kpi_outside_the_department_is_refused(client, workbook):
    sheet = workbook[SHEET]
    outsider = Kpi.objects.get(plan__slug="ogori-strategy-3", code="G1-1")  # 経営戦略課
    sheet.cell(row=2, column=columns(sheet)["KPI番号"], value=outsider.pk)
    sheet.cell(row=2, column=columns(sheet)["指標名"], value=outsider.name)
    page = refused(client, fill(workbook, {outsider.name: "18,200人"}))
    assert "シート「入力」 2行目" in page and "権限がありません" in page


def test_changed_kpi_identity_is_refused(client, workbook):
    sheet = workbook[SHEET]
    sheet.cell(row=3, column=columns(sheet)["指標名"], value="書き換えた指標名")
    page = refused(client, fill(workbook, {"書き換えた指標名": "1人"}))
    assert "シート「入力」 3行目" in page and "KPIが変わっています" in page


def test_value_that_cannot_be_parsed_is_refused(client, workbook):
    page = refused(client, fill(workbook, {"創業者数(H27)": "たくさん"}))
    assert "「たくさん」は数値として読めません" in page


def test_year_outside_the_plan_is_refused(client, workbook):
    sheet = workbook[SHEET]
    header = next(cell for cell in sheet[1] if str(cell.value).endswith(INPUT_SUFFIX))
    header.value = f"R15年度 {INPUT_SUFFIX}"
    page = refused(client, fill(workbook, {"創業者数(H27)": "200人"}))
    assert "R15年度 (2033)は計画の期間外です" in page


def test_values_someone_else_changed_since_the_download_are_refused(client, workbook, shoko):
    target = Kpi.objects.get(plan__slug="ogori-strategy-3", code="1(2)-1")
    # Another member of the department reports a value after this workbook was downloaded.
    ReportedActual.objects.create(kpi=target, year=YEAR, value=150, raw="150人", status="measured", version=1)
    page = refused(client, fill(workbook, {"創業者数(H27)": "193人"}))
    assert "ほかの人が先に保存しています" in page


def test_every_problem_is_listed_at_once(client, workbook):
    sheet = workbook[SHEET]
    sheet.cell(row=3, column=columns(sheet)["指標名"], value="書き換えた指標名")
    page = refused(client, fill(workbook, {"創業者数(H27)": "たくさん", "書き換えた指標名": "1"}))
    assert page.count("<li>シート「入力」") == 2


def test_a_file_that_is_not_the_entry_workbook_is_refused(client, shoko):
    response = client.post(
        "/staff/entry/upload/", {"workbook": SimpleUploadedFile("x.xlsx", b"not excel", content_type=XLSX)}
    )
    assert "Excelファイル（.xlsx）として読めません" in response.content.decode()
