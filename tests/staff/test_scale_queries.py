"""Every staff page costs the same number of queries whatever the size of the login's plan and of
the nation: the login's plan of 10 KPIs beside one other municipality's plan, then of 40 KPIs
beside five. A page that reads the whole nation, or a row at a time, shows as a count that grows.

The rights checks (``plans.access``) restrict the KPIs to the login's municipality's plans before
its departments, so that PostgreSQL reads that municipality's rows through the plan index and
never scans every KPI of the nation; the SQL is checked on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import access
from plans.choices import ReviewState
from plans.models import DataCall, DataCallDepartment, Department, Kpi, Plan, ReportedActual, ReviewStep
from plans.rules.municipalities import full_code
from plans.services.actuals import entry_kpis
from tests.factories import MunicipalityFactory, plan_with_kpis
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff

pytestmark = pytest.mark.django_db

YEAR = 2022
DEPARTMENT = "規模課"
COMMITTEE_MEMBER = access.COMMITTEE_MEMBER

# (login, URL name, keyword arguments); the keywords are filled from the world by ``url_of``.
PAGES = [
    ("planner", "staff:home", {}),
    ("department", "staff:home", {}),
    ("department", "entry:home", {}),
    ("department", "entry:form", {"department": "department", "year": YEAR}),
    ("department", "entry:department-workbook", {"department": "department", "year": YEAR}),
    ("planner", "entry:plan-workbook", {"slug": "slug", "year": YEAR}),
    ("department", "review:submit", {"department": "department", "year": YEAR}),
    ("planner", "review:queue", {}),
    ("planner", "calls:index", {}),
    ("planner", "calls:board", {"slug": "slug", "year": YEAR}),
    ("planner", "dashboard:index", {}),
    ("planner", "dashboard:plan", {"slug": "slug"}),
    ("planner", "dashboard:goal", {"slug": "slug", "number": 1}),
    ("planner", "dashboard:kpi", {"slug": "slug", "pk": "kpi"}),
    ("planner", "dashboard:report", {"slug": "slug"}),
    ("planner", "dashboard:report-xlsx", {"slug": "slug"}),
    ("planner", "staff:publication", {}),
    ("planner", "staff:publication?plan", {}),
    ("committee", "committee:plan-year", {"slug": "slug", "year": 2021}),
    ("planner", "committee:plan-year", {"slug": "slug", "year": 2021}),
]


def build_town(number: int, kpis: int) -> Plan:
    """A town of 沖縄県 of its own (the seed plans' are in 福岡県) with a plan of ``kpis`` KPIs in
    the charge of its 規模課, 2020 and 2021 official and published, and for 2022 a data call and
    the department's reported values: a third submitted (with their step), a third drafts, the
    rest not entered."""
    town = MunicipalityFactory(
        name=f"規模町{number}", code=full_code(f"47{number + 700:03d}"), prefecture_code="47", name_kana="きぼ"
    )
    plan = plan_with_kpis(
        kpis,
        slug=f"staff-scale-{number}",
        goals=3,
        years=(2020, 2021),
        published=(2020, 2021),
        municipality=town,
        department=DEPARTMENT,
        on_goal=lambda index: index % 3 == 0,
        package_kpis=max(1, kpis // 10),
    )
    department = Department.objects.get(municipality=town, name=DEPARTMENT)
    call = DataCall.objects.create(plan=plan, year=YEAR, message="R4の実績をお願いします。")
    DataCallDepartment.objects.create(call=call, department=department, deadline=date.today() + timedelta(days=14))
    reported = ReportedActual.objects.bulk_create(
        ReportedActual(
            kpi=kpi,
            year=YEAR,
            value=Decimal(130 + index),
            raw=f"{130 + index}人",
            state=ReviewState.SUBMITTED if index % 3 == 0 else ReviewState.DRAFT,
        )
        for index, kpi in enumerate(plan.kpis.order_by("order"))
        if index % 3 != 2
    )
    ReviewStep.objects.bulk_create(
        ReviewStep(reported=row, state=row.state, raw=row.raw) for row in reported if row.state == ReviewState.SUBMITTED
    )
    return plan


def logins_of(plan: Plan) -> dict:
    town = plan.municipality.name
    return {
        "planner": make_staff(f"planner-{plan.pk}", PLANNER, municipality=town),
        "department": make_staff(
            f"department-{plan.pk}", DEPARTMENT_STAFF, municipality=town, departments=[DEPARTMENT]
        ),
        "committee": make_staff(f"committee-{plan.pk}", COMMITTEE_MEMBER, municipality=town),
    }


def url_of(name: str, kwargs: dict, plan: Plan) -> str:
    values = {
        "department": Department.objects.get(municipality=plan.municipality, name=DEPARTMENT).pk,
        "slug": plan.slug,
        "kpi": plan.kpis.order_by("order").first().pk,
    }
    filled = {key: values.get(value, value) if isinstance(value, str) else value for key, value in kwargs.items()}
    if name == "staff:publication?plan":
        return f"{reverse('staff:publication')}?plan={plan.slug}&year={YEAR}"
    return reverse(name, kwargs=filled)


def cost(client, user, url: str) -> int:
    """The queries of one request to ``url`` by ``user``, with an empty cache."""
    client.force_login(user)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


@pytest.mark.parametrize(("login", "name", "kwargs"), PAGES, ids=[f"{login}-{name}" for login, name, _ in PAGES])
def test_the_same_number_of_queries_for_a_small_and_a_larger_plan_and_nation(client, login, name, kwargs):
    small = build_town(1, 10)
    build_town(2, 40)
    small_cost = cost(client, logins_of(small)[login], url_of(name, kwargs, small))
    for number in (3, 4, 5, 6):
        build_town(number, 40)
    large = build_town(7, 40)
    assert Plan.objects.count() >= 7
    assert Kpi.objects.filter(plan=large).count() > 3 * Kpi.objects.filter(plan=small).count()
    assert cost(client, logins_of(large)[login], url_of(name, kwargs, large)) == small_cost


RIGHTS_CHECKS = {
    "editable_kpis": access.editable_kpis,
    "readable_kpis": access.readable_kpis,
    "the entry page's KPIs": lambda user: entry_kpis(user),
    "the 提出 page's check": lambda user: access.editable_kpis(user).filter(department__name=DEPARTMENT),
}


# The tables that grow with the nation (every KPI, every year): a staff page reads them only
# through an index condition (by plan, KPI, department or reported value).
NATIONAL_TABLES = {
    "plans_kpi",
    "plans_actual",
    "plans_yearlytarget",
    "plans_officialrating",
    "plans_reportedactual",
    "plans_reviewstep",
    "plans_kpiyearprogress",
    "plans_progresstally",
}


def whole_reads(node: dict, tables=NATIONAL_TABLES) -> list[tuple[str, str]]:
    """The nodes of an EXPLAIN (FORMAT JSON) plan that read one of ``tables`` without an index
    condition (a whole scan, or a whole index read in its order)."""
    found = []
    if node.get("Relation Name") in tables and not ("Index Cond" in node or "Recheck Cond" in node):
        found.append((node["Relation Name"], node["Node Type"]))
    for child in node.get("Plans", []):
        found += whole_reads(child, tables)
    return found


def price_out_whole_reads(cursor) -> None:
    """The test's tables are small, so PostgreSQL may read them whole whatever the query. Ask
    whether a plan that reads only the login's rows exists (the nested loops over its few plans
    that a nation of KPIs makes the cheapest): whole scans and the joins that read a whole side
    (merge, hash) are priced out. A query that restricts the big tables only by an OR across
    joins, or by a subquery joined last, has no such plan and is caught."""
    cursor.execute("ANALYZE")
    for method in ("seqscan", "mergejoin", "hashjoin"):
        cursor.execute(f"SET LOCAL enable_{method} = off")


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN (FORMAT JSON) of PostgreSQL")


@postgresql_only
def test_no_staff_page_reads_the_nations_rows_on_postgresql(client):
    """Every SELECT of every staff page above reads the tables that grow with the nation through
    an index condition. Five other towns make the login's plan a small part of each table."""
    plan = build_town(1, 10)
    for number in range(2, 7):
        build_town(number, 40)
    logins = logins_of(plan)
    whole = []
    for login, name, kwargs in PAGES:
        client.force_login(logins[login])
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url_of(name, kwargs, plan)).status_code == 200
        with connection.cursor() as cursor:
            price_out_whole_reads(cursor)
            for query in queries.captured_queries:
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    cursor.execute(f"EXPLAIN (FORMAT JSON) {query['sql']}")
                    ((explained,),) = cursor.fetchone()
                    whole += [(login, name, read, query["sql"][:300]) for read in whole_reads(explained["Plan"])]
            for method in ("seqscan", "mergejoin", "hashjoin"):
                cursor.execute(f"RESET enable_{method}")
    assert whole == []


@pytest.mark.parametrize("login", ["department", "planner", "committee"])
def test_the_rights_checks_read_only_the_logins_municipalitys_plans(login):
    """Each check finds the KPIs of the login's plan, its SQL restricts ``plans_kpi`` to the ids of
    the login's municipality's plans, and on PostgreSQL every read of ``plans_kpi`` is bounded by
    an index condition (by plan or department): no scan of every KPI of the nation. Five other
    towns make the login's plan a small part of the table, as it is at national scale."""
    plan = build_town(1, 10)
    for number in range(2, 7):
        build_town(number, 40)
    user = logins_of(plan)[login]
    every_kpi = set(plan.kpis.values_list("pk", flat=True))
    for check, kpis_of in RIGHTS_CHECKS.items():
        kpis = kpis_of(user)
        expected = set() if login == "committee" and check != "readable_kpis" else every_kpi
        assert set(kpis.values_list("pk", flat=True)) == expected, check
        if not expected:
            continue  # an empty queryset: no SQL at all
        sql = str(kpis.query)
        assert f'"plans_kpi"."plan_id" IN ({plan.pk})' in sql, (check, sql)  # the town's one plan, first
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            price_out_whole_reads(cursor)
        (explained,) = json.loads(kpis.order_by().explain(format="json"))
        assert whole_reads(explained["Plan"], {"plans_kpi"}) == [], check
