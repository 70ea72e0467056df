"""The entry workbook's target column at the KPI's precision."""

import io

import pytest
from openpyxl import load_workbook

from plans.models import Department
from tests.logins import DEPARTMENT_STAFF, make_staff
from workbooks.entry_workbook import SHEET

pytestmark = pytest.mark.django_db


def test_the_entry_workbook_shows_the_interpolated_target_in_whole_people(client, seed):
    # 小郡 第2期 市内就業者数: 17,891人 (H27) → 18,500人 (R6); H28's target is 17,958.666…人
    client.force_login(make_staff("keiei", DEPARTMENT_STAFF, departments=["経営戦略課"]))
    department = Department.objects.get(municipality__name="小郡市", name="経営戦略課")
    response = client.get(f"/staff/entry/departments/{department.pk}/2016/workbook.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))[SHEET]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    row = next(row for row in rows if "市内就業者数" in row)
    target = next(value for name, value in zip(header, row, strict=False) if name and "目標" in str(name))
    assert target == "17,959（補間）"
