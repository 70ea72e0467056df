"""Department staff enter actuals in Chromium: live marks, save, and the Excel round trip."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from plans.access import DEPARTMENT_STAFF
from plans.models import Department, Kpi, ReportedActual
from workbooks.entry_workbook import INPUT_SUFFIX, SHEET

PASSWORD = "a-strong-password-123"
YEAR = 2025


def log_in(page, server, username):
    page.goto(server.url + "/admin/login/?next=/staff/entry/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="実績入力")).to_be_visible()


def test_department_staff_enter_a_years_actuals_and_see_marks_update(page, seeded_server, make_staff):
    make_staff("shoko", DEPARTMENT_STAFF, municipality="小郡市", departments=["商工観光課"])
    log_in(page, seeded_server, "shoko")
    page.get_by_role("link", name="R7年度 (2025)を入力する").click()
    page.wait_for_url("**/staff/entry/departments/**")
    page.wait_for_load_state("load")  # entry.js (deferred) listens for typing only once it has run
    row = page.locator("tr.entry-row", has_text="創業者数(H27)")
    mark = row.locator("output.mark")
    value = row.locator("input.value")
    value.fill("１５０人")
    expect(mark).to_have_text("×")
    value.fill("193人")
    expect(mark).to_have_text("○")
    value.fill("たくさん")
    expect(row.locator(".mark-error")).to_contain_text("読めません")
    value.fill("180")
    expect(mark).to_have_text("△")
    confirm = row.locator("label.confirm input")
    if confirm.is_visible():  # a warning (e.g. far from last year's): the person confirms it
        confirm.check()
    tourism = page.locator("tr.entry-row", has_text="年間観光入込客数")
    tourism.locator("select.status").select_option("集計中")
    tourism.locator("input.note").fill("県の公表待ち")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("2件の変更を保存しました")
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-3", code="1(2)-1")
    assert ReportedActual.objects.get(kpi=kpi, year=YEAR).value == 180
    assert (
        ReportedActual.objects.get(kpi__plan__slug="ogori-strategy-3", kpi__code="2(2)-1", year=YEAR).status
        == "pending"
    )


def test_download_fill_upload_confirm_and_find_the_values_saved(page, seeded_server, make_staff, tmp_path):
    make_staff("shoko", DEPARTMENT_STAFF, municipality="小郡市", departments=["商工観光課"])
    log_in(page, seeded_server, "shoko")
    department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    with page.expect_download() as download_info:
        page.locator(f"a[href='/staff/entry/departments/{department.pk}/{YEAR}/workbook.xlsx']").first.click()
    path = tmp_path / "actuals.xlsx"
    download_info.value.save_as(path)

    workbook = load_workbook(path)
    sheet = workbook[SHEET]
    headers = {cell.value: cell.column for cell in sheet[1]}
    value_column = next(column for header, column in headers.items() if header.endswith(INPUT_SUFFIX))
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=headers["指標名"]).value == "創業者数(H27)":
            sheet.cell(row=row, column=value_column, value="200人")
        if sheet.cell(row=row, column=headers["指標名"]).value == "年間観光入込客数":
            sheet.cell(row=row, column=value_column, value="760千人")
    output = io.BytesIO()
    workbook.save(output)
    path.write_bytes(output.getvalue())

    page.goto(seeded_server.url + "/staff/entry/upload/")
    page.get_by_label("入力済みのExcelファイル（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="内容を確認する").click()
    preview = page.locator("section.preview")
    expect(preview).to_contain_text("変更 2件")
    expect(preview.locator("tr.change", has_text="創業者数(H27)")).to_contain_text("○")
    assert not ReportedActual.objects.filter(kpi__plan__slug="ogori-strategy-3", year=YEAR).exists()
    for box in preview.locator("input[name=confirm]").all():  # the person confirms any warnings
        box.check()
    page.get_by_role("button", name="確定して保存する").click()
    expect(page.locator(".messages")).to_contain_text("2件の変更を保存しました")
    assert ReportedActual.objects.get(kpi__plan__slug="ogori-strategy-3", kpi__code="1(2)-1", year=YEAR).raw == "200人"
    assert ReportedActual.objects.get(kpi__plan__slug="ogori-strategy-3", kpi__code="2(2)-1", year=YEAR).value == 760
