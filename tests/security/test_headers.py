"""Headers, cookies and CSRF: what every response tells the browser, and forms that refuse a
request without the CSRF token."""

import pytest
from django.test import Client

from plans.models import Actual, Department, Kpi
from tests.logins import DEPARTMENT_STAFF, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/plans/ogori-strategy-2/", "/api/v1/plans/", "/staff/login/"])
def test_every_page_sends_the_security_headers(client, seed, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_cookies_are_secure_and_http_only(client, seed, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True  # as with DEBUG=0
    make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"])
    csrf = client.get("/staff/login/").cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post("/staff/login/", {"username": "shoko", "password": "a-strong-password-123"})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"


def test_a_form_posted_without_the_csrf_token_is_refused_and_changes_nothing(seed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"]))
    department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    kpi = Kpi.objects.filter(department=department, plan__slug="ogori-strategy-2").order_by("pk").first()
    response = client.post(
        f"/staff/entry/departments/{department.pk}/2024/",
        {"kpi": [str(kpi.pk)], f"value-{kpi.pk}": "1人", f"version-{kpi.pk}": "0"},
    )
    assert response.status_code == 403
    assert "403" in response.content.decode()  # our page (templates/403_csrf.html), not a bare one
    assert not Actual.objects.filter(kpi=kpi, year=2024).exists()


def test_the_login_form_needs_the_csrf_token(seed):
    response = Client(enforce_csrf_checks=True).post("/staff/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
