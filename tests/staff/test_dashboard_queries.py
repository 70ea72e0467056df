"""Every dashboard page loads in a fixed number of queries: the same for a plan of 50 and of 500 KPIs."""

from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Kpi, Plan, PrintedTally, Project, ProjectReview
from plans.services.progress import recompute_plan
from tests.factories import plan_with_kpis

pytestmark = pytest.mark.django_db

KINDS = ("観光入込客数", "新規就農者数", "待機児童数")


def build_plan(kpi_count: int, *, slug: str) -> Plan:
    """A plan like the seeds, scaled: goals with numerical targets, directions with KPIs, a scale,
    printed marks and tallies, projects with reviews, and a successor plan continuing ten KPIs."""
    plan = plan_with_kpis(
        kpi_count,
        slug=slug,
        title=f"第2期 {slug}",
        department="企画課",
        published=(2020,),
        on_goal=lambda index: index < 4,
        numerical_targets_on_goals=True,
        names=KINDS,
        scale=(("A", "AB"), ("B", "C"), ("C", "DE")),
        ratings=(("mark", 2021, "○"), ("outlook", 2021, "B")),
    )
    directions = list(plan.directions.order_by("goal__number", "order"))
    PrintedTally.objects.bulk_create(
        PrintedTally(
            plan=plan,
            scope="direction",
            policy_direction=direction,
            year=2021,
            kpi_count=12,
            mark_counts={"○": 7, "△": 5},
            outlook_counts={"A": 12},
        )
        for direction in directions
    )
    projects = Project.objects.bulk_create(
        Project(plan=plan, code=f"P{index}", title=f"事業{index}", order=index) for index in range(kpi_count // 10)
    )
    Project.directions.through.objects.bulk_create(
        Project.directions.through(project=project, policydirection=directions[index % len(directions)])
        for index, project in enumerate(projects)
    )
    ProjectReview.objects.bulk_create(
        ProjectReview(
            project=project, year=2021, carried_out=True, carried_out_raw="○", summary="実施した。", rating_label="A"
        )
        for project in projects
    )
    kpis = list(plan.kpis.order_by("order")[:10])
    successor = Plan.objects.create(
        slug=f"{slug}-next",
        title=f"第3期 {slug}",
        municipality=plan.municipality,
        first_year=2025,
        last_year=2029,
        predecessor=plan,
    )
    Kpi.objects.bulk_create(
        Kpi(
            plan=successor,
            level="plan",
            code=f"K{index}",
            name=kpi.name,
            predecessor=kpi,
            predecessor_link="continued",
            baseline_year=2023,
            baseline_value=Decimal(110),
            target_year=2029,
            target_value=Decimal(160),
            order=index,
        )
        for index, kpi in enumerate(kpis)
    )
    recompute_plan(successor.pk)
    return plan


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create(username="planner-admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def pages(plan: Plan) -> dict[str, str]:
    kpi = plan.kpis.get(code="K0")
    slug = plan.slug
    return {
        "index": reverse("dashboard:index"),
        "plan": reverse("dashboard:plan", args=[slug]) + "?year=2021",
        "goal": reverse("dashboard:goal", args=[slug, 1]) + "?year=2021&mark=%E2%97%8B&sort=-rate&page=2",
        "goal-csv": reverse("dashboard:goal", args=[slug, 2]) + "?year=2021&_export=csv",
        "goal-xlsx": reverse("dashboard:goal", args=[slug, 2]) + "?year=2021&_export=xlsx",
        "other-kpis": reverse("dashboard:other-kpis", args=[slug]),
        "kpi": reverse("dashboard:kpi", args=[slug, kpi.pk]) + "?year=2021",
        "lineage": reverse("dashboard:kpi-lineage", args=[slug, kpi.pk]),
        "region": reverse("dashboard:region"),
        "report": reverse("dashboard:report", args=[slug]) + "?year=2021",
        "report-xlsx": reverse("dashboard:report-xlsx", args=[slug]) + "?year=2021",
        "report-pdf": reverse("dashboard:report-pdf", args=[slug]) + "?year=2021",
    }


# Each request: the session and the user (2), then the page's own queries.
#   plan overview: measured years; plan_progress for the year (plan, scale, the stored progress,
#   KPIs with their attachments and department, yearly targets, actuals, ratings, target
#   revisions); goals with directions (2), printed tallies; goals' texts; printed marks; the stored
#   marks of the years shown (the targets' marks year by year and the marks over the years) = 15 (+1 for the plan
#   from visible_plans)
EXPECTED = {
    "index": 2 + 1,  # the visible plans with their counts
    "plan": 2 + 1 + 15 + 3,  # + the review panel: values per state, the KPIs, official values without a report
    "goal": 2 + 1 + 15,
    "goal-csv": 2 + 1 + 15,
    "goal-xlsx": 2 + 1 + 15,
    "other-kpis": 2 + 1 + 15,
    # measured years, the KPI + targets, actuals, ratings, revisions, its successors, its stored row
    # of the year (its standing), the stored progress of its years with data
    "kpi": 2 + 1 + 9,
    # the plan, the KPI exists, visible plan ids, the links, the chain's plans, the KPIs with
    # their plans + targets, actuals, ratings, revisions, the chain's stored progress (and the
    # published years, when a plan of the chain is not open to the user: never for this administrator)
    "lineage": 2 + 1 + 1 + 1 + 1 + 1 + 5 + 1,
    # visible plan ids; the region (vision plans, their partners, the plans); every KPI's name;
    # the matched KPIs with their plans + targets, actuals, ratings, revisions; their stored
    # progress (published years as above)
    "region": 2 + 1 + 3 + 1 + 5 + 1,
    # the plan overview, raw texts, direction texts, projects + directions + reviews,
    # the successor plan, the drops, the successor's KPIs; the printed outlooks with their
    # dates, the goals' evaluation texts and committee comments
    "report": 2 + 1 + 15 + 1 + 1 + 3 + 3 + 3,
    "report-xlsx": 2 + 1 + 15 + 1 + 1 + 3 + 3 + 3,
    "report-pdf": 2 + 1 + 15 + 1 + 1 + 3 + 3 + 3,
}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.fixture
def small_and_large():
    return build_plan(50, slug="small"), build_plan(500, slug="large")


def test_every_dashboard_page_uses_the_same_number_of_queries_for_50_and_500_kpis(admin_client, small_and_large):
    small, large = small_and_large
    assert large.kpis.count() == 500
    with mock.patch("staff.report.report_pdf", return_value=b"%PDF-1.7 stub"):
        counts = {
            name: (count_queries(admin_client, url), count_queries(admin_client, pages(large)[name]))
            for name, url in pages(small).items()
        }
    assert {name: small_count for name, (small_count, _large) in counts.items()} == {
        name: large_count for name, (_small, large_count) in counts.items()
    }
    assert {name: small_count for name, (small_count, _large) in counts.items()} == EXPECTED
