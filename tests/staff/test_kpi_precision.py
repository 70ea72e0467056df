"""Staff pages, the entry workbook and the report show values at the KPI's own precision.

小郡 第2期 G1-1 市内就業者数: 17,891人 (H27) → 18,500人 (R6), so H28's interpolated target is
17,958.666…人; a KPI counted in whole 人 shows it as 17,959人. 久留米 第2期 P4-10 (行政手続における
オンライン手続の割合) is written `63.0%`: one decimal place, kept.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Department, Kpi
from tests.logins import DEPARTMENT_STAFF, make_staff

pytestmark = pytest.mark.django_db

OGORI, H28 = "ogori-strategy-2", 2016
KURUME = "kurume-strategy-2"


@pytest.fixture
def staff_client(client, seed):
    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def planning(client, seed):
    """A 経営戦略課 login: G1-1 is the department's KPI."""
    client.force_login(make_staff("keiei", DEPARTMENT_STAFF, departments=["経営戦略課"]))
    return Department.objects.get(municipality__name="小郡市", name="経営戦略課")


def employment():
    return Kpi.objects.get(plan__slug=OGORI, code="G1-1")


def test_the_entry_form_shows_the_interpolated_target_in_whole_people(client, planning):
    page = client.get(f"/staff/entry/departments/{planning.pk}/{H28}/").content.decode()
    assert "市内就業者数" in page
    assert "17,959" in page and "17,958.7" not in page
    assert "17,891" in page  # the baseline, at the same precision


def test_the_staff_kpi_dashboard_shows_the_interpolated_target_in_whole_people(staff_client):
    page = staff_client.get(reverse("dashboard:kpi", args=[OGORI, employment().pk]) + f"?year={H28}")
    html = page.content.decode()
    assert "17,959人" in html and "17,958.7" not in html


def test_the_goal_dashboards_target_table_shows_the_kpi_precision(staff_client):
    # the latest year with data, R5: 18,432.333…人
    html = staff_client.get(reverse("dashboard:goal", args=[OGORI, 1])).content.decode()
    assert "18,432人" in html and "18,432.3" not in html


def test_the_report_shows_the_interpolated_target_in_whole_people(staff_client):
    # the report's table starts at R元 (2019), whose interpolated target is 18,161.666…人
    response = staff_client.get(reverse("dashboard:report", args=[OGORI]))
    html = response.content.decode()
    assert "18,162人" in html and "18,161.7" not in html
    target = next(
        target
        for goal in response.context["report"].goals
        for target in goal.targets
        if target.progress.kpi.code == "G1-1"
    )
    assert {row.year: row.target for row in target.rows}[2019] == "18,162人"


def test_the_report_workbook_keeps_numbers_with_the_kpi_precision(staff_client):
    response = staff_client.get(reverse("dashboard:report-xlsx", args=[OGORI]))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    target = next(cell for cell in cells if isinstance(cell.value, (int, float)) and 18161 < cell.value < 18162)
    assert target.number_format == "#,##0"  # R元: a number shown as 18,162 (the unit in a column of its own)
    assert not any(isinstance(cell.value, str) and "18,161.7" in cell.value for cell in cells)


def test_a_kpi_written_with_one_decimal_keeps_it_on_the_staff_side(staff_client):
    kpi = Kpi.objects.get(plan__slug=KURUME, code="P4-10")
    html = staff_client.get(reverse("dashboard:kpi", args=[KURUME, kpi.pk])).content.decode()
    assert "63.0%" in html  # the baseline row of the chart's table
    response = staff_client.get(reverse("dashboard:report-xlsx", args=[KURUME]))
    workbook = load_workbook(io.BytesIO(response.content))
    rows = [row for sheet in workbook.worksheets for row in sheet.iter_rows() if row[0].value == kpi.name]
    # The unit in its own column, then the baseline: a number at the KPI's precision (63.0).
    assert rows and all(row[2].value == "%" for row in rows)
    baselines = [row[3] for row in rows]
    assert all(cell.number_format == "#,##0.0" and float(cell.value) == 63 for cell in baselines)
