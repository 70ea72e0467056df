"""Each role is refused what it may not touch, on each path: admin, entry page, upload, export."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans import access
from plans.models import Actual, Department, Kpi, Plan, PublishedYear
from tests.logins import ADMINISTRATOR, DEPARTMENT_STAFF, PLANNER, make_staff
from workbooks.plan_export import plan_rows
from workbooks.plan_workbook import write_workbook
from workbooks.safety import XLSX

pytestmark = pytest.mark.django_db


@pytest.fixture
def ogori_actual(seed):
    """An actual of 小郡's 第2期 owned by 商工観光課."""
    return Actual.objects.filter(kpi__plan__slug="ogori-strategy-2", kpi__department__name="商工観光課").first()


@pytest.fixture
def strategy_actual(seed):
    """An actual of 小郡's 第2期 owned by 経営戦略課."""
    return Actual.objects.filter(kpi__plan__slug="ogori-strategy-2", kpi__department__name="経営戦略課").first()


def login(client, user):
    client.force_login(user)
    return client


def change_actual(client, actual, raw):
    return client.post(
        f"/admin/plans/actual/{actual.pk}/change/",
        {
            "kpi": actual.kpi_id,
            "year": actual.year,
            "raw": raw,
            "status": "measured",
            "note": "",
            "seen_version": actual.version,
        },
    )


# --- anonymous ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("/staff/entry/", "/staff/login/"),
        ("/staff/entry/upload/", "/staff/login/"),
        ("/admin/plans/actual/", "/admin/login/"),
    ],
)
def test_anonymous_is_sent_to_the_login(client, seed, url, login):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(login)


# --- department staff ----------------------------------------------------------------------------


@pytest.fixture
def shoko(seed):
    return make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"])


def test_department_staff_read_their_own_actual_in_the_admin_but_report_values_on_the_entry_page(
    client, shoko, ogori_actual
):
    """An official actual changes only by a planner's approval (or a planner's correction): the
    admin's change form is read-only for department staff, and a POST changes nothing."""
    login(client, shoko)
    page = client.get(f"/admin/plans/actual/{ogori_actual.pk}/change/")
    assert page.status_code == 200 and 'name="raw"' not in page.content.decode()
    response = change_actual(client, ogori_actual, "999人")
    assert response.status_code == 403
    assert Actual.objects.get(pk=ogori_actual.pk).raw == ogori_actual.raw


def test_department_staff_are_refused_another_departments_actual_in_the_admin(client, shoko, strategy_actual):
    response = change_actual(login(client, shoko), strategy_actual, "1人")
    assert response.status_code in (302, 403)  # not among the rows they may see: "does not exist"
    assert Actual.objects.get(pk=strategy_actual.pk).raw == strategy_actual.raw
    assert client.get(f"/admin/plans/actual/{strategy_actual.pk}/change/").status_code == 302


def test_department_staff_cannot_change_plan_structure(client, shoko, ogori_actual):
    kpi = ogori_actual.kpi
    login(client, shoko)
    response = client.post(f"/admin/plans/kpi/{kpi.pk}/change/", {"name": "書き換え"})
    assert response.status_code == 403
    assert Kpi.objects.get(pk=kpi.pk).name == kpi.name
    assert client.get("/admin/plans/plan/import/").status_code == 403


def test_department_staff_are_refused_another_departments_entry_page_and_workbook(client, shoko):
    other = Department.objects.get(municipality__name="小郡市", name="経営戦略課")
    login(client, shoko)
    assert client.get(f"/staff/entry/departments/{other.pk}/2025/").status_code == 403
    assert client.post(f"/staff/entry/departments/{other.pk}/2025/", {"kpi": []}).status_code == 403
    assert client.get(f"/staff/entry/departments/{other.pk}/2025/workbook.xlsx").status_code == 403
    assert client.get("/staff/entry/plans/ogori-strategy-3/2025/workbook.xlsx").status_code == 403


def test_department_staff_are_refused_marks_of_kpis_they_do_not_own(client, shoko):
    foreign = Kpi.objects.get(plan__slug="ogori-strategy-3", code="G1-1")
    response = login(client, shoko).get("/staff/entry/mark/", {"kpi": foreign.pk, "year": 2025, "value": "1"})
    assert response.status_code == 403


def test_department_staff_cannot_smuggle_another_departments_kpi_into_the_entry_form(client, shoko):
    own = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    foreign = Kpi.objects.get(plan__slug="ogori-strategy-3", code="G1-1")
    data = {"kpi": [str(foreign.pk)], f"value-{foreign.pk}": "1", f"version-{foreign.pk}": "0"}
    page = login(client, shoko).post(f"/staff/entry/departments/{own.pk}/2025/", data).content.decode()
    assert "権限がありません" in page
    assert not Actual.objects.filter(kpi=foreign, year=2025).exists()


def test_department_staff_cannot_manage_users(client, shoko):
    assert login(client, shoko).get("/admin/auth/user/").status_code == 403


# --- planners ------------------------------------------------------------------------------------


@pytest.fixture
def ogori_planner(seed):
    return make_staff("ogori-planner", PLANNER)


def test_planner_changes_their_municipalitys_plan(client, ogori_planner, strategy_actual):
    # A published year is locked until reopened: the planner corrects an actual of a year not published.
    PublishedYear.objects.filter(plan=strategy_actual.kpi.plan, year=strategy_actual.year).delete()
    assert change_actual(login(client, ogori_planner), strategy_actual, "1,000人").status_code == 302
    assert Actual.objects.get(pk=strategy_actual.pk).raw == "1,000人"


def test_planner_is_refused_an_admin_edit_of_a_published_year(client, ogori_planner, strategy_actual):
    assert PublishedYear.objects.filter(plan=strategy_actual.kpi.plan, year=strategy_actual.year).exists()
    page = change_actual(login(client, ogori_planner), strategy_actual, "1,000人")
    assert page.status_code == 200 and "公表済み" in page.content.decode()
    assert Actual.objects.get(pk=strategy_actual.pk).raw == strategy_actual.raw


def test_planner_does_not_see_another_municipalitys_plan(client, ogori_planner):
    kurume = Plan.objects.get(slug="kurume-strategy-1")
    kpi = kurume.kpis.first()
    login(client, ogori_planner)
    assert client.get(f"/admin/plans/kpi/{kpi.pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/plans/plan/{kurume.pk}/workbook/").status_code in (403, 404)
    assert client.get("/staff/entry/plans/kurume-strategy-1/2017/workbook.xlsx").status_code == 403
    assert "第1期 久留米市" not in client.get("/admin/plans/plan/").content.decode()


def test_planner_cannot_import_another_municipalitys_plan(client, ogori_planner):
    rows = plan_rows("kurume-strategy-1")
    rows["plan"]["title"] = "乗っ取り"
    response = login(client, ogori_planner).post(
        "/admin/plans/plan/import/",
        {"workbook": SimpleUploadedFile("plan.xlsx", write_workbook(rows), content_type=XLSX)},
    )
    assert "権限がありません" in response.content.decode()
    assert Plan.objects.get(slug="kurume-strategy-1").title != "乗っ取り"


def test_partner_planner_sees_the_regional_plan_but_cannot_change_it(client, seed):
    okawa = make_staff("okawa-planner", PLANNER, municipality="大川市")
    vision = Plan.objects.get(slug="kurume-vision-3")
    assert access.visible_plans(okawa).filter(pk=vision.pk).exists()
    assert not access.can_change_plan(okawa, vision)
    assert not access.editable_kpis(okawa).filter(plan=vision).exists()  # no row of 大川市's departments
    login(client, okawa)
    assert client.get(f"/admin/plans/plan/{vision.pk}/change/").status_code == 200  # read-only view
    response = client.post(f"/admin/plans/plan/{vision.pk}/change/", {"title": "変更"})
    assert response.status_code == 403
    assert Plan.objects.get(pk=vision.pk).title == vision.title


def test_partner_staff_edit_only_their_own_municipalitys_rows_of_a_regional_plan(seed):
    vision_kpi = Kpi.objects.filter(plan__slug="kurume-vision-3").first()
    okawa_department = Department.objects.create(
        municipality=vision_kpi.plan.partners.get(name="大川市"), name="企画課"
    )
    vision_kpi.department = okawa_department
    vision_kpi.save()
    okawa = make_staff("okawa-staff", DEPARTMENT_STAFF, municipality="大川市", departments=["企画課"])
    ukiha = make_staff("ukiha-planner", PLANNER, municipality="うきは市")
    assert list(access.editable_kpis(okawa)) == [vision_kpi]
    assert not access.editable_kpis(ukiha).filter(pk=vision_kpi.pk).exists()


# --- administrators ------------------------------------------------------------------------------


def test_administrator_manages_users_but_not_actuals(client, seed, strategy_actual):
    admin_user = make_staff("sysadmin", ADMINISTRATOR)
    login(client, admin_user)
    assert client.get("/staff/accounts/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403  # the admin's user form is the superuser's
    assert change_actual(client, strategy_actual, "5人").status_code == 403
    assert client.get("/staff/entry/upload/").status_code == 200
    response = client.post(
        "/staff/entry/upload/",
        {"workbook": SimpleUploadedFile("a.xlsx", io.BytesIO(b"x").getvalue(), content_type=XLSX)},
    )
    assert response.status_code == 200
    assert Actual.objects.get(pk=strategy_actual.pk).raw == strategy_actual.raw
