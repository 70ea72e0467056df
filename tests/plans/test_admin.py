"""The staff admin: plan workbook upload and download, the attention filter."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.models import Actual, Kpi, Plan
from workbooks.plan_export import plan_rows
from workbooks.plan_workbook import write_workbook
from workbooks.safety import XLSX

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("planner", "planner@example.jp", "a-strong-password-123")
    client.force_login(user)
    return client


def upload(client, content: bytes, name="plan.xlsx"):
    return client.post("/admin/plans/plan/import/", {"workbook": SimpleUploadedFile(name, content, content_type=XLSX)})


def test_admin_upload_updates_the_plan(admin_client, seed):
    rows = plan_rows("kurume-strategy-1")
    rows["actuals"].append({"kpi": "G1-1", "year": "H30年度", "value": "18,100人", "status": "", "note": ""})
    response = upload(admin_client, write_workbook(rows))
    assert response.status_code == 302
    assert Actual.objects.get(kpi__plan__slug="kurume-strategy-1", kpi__code="G1-1", year=2018).raw == "18,100人"


def test_admin_upload_of_a_broken_workbook_lists_problems_in_japanese_and_saves_nothing(admin_client, seed):
    rows = plan_rows("kurume-strategy-1")
    rows["actuals"][0]["value"] = "たくさん"
    rows["kpis"].append(dict(rows["kpis"][0]))
    before = Actual.objects.count(), Kpi.objects.count()
    response = upload(admin_client, write_workbook(rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "取り込めませんでした（問題：2件）。何も保存されていません。" in page
    assert page.count("<li>シート") == 2
    assert "たくさん" in page
    assert (Actual.objects.count(), Kpi.objects.count()) == before


def test_admin_upload_refuses_a_file_that_is_not_xlsx(admin_client, seed):
    response = upload(admin_client, b"hello", name="plan.csv")
    assert response.status_code == 200
    assert Plan.objects.count() == 6


def test_admin_downloads_the_plan_workbook(admin_client, seed):
    plan = Plan.objects.get(slug="ogori-strategy-2")
    response = admin_client.get(f"/admin/plans/plan/{plan.pk}/workbook/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response.content[:2] == b"PK"


def test_upload_requires_staff(client, seed):
    response = client.get("/admin/plans/plan/import/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_unreadable_values_are_shown_to_staff_as_needing_attention(admin_client, seed):
    response = admin_client.get("/admin/plans/kpi/?attention=unreadable")
    page = response.content.decode()
    assert response.status_code == 200
    assert "全国平均以上" in page  # a target in words: no number to rate against
    assert "滞在人口を維持" not in page  # read as a maintain target (target = baseline)
