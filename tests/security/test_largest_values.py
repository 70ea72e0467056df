"""The largest value allowed is rendered everywhere (finding 2: a 19-digit value took the site
down): a plan whose baselines, targets and actuals are all ±999,999,999,999,999 is served by every
URL of the walk — public pages, downloads, API, staff pages, the admin — without a server error."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from plans.models import Actual, Kpi, YearlyTarget
from plans.rules.notation import LARGEST_VALUE
from tests.security.test_authorisation_walk import body_text, fill, target  # noqa: F401 (fixture)
from tests.security.urlwalk import endpoints

pytestmark = pytest.mark.django_db
LARGEST_TEXT = "999,999,999,999,999"
SMALLEST_STEP = Decimal("0.000001")


@pytest.fixture
def largest_plan(target):  # noqa: F811
    plan = target.plan
    Kpi.objects.filter(plan=plan).update(
        baseline_value=-LARGEST_VALUE,
        baseline_raw=f"-{LARGEST_TEXT}人",
        target_value=LARGEST_VALUE,
        target_raw=f"{LARGEST_TEXT}人",
    )
    YearlyTarget.objects.filter(kpi__plan=plan).update(value=LARGEST_VALUE, raw=f"{LARGEST_TEXT}人")
    for index, actual in enumerate(Actual.objects.filter(kpi__plan=plan, status="measured").order_by("pk")):
        value = (LARGEST_VALUE, -LARGEST_VALUE, SMALLEST_STEP)[index % 3]
        Actual.objects.filter(pk=actual.pk).update(value=value, raw=f"{value:,f}人".replace(".000000", ""))
    cache.clear()
    return target


def test_every_url_renders_the_largest_values(largest_plan):
    superuser = get_user_model().objects.create_superuser("root", "root@example.jp", "a-strong-password-123")
    errors, seen_largest = [], set()
    for endpoint in endpoints():
        path, _positional = fill(endpoint, largest_plan)
        for who in ("anonymous", "superuser"):
            cache.clear()
            client = Client()
            if who == "superuser":
                client.force_login(superuser)
            response = client.get(path)
            if response.status_code >= 500:
                errors.append(f"GET {path} ({endpoint.key}) as {who}: {response.status_code}")
            elif response.status_code == 200 and LARGEST_TEXT in body_text(response).replace(
                "999999999999999", LARGEST_TEXT
            ):
                seen_largest.add(endpoint.key)
    assert errors == []
    # The values do reach the pages that show them, public and staff, and the downloads.
    assert {
        "plans:goal-detail",
        "plans:kpi-detail",
        "plans:download-csv",
        "plans:download-xlsx",
        "plans:download-json",
        "api:plan",
        "dashboard:plan",
        "dashboard:kpi",
        "entry:form",
        "admin:plans_kpi_change",
    } <= seen_largest


@pytest.mark.parametrize("typed", ["1234567890123456789", "1,000,000,000,000,000人", "1e30", "=cmd|' /C calc'!A0"])
def test_the_entry_page_refuses_a_value_past_the_bounds_and_saves_nothing(client, seed, typed):
    from plans.models import Department
    from tests.logins import DEPARTMENT_STAFF, make_staff

    client.force_login(make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"]))
    department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    kpi = Kpi.objects.filter(department=department, plan__slug="ogori-strategy-2").order_by("pk").first()
    before = list(Actual.objects.filter(kpi=kpi).values_list("year", "raw", "version"))
    response = client.post(
        f"/staff/entry/departments/{department.pk}/2024/",
        {"kpi": [str(kpi.pk)], f"value-{kpi.pk}": typed, f"version-{kpi.pk}": "0"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert any(word in page for word in ("大きすぎます", "指数表記", "数式"))
    assert list(Actual.objects.filter(kpi=kpi).values_list("year", "raw", "version")) == before
    assert client.get("/").status_code == 200
