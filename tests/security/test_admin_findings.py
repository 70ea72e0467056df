"""Regression tests of the admin findings: history views scoped to the login's plans (finding 1),
the actual form checks the version and the year with the entry page's rule (finding 8), plan
import bumps versions (finding 6), and municipalities and departments are the login's own."""

import pytest
from django.core.exceptions import PermissionDenied

from plans.models import Actual, Department, Kpi, Municipality, Plan, Project, ProjectReview, PublishedYear
from plans.rules.notation import parse_year
from tests.logins import ADMINISTRATOR, DEPARTMENT_STAFF, PLANNER, make_staff
from workbooks.plan_export import plan_rows
from workbooks.plan_import import import_plan_rows

pytestmark = pytest.mark.django_db
REFUSED = (302, 403, 404)


@pytest.fixture
def ogori_actual(seed):
    """An unpublished-looking actual of 小郡市 with a note only its staff may read."""
    actual = Actual.objects.filter(kpi__plan__slug="ogori-strategy-2", kpi__department__name="商工観光課").first()
    PublishedYear.objects.filter(plan=actual.kpi.plan, year=actual.year).delete()  # a published year is locked
    actual.note = "未公表の内部メモ"
    actual.version += 1
    actual.save()
    return actual


@pytest.fixture(params=[DEPARTMENT_STAFF, PLANNER, ADMINISTRATOR])
def ukiha_staff(request, seed):
    departments = list(Department.objects.filter(municipality__name="うきは市").values_list("name", flat=True)[:2])
    return make_staff(f"ukiha-{request.param}", request.param, municipality="うきは市", departments=departments)


def test_history_views_refuse_another_municipalitys_rows(client, ukiha_staff, ogori_actual):
    client.force_login(ukiha_staff)
    review = (
        ProjectReview.objects.filter(project__plan__municipality__name="小郡市").first()
        or ProjectReview.objects.exclude(project__plan__municipality__name="うきは市")
        .exclude(project__plan__partners__name="うきは市")
        .first()
    )
    objects = {"actual": ogori_actual, "kpi": ogori_actual.kpi}
    if review is not None:
        objects["projectreview"] = review
    for model, obj in objects.items():
        record = type(obj).history.filter(id=obj.pk).first()
        for url in (
            f"/admin/plans/{model}/{obj.pk}/history/",
            f"/admin/plans/{model}/{obj.pk}/history/{record.history_id}/",
        ):
            response = client.get(url)
            assert response.status_code in REFUSED, url
            assert "未公表の内部メモ" not in response.content.decode(), url
        response = client.post(f"/admin/plans/{model}/{obj.pk}/history/{record.history_id}/", {"raw": "1"})
        assert response.status_code in REFUSED
    assert Actual.objects.get(pk=ogori_actual.pk).note == "未公表の内部メモ"


def test_history_views_still_serve_the_logins_own_rows(client, seed, ogori_actual):
    client.force_login(make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"]))
    assert client.get(f"/admin/plans/actual/{ogori_actual.pk}/history/").status_code == 200


def change_actual(client, actual, **data):
    return client.post(
        f"/admin/plans/actual/{actual.pk}/change/",
        {"kpi": actual.kpi_id, "year": actual.year, "raw": "1人", "status": "measured", "note": "", **data},
    )


@pytest.fixture
def planner_client(client, seed):
    """The admin's actual form is the planners' (corrections); department staff report on the entry page."""
    client.force_login(make_staff("kikaku", PLANNER))
    return client


def test_the_admin_actual_form_refuses_a_save_without_the_version(planner_client, ogori_actual):
    response = change_actual(planner_client, ogori_actual)
    assert response.status_code == 200
    assert "ほかの人" in response.content.decode() or "Someone else" in response.content.decode()
    assert Actual.objects.get(pk=ogori_actual.pk).raw == ogori_actual.raw


def test_the_admin_actual_form_refuses_a_stale_version(planner_client, ogori_actual):
    response = change_actual(planner_client, ogori_actual, seen_version=ogori_actual.version - 1)
    assert response.status_code == 200
    assert Actual.objects.get(pk=ogori_actual.pk).raw == ogori_actual.raw


def test_the_admin_actual_form_refuses_a_year_outside_the_plan(planner_client, ogori_actual):
    response = change_actual(planner_client, ogori_actual, year=2150, seen_version=ogori_actual.version)
    assert response.status_code == 200
    assert "期間外" in response.content.decode()
    assert Actual.objects.get(pk=ogori_actual.pk).year == ogori_actual.year


def test_the_admin_actual_form_saves_with_the_current_version_and_bumps_it(planner_client, ogori_actual):
    response = change_actual(planner_client, ogori_actual, seen_version=ogori_actual.version)
    assert response.status_code == 302
    saved = Actual.objects.get(pk=ogori_actual.pk)
    assert (saved.raw, saved.version) == ("1人", ogori_actual.version + 1)


def test_plan_import_bumps_the_version_so_a_stale_entry_form_cannot_overwrite(client, seed, ogori_actual):
    shoko = make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"])
    seen = ogori_actual.version
    rows = plan_rows("ogori-strategy-2")
    kpi = ogori_actual.kpi
    row = next(
        row for row in rows["actuals"] if row["kpi"] == kpi.code and parse_year(row["year"]) == ogori_actual.year
    )
    row["value"] = "4,321人"
    import_plan_rows(rows)
    imported = Actual.objects.get(pk=ogori_actual.pk)
    assert imported.raw == "4,321人" and imported.version == seen + 1
    client.force_login(shoko)
    department = kpi.department
    response = client.post(
        f"/staff/entry/departments/{department.pk}/{ogori_actual.year}/",
        {"kpi": [str(kpi.pk)], f"value-{kpi.pk}": "1人", f"version-{kpi.pk}": str(seen)},
    )
    assert "ほかの人が先に保存" in response.content.decode()
    assert Actual.objects.get(pk=ogori_actual.pk).raw == "4,321人"


def test_an_administrator_changes_only_its_own_municipality_and_departments(client, seed):
    client.force_login(make_staff("ukiha-admin", ADMINISTRATOR, municipality="うきは市"))
    ogori = Municipality.objects.get(name="小郡市")
    department = Department.objects.filter(municipality=ogori).first()
    assert client.get(f"/admin/plans/municipality/{ogori.pk}/change/").status_code in REFUSED
    assert (
        client.post(f"/admin/plans/department/{department.pk}/change/", {"name": "乗っ取り課"}).status_code in REFUSED
    )
    assert client.get("/admin/plans/municipality/add/").status_code == 403
    assert Department.objects.get(pk=department.pk).name == department.name
    assert "小郡市" not in client.get("/admin/plans/department/").content.decode()
    own = Municipality.objects.get(name="うきは市")
    assert client.get(f"/admin/plans/municipality/{own.pk}/change/").status_code == 200
    assert Kpi.objects.exists()


def test_the_admin_forms_refuse_over_long_text_with_a_message_not_a_server_error(planner_client, ogori_actual):
    for note in ("x" * 10_001, "x" * 2_001):  # past the column; past the entry page's cap for a note
        response = change_actual(planner_client, ogori_actual, seen_version=ogori_actual.version, note=note)
        assert response.status_code == 200
        assert "note" in response.context["adminform"].form.errors
    response = change_actual(planner_client, ogori_actual, seen_version=ogori_actual.version, raw="1" * 201)
    assert response.status_code == 200
    assert "raw" in response.context["adminform"].form.errors
    assert Actual.objects.get(pk=ogori_actual.pk).raw == ogori_actual.raw


# --- found in review: a planner could hand its plan or its KPIs to another municipality ----------


@pytest.fixture
def ukiha_planner(seed):
    return make_staff("ukiha-planner", PLANNER, municipality="うきは市")


def test_a_planner_cannot_move_its_plan_to_another_municipality_in_the_admin(client, ukiha_planner):
    plan = Plan.objects.get(slug="ukiha-renaissance-2")
    client.force_login(ukiha_planner)
    page = client.get(f"/admin/plans/plan/{plan.pk}/change/")
    assert page.status_code == 200
    assert 'name="municipality"' not in page.content.decode()  # read-only for planners
    ogori = Municipality.objects.get(name="小郡市")
    data = {
        "slug": plan.slug,
        "title": plan.title,
        "kind": plan.kind,
        "municipality": ogori.pk,
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "rating_labels-TOTAL_FORMS": 0,
        "rating_labels-INITIAL_FORMS": 0,
        "goals-TOTAL_FORMS": 0,
        "goals-INITIAL_FORMS": 0,
    }
    client.post(f"/admin/plans/plan/{plan.pk}/change/", data)
    assert Plan.objects.get(pk=plan.pk).municipality.name == "うきは市"


def test_a_planner_cannot_move_its_plan_or_invent_municipalities_by_import(ukiha_planner):
    departments = Department.objects.filter(municipality__name="小郡市").count()
    for change in ({"municipality": "小郡市"}, {"partners": "架空村"}):
        rows = plan_rows("ukiha-renaissance-2")
        rows["plan"].update(change)
        with pytest.raises(PermissionDenied):
            import_plan_rows(rows, user=ukiha_planner)
    assert Plan.objects.get(slug="ukiha-renaissance-2").municipality.name == "うきは市"
    assert not Municipality.objects.filter(name="架空村").exists()
    assert Department.objects.filter(municipality__name="小郡市").count() == departments


def test_a_planner_cannot_make_another_municipalitys_department_responsible_for_a_kpi(client, ukiha_planner):
    kpi = Kpi.objects.filter(plan__slug="ukiha-renaissance-2").first()
    ogori_department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    client.force_login(ukiha_planner)
    page = client.get(f"/admin/plans/kpi/{kpi.pk}/change/").content.decode()
    assert "商工観光課 (小郡市)" not in page
    form = client.get(f"/admin/plans/kpi/{kpi.pk}/change/").context["adminform"].form
    assert not form.fields["department"].queryset.filter(pk=ogori_department.pk).exists()
    assert not form.fields["predecessor"].queryset.filter(plan__municipality__name="小郡市").exists()


def test_raw_id_labels_and_list_filters_show_nothing_of_another_municipality(client, seed):
    ukiha = list(Department.objects.filter(municipality__name="うきは市").values_list("name", flat=True)[:3])
    client.force_login(make_staff("ukiha-dept", DEPARTMENT_STAFF, "うきは市", ukiha))
    project = Project.objects.filter(plan__slug="ogori-strategy-2")[0]
    page = client.get(f"/admin/plans/projectreview/add/?project={project.pk}").content.decode()
    assert project.title not in page
    for url in ("/admin/plans/actual/", "/admin/plans/kpi/", "/admin/plans/projectreview/"):
        assert "小郡" not in client.get(url).content.decode(), url


@pytest.mark.parametrize(
    "url",
    [
        "/admin/plans/kpi/abc/history/",
        "/admin/plans/actual/%C2%B2/history/",
        "/admin/plans/actual/1.5/history/",
        "/admin/plans/actual/1/history/abc/",
        "/admin/plans/kpi/?goal=abc",
        "/admin/plans/actual/?goal=99999999999999999999999",
    ],
)
def test_hostile_ids_in_admin_urls_are_not_server_errors(planner_client, url):
    assert planner_client.get(url).status_code in (200, 302, 404)
