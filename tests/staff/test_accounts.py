"""Staff logins in the product: login and logout, the staff home, and the accounts pages where an
administrator manages its own municipality's logins (and nothing else), and the Django admin's
users and groups closed to everyone but superusers."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import access
from plans.models import Actual, Department, Kpi, StaffProfile
from plans.services import accounts
from plans.services.actuals import default_entry_year
from tests.logins import ADMINISTRATOR, DEPARTMENT_STAFF, PLANNER, make_staff

pytestmark = pytest.mark.django_db
PASSWORD = "a-strong-password-123"
LINK = re.compile(r"http://testserver(/staff/password/set/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def ogori_admin(seed):
    return make_staff("ogori-admin", ADMINISTRATOR, municipality="小郡市")


@pytest.fixture
def admin_client(client, ogori_admin):
    client.force_login(ogori_admin)
    return client


@pytest.fixture
def kurume_staff(seed):
    return make_staff("kurume-staff", DEPARTMENT_STAFF, municipality="久留米市")


@pytest.fixture
def ogori_staff(seed):
    return make_staff("ogori-staff", DEPARTMENT_STAFF, municipality="小郡市", departments=["商工観光課"])


def ogori_department(name):
    return Department.objects.get(municipality__name="小郡市", name=name)


def main(response):
    """The page's own content, without the site navigation."""
    return response.content.decode().split('<main id="main"', 1)[1]


def invite(client, **extra):
    data = {
        "email": "Hanako@example.jp",
        "name": "小郡 花子",
        "role": DEPARTMENT_STAFF,
        "departments": [ogori_department("商工観光課").pk],
        **extra,
    }
    return client.post(reverse("staff:account-invite"), data)


# --- login and logout ---------------------------------------------------------------------------


def test_login_lands_on_the_staff_home(client, ogori_staff):
    response = client.post(reverse("staff:login"), {"username": "ogori-staff", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_logout_lands_on_the_public_home(client, ogori_staff):
    client.force_login(ogori_staff)
    response = client.post(reverse("staff:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan-list") == "/"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/staff/", "/staff/accounts/", "/staff/entry/", "/staff/dashboard/"])
def test_anonymous_visitors_are_sent_to_the_staff_login(client, seed, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/staff/login/?next={url}")


def test_the_login_page_is_in_the_site_layout_in_japanese(client, seed):
    page = client.get(reverse("staff:login")).content.decode()
    assert "職員ログイン" in page
    assert 'class="site-header"' in page


def test_a_locked_out_login_gets_the_axes_response(client, ogori_staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        client.post(reverse("staff:login"), {"username": "ogori-staff", "password": "wrong"})
    response = client.post(reverse("staff:login"), {"username": "ogori-staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_deactivated_login_cannot_log_in(client, ogori_staff):
    ogori_staff.is_active = False
    ogori_staff.save()
    response = client.post(reverse("staff:login"), {"username": "ogori-staff", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- staff home ---------------------------------------------------------------------------------


def test_home_shows_each_departments_to_do_of_the_entry_year(client, ogori_staff):
    year = default_entry_year()
    kpis = list(Kpi.objects.filter(department=ogori_department("商工観光課")).order_by("pk"))
    # Make the state of the year known whatever the seed holds for it: one entered, one pending.
    Actual.objects.filter(kpi__in=kpis, year=year).delete()
    in_year = [kpi for kpi in kpis if kpi.plan.first_year <= year <= kpi.plan.last_year]
    Actual.objects.create(kpi=in_year[0], year=year, value=5, raw="5件", status="measured")
    Actual.objects.create(kpi=in_year[1], year=year, raw="", status="pending")
    client.force_login(ogori_staff)
    response = client.get(reverse("staff:home"))
    page = main(response)
    department = ogori_department("商工観光課")
    todo = dict(response.context["departments"])[department]
    assert (todo.owned, todo.entered, todo.pending, todo.missing) == (len(in_year), 1, 1, len(in_year) - 2)
    assert reverse("entry:form", args=[department.pk, year]) in page
    # Department staff open their plans' public pages; dashboards are the planners'.
    assert reverse("plans:plan-detail", args=["ogori-strategy-2"]) in page
    assert reverse("dashboard:plan", args=["ogori-strategy-2"]) not in page
    assert reverse("staff:accounts") not in page
    assert reverse("staff:publication") not in page


def test_home_links_planners_to_publication_and_administrators_to_accounts(client, seed):
    client.force_login(make_staff("ogori-planner", PLANNER))
    assert reverse("staff:publication") in main(client.get("/staff/"))
    client.force_login(make_staff("ogori-admin", ADMINISTRATOR))
    page = main(client.get("/staff/"))
    assert reverse("staff:accounts") in page
    assert reverse("staff:publication") not in page


def test_home_refuses_a_login_without_a_role(client, seed, django_user_model):
    client.force_login(django_user_model.objects.create_user("citizen", password=PASSWORD))
    assert client.get("/staff/").status_code == 403


def home_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/")
    assert response.status_code == 200
    return len(queries)


def test_home_queries_do_not_grow_with_departments_or_kpis(client, seed):
    one = make_staff("one", DEPARTMENT_STAFF, municipality="小郡市", departments=["健康課"])
    many = make_staff(
        "many",
        DEPARTMENT_STAFF,
        municipality="小郡市",
        departments=["健康課", "商工観光課", "スポーツ振興課", "下水道課", "コミュニティ推進課", "地域開発推進課"],
    )
    # session and user, roles/municipality/departments for each access question, the KPIs'
    # departments, the entry KPIs with their targets and actuals, the departments, the plans
    assert home_queries(client, one) == home_queries(client, many)


# --- accounts pages: who may open them ----------------------------------------------------------


ACCOUNT_PAGES = ["/staff/accounts/", "/staff/accounts/invite/"]


@pytest.mark.parametrize("role", [DEPARTMENT_STAFF, PLANNER])
@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_planners_and_department_staff_cannot_open_the_accounts_pages(client, seed, role, url):
    client.force_login(make_staff("someone", role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [DEPARTMENT_STAFF, PLANNER])
def test_planners_and_department_staff_cannot_change_a_login(client, ogori_staff, role):
    client.force_login(make_staff("someone", role))
    assert client.get(f"/staff/accounts/{ogori_staff.pk}/").status_code == 403
    assert client.post(f"/staff/accounts/{ogori_staff.pk}/deactivate/").status_code == 403
    assert get_user_model().objects.get(pk=ogori_staff.pk).is_active


def test_the_list_shows_the_logins_of_the_administrators_municipality_only(admin_client, ogori_staff, kurume_staff):
    page = admin_client.get("/staff/accounts/").content.decode()
    assert "ogori-staff" in page
    assert "kurume-staff" not in page
    assert "小郡市" in page


# --- invitation ---------------------------------------------------------------------------------


def test_invite_sends_one_mail_with_a_working_link(admin_client, client, mailoutbox):
    response = invite(admin_client)
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["hanako@example.jp"]
    assert "パスワード" in mail.subject + mail.body
    user = get_user_model().objects.get(username="hanako@example.jp")
    assert not user.has_usable_password()
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert list(user.groups.values_list("name", flat=True)) == [DEPARTMENT_STAFF]
    assert list(user.staff_profile.departments.values_list("name", flat=True)) == ["商工観光課"]
    assert user.staff_profile.municipality.name == "小郡市"

    admin_client.logout()
    link = LINK.search(mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    new_password = "kappa-river-2025-spring"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302 and done["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200  # logged in
    client.logout()
    logged_in = client.post(reverse("staff:login"), {"username": "hanako@example.jp", "password": new_password})
    assert logged_in["Location"] == "/staff/"
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_invite_refuses_a_department_of_another_municipality(admin_client, mailoutbox):
    ukiha = Department.objects.filter(municipality__name="うきは市").first()
    response = invite(admin_client, departments=[ukiha.pk])
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="hanako@example.jp").exists()
    assert mailoutbox == []


def test_invite_refuses_an_address_already_used(admin_client, ogori_staff, mailoutbox):
    response = invite(admin_client, email="OGORI-STAFF@example.jp")
    assert response.status_code == 200
    assert "すでにあります" in response.content.decode()
    assert mailoutbox == []


def test_an_administrator_cannot_make_anyone_superuser_through_the_forms(admin_client, ogori_staff, mailoutbox):
    other_group = Group.objects.create(name="anything")
    invite(admin_client, is_superuser="on", is_staff="on", groups=[other_group.pk], municipality="1")
    user = get_user_model().objects.get(username="hanako@example.jp")
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [DEPARTMENT_STAFF]

    admin_client.post(
        f"/staff/accounts/{ogori_staff.pk}/",
        {"role": PLANNER, "is_superuser": "on", "groups": [other_group.pk], "is_active": ""},
    )
    ogori_staff.refresh_from_db()
    assert not ogori_staff.is_superuser
    assert ogori_staff.is_active
    assert list(ogori_staff.groups.values_list("name", flat=True)) == [PLANNER]


def test_resend_sends_the_invitation_again(admin_client, mailoutbox):
    invite(admin_client)
    user = get_user_model().objects.get(username="hanako@example.jp")
    admin_client.post(f"/staff/accounts/{user.pk}/resend/")
    assert len(mailoutbox) == 2
    assert LINK.search(mailoutbox[1].body)


def test_resend_is_refused_once_the_password_is_set(admin_client, ogori_staff, mailoutbox):
    response = admin_client.post(f"/staff/accounts/{ogori_staff.pk}/resend/", follow=True)
    assert mailoutbox == []
    assert "パスワードを設定済み" in response.content.decode()


def test_a_deactivated_logins_invitation_link_no_longer_works(admin_client, client, mailoutbox):
    invite(admin_client)
    user = get_user_model().objects.get(username="hanako@example.jp")
    admin_client.post(f"/staff/accounts/{user.pk}/deactivate/")
    response = client.get(LINK.search(mailoutbox[0].body).group(1), follow=True)
    assert not response.context["validlink"]


def test_forgot_password_mails_a_link_in_japanese(client, ogori_staff, mailoutbox, settings):
    client.post(reverse("staff:password-reset"), {"email": "ogori-staff@example.jp"}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(mailoutbox) == 1
    assert "パスワード" in mailoutbox[0].body
    assert LINK.search(mailoutbox[0].body)


# --- editing, deactivating ----------------------------------------------------------------------


def test_an_administrator_changes_role_and_departments(admin_client, ogori_staff):
    response = admin_client.post(
        f"/staff/accounts/{ogori_staff.pk}/",
        {"role": PLANNER, "departments": [ogori_department("健康課").pk]},
    )
    assert response.status_code == 302
    assert access.roles_of(ogori_staff) == {PLANNER}
    assert list(ogori_staff.staff_profile.departments.values_list("name", flat=True)) == ["健康課"]


def test_an_administrator_deactivates_and_reactivates_a_login(admin_client, ogori_staff):
    admin_client.post(f"/staff/accounts/{ogori_staff.pk}/deactivate/")
    ogori_staff.refresh_from_db()
    assert not ogori_staff.is_active
    admin_client.post(f"/staff/accounts/{ogori_staff.pk}/reactivate/")
    ogori_staff.refresh_from_db()
    assert ogori_staff.is_active


def test_deactivating_takes_a_get_as_nothing(admin_client, ogori_staff):
    assert admin_client.get(f"/staff/accounts/{ogori_staff.pk}/deactivate/").status_code == 405
    ogori_staff.refresh_from_db()
    assert ogori_staff.is_active


def test_an_administrator_cannot_deactivate_itself(admin_client, ogori_admin):
    response = admin_client.post(f"/staff/accounts/{ogori_admin.pk}/deactivate/", follow=True)
    ogori_admin.refresh_from_db()
    assert ogori_admin.is_active
    assert "自分のログインは無効にできません" in response.content.decode()


def test_an_administrator_cannot_demote_itself(admin_client, ogori_admin):
    response = admin_client.post(f"/staff/accounts/{ogori_admin.pk}/", {"role": PLANNER})
    assert response.status_code == 200
    assert "自分のシステム管理者の役割" in response.content.decode()
    assert access.roles_of(ogori_admin) == {ADMINISTRATOR}


@pytest.mark.parametrize("path", ["", "deactivate/", "reactivate/", "resend/"])
def test_another_municipalitys_login_is_not_found(admin_client, kurume_staff, path):
    url = f"/staff/accounts/{kurume_staff.pk}/{path}"
    response = admin_client.post(url, {"role": ADMINISTRATOR}) if path else admin_client.get(url)
    assert response.status_code == 404
    kurume_staff.refresh_from_db()
    assert kurume_staff.is_active
    assert access.roles_of(kurume_staff) == {DEPARTMENT_STAFF}


def test_a_superuser_is_out_of_an_administrators_reach(admin_client, ogori_admin, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.jp", PASSWORD)
    StaffProfile.objects.create(user=boss, municipality=ogori_admin.staff_profile.municipality)
    assert admin_client.get(f"/staff/accounts/{boss.pk}/").status_code == 404
    assert admin_client.post(f"/staff/accounts/{boss.pk}/deactivate/").status_code == 404
    assert "boss" not in admin_client.get("/staff/accounts/").content.decode()
    boss.refresh_from_db()
    assert boss.is_active


# --- the service checks again -------------------------------------------------------------------


def test_the_service_refuses_another_municipalitys_login(ogori_admin, kurume_staff):
    with pytest.raises(accounts.AccountRefused):
        accounts.update_staff(actor=ogori_admin, user=kurume_staff, role=ADMINISTRATOR)
    with pytest.raises(accounts.AccountRefused):
        accounts.set_active(actor=ogori_admin, user=kurume_staff, active=False)
    assert access.roles_of(kurume_staff) == {DEPARTMENT_STAFF}


def test_the_service_refuses_creating_a_login_in_another_municipality(ogori_admin, kurume_staff):
    kurume = kurume_staff.staff_profile.municipality
    with pytest.raises(accounts.AccountRefused, match="自分の自治体"):
        accounts.create_staff(actor=ogori_admin, username="x", municipality=kurume, role=PLANNER)


def test_the_service_refuses_a_department_of_another_municipality(ogori_admin, ogori_staff):
    other = Department.objects.exclude(municipality__name="小郡市").first()
    with pytest.raises(accounts.AccountRefused, match="小郡市"):
        accounts.update_staff(actor=ogori_admin, user=ogori_staff, role=DEPARTMENT_STAFF, departments=[other])


def test_the_service_refuses_anyone_but_an_administrator(ogori_staff, seed):
    planner = make_staff("planner", PLANNER)
    with pytest.raises(accounts.AccountRefused):
        accounts.set_active(actor=planner, user=ogori_staff, active=False)


def test_the_service_refuses_a_role_that_is_not_one_of_the_three(ogori_admin, ogori_staff):
    Group.objects.create(name="superpowers")
    with pytest.raises(accounts.AccountRefused):
        accounts.update_staff(actor=ogori_admin, user=ogori_staff, role="superpowers")
    assert access.roles_of(ogori_staff) == {DEPARTMENT_STAFF}


# --- the Django admin: users and groups are the superuser's -------------------------------------


@pytest.mark.parametrize("path", ["/admin/auth/user/", "/admin/auth/group/", "/admin/plans/staffprofile/"])
def test_the_django_admin_refuses_the_administrator_role_the_user_lists(admin_client, path):
    assert admin_client.get(path).status_code == 403


def test_an_administrator_cannot_make_itself_superuser_in_the_django_admin(admin_client, ogori_admin):
    """Regression: the administrator role could set is_superuser on its own user form."""
    url = f"/admin/auth/user/{ogori_admin.pk}/change/"
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(
        url, {"username": "ogori-admin", "is_active": "on", "is_staff": "on", "is_superuser": "on"}
    )
    assert response.status_code == 403
    ogori_admin.refresh_from_db()
    assert not ogori_admin.is_superuser


def test_the_administrator_role_has_no_user_group_or_profile_permission(seed):
    names = set(
        Group.objects.get(name=ADMINISTRATOR).permissions.values_list("content_type__model", flat=True).distinct()
    )
    assert names == {"municipality", "department"}


def test_a_superuser_still_manages_users_in_the_django_admin(client, ogori_admin, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.jp", PASSWORD))
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get(f"/admin/auth/user/{ogori_admin.pk}/change/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200


def test_an_administrator_without_a_municipality_invites_no_one(client, seed, mailoutbox):
    lost = make_staff("lost-admin", ADMINISTRATOR)
    lost.staff_profile.municipality = None
    lost.staff_profile.save()
    client.force_login(lost)
    assert "municipality" not in client.get("/staff/accounts/invite/").context["form"].fields
    response = invite(client, municipality=ogori_department("商工観光課").municipality_id)
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="hanako@example.jp").exists()
    assert mailoutbox == []


def test_a_superuser_invites_into_a_municipality_it_chooses(client, seed, mailoutbox, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.jp", PASSWORD))
    response = invite(client, municipality=ogori_department("商工観光課").municipality_id)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="hanako@example.jp")
    assert user.staff_profile.municipality.name == "小郡市"
    assert len(mailoutbox) == 1
