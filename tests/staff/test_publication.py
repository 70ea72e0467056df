"""Planners publish a year's actuals of their plans; only then do they appear in public."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from plans.models import Actual, Kpi, Plan, PublishedYear
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Open data is cached by data version; rolled-back tests can repeat a version with other data."""
    cache.clear()


URL = "/staff/publication/"


@pytest.fixture
def draft(seed):
    """An actual of 小郡's 第2期 for R6 (2024), a year not published yet."""
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-2", code="2(1)-1")
    return Actual.objects.create(kpi=kpi, year=2024, value=Decimal(433), raw="433件", status="measured")


def test_anonymous_visitors_are_sent_to_the_login(client, seed):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")


def test_a_login_that_is_not_staff_is_refused(client, seed, django_user_model):
    client.force_login(django_user_model.objects.create_user("citizen", password="a-strong-password-123"))
    assert client.get(URL).status_code == 403


def test_planner_sees_the_years_of_the_plans_of_their_municipality(client, draft):
    client.force_login(make_staff("ogori-planner", PLANNER, "小郡市"))
    html = client.get(URL).content.decode()
    assert "第2期 小郡市まち・ひと・しごと創生総合戦略" in html
    assert "第1期 久留米市地方創生総合戦略" not in html
    assert "R6年度 (2024)" in html and "R6年度 (2024)を公表する" in html
    assert "R5年度 (2023)の公表を取り消す" in html  # the printed years are published


def test_publishing_a_year_makes_its_actuals_public_and_withdrawing_hides_them(client, draft):
    planner = make_staff("ogori-planner", PLANNER, "小郡市")
    kpi_url = "/plans/ogori-strategy-2/kpis/2(1)-1/"
    assert "433件" not in client.get(kpi_url).content.decode()
    client.force_login(planner)
    # R6 has 1 of 31 KPIs: publishing it needs the confirmation of the gaps
    refused = client.post(URL, {"plan": "ogori-strategy-2", "year": 2024, "action": "publish"})
    assert "このまま公表する" in refused.content.decode()
    assert not PublishedYear.objects.filter(plan__slug="ogori-strategy-2", year=2024).exists()
    data = {"plan": "ogori-strategy-2", "year": 2024, "action": "publish", "gaps_confirmed": "on"}
    response = client.post(URL, data, follow=True)
    assert "R6年度 (2024)の実績値を公表しました" in response.content.decode()
    published = PublishedYear.objects.get(plan__slug="ogori-strategy-2", year=2024)
    assert published.published_by == planner
    client.logout()
    assert "433件" in client.get(kpi_url).content.decode()
    client.force_login(planner)
    client.post(URL, {"plan": "ogori-strategy-2", "year": 2024, "action": "unpublish"})
    client.logout()
    assert not PublishedYear.objects.filter(plan__slug="ogori-strategy-2", year=2024).exists()
    assert "433件" not in client.get(kpi_url).content.decode()


def test_planners_of_another_municipality_cannot_publish(client, draft):
    client.force_login(make_staff("kurume-planner", PLANNER, "久留米市"))
    response = client.post(URL, {"plan": "ogori-strategy-2", "year": 2024, "action": "publish"})
    assert response.status_code == 403
    assert not PublishedYear.objects.filter(plan__slug="ogori-strategy-2", year=2024).exists()


def test_department_staff_cannot_publish(client, draft):
    client.force_login(make_staff("ogori-clerk", DEPARTMENT_STAFF, "小郡市"))
    assert client.get(URL).status_code == 403  # publication is the planners'
    assert client.post(URL, {"plan": "ogori-strategy-2", "year": 2024, "action": "publish"}).status_code == 403


def test_a_malformed_request_changes_nothing(client, draft):
    client.force_login(make_staff("ogori-planner", PLANNER, "小郡市"))
    assert client.post(URL, {"plan": "ogori-strategy-2", "year": "R6", "action": "publish"}).status_code == 400
    assert client.post(URL, {"plan": "nowhere", "year": 2024, "action": "publish"}).status_code == 404
    assert not PublishedYear.objects.filter(year=2024).exists()
    assert Plan.objects.get(slug="ogori-strategy-2").published_years.count() == 5
