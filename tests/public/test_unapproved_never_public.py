"""Values a department reported but a planner has not approved (draft, submitted, returned) never
reach citizens: not the stored progress or tallies, not the public pages, the API or the open-data
downloads (CSV, Excel, JSON) — not even once their year is published, nor as a correction of a
reopened year. The same value, once approved, does (the markers are planted where they would show).
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from plans.choices import ReviewState
from plans.models import Kpi, KpiYearProgress, ProgressTally, ReportedActual
from plans.selectors.base import stored_rows
from plans.services import publication, review
from tests.factories import MunicipalityFactory, plan_with_kpis
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff

pytestmark = pytest.mark.django_db

TOWN = "公表町"
NEW_YEAR = 2022  # published with the drafts in it
REOPENED_YEAR = 2021  # published, reopened for a correction that is not approved yet
MARKER = Decimal("8765431")
MARKER_TEXTS = ("8765431", "8,765,431")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def town():
    plan = plan_with_kpis(
        3, slug="unapproved", municipality=MunicipalityFactory(name=TOWN), department="税務課", published=(2020, 2021)
    )
    clerk = make_staff("zeimu", DEPARTMENT_STAFF, municipality=TOWN, departments=["税務課"])
    planner = make_staff("kikaku", PLANNER, municipality=TOWN)
    kpis = list(Kpi.objects.filter(plan=plan).order_by("pk"))
    review.reopen_year(planner, plan, REOPENED_YEAR, "訂正のため")
    before = stored(plan)
    values = []
    for kpi, state in zip(kpis, (ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.RETURNED), strict=True):
        for year in (NEW_YEAR, REOPENED_YEAR):
            values.append(
                ReportedActual.objects.create(
                    kpi=kpi, year=year, value=MARKER, raw="8,765,431人", state=state, updated_by=clerk
                )
            )
    publication.publish_year(plan, NEW_YEAR, user=planner)
    return {"plan": plan, "kpis": kpis, "planner": planner, "clerk": clerk, "values": values, "before": before}


def stored(plan):
    return (
        sorted(KpiYearProgress.objects.filter(plan=plan).values_list("kpi_id", "view", "year", "actual", "mark")),
        sorted(ProgressTally.objects.filter(plan=plan).values_list("scope", "scope_id", "view", "year", "marks")),
    )


def public_texts(client, plan, kpis) -> dict[str, str]:
    """Every public answer about the plan, as text (the workbook's cells joined)."""
    slug = plan.slug
    urls = [
        "/",
        f"/plans/{slug}/",
        f"/plans/{slug}/?year={NEW_YEAR}",
        f"/plans/{slug}/?year={REOPENED_YEAR}",
        f"/plans/{slug}/goals/1/",
        f"/plans/{slug}/goals/1/?year={NEW_YEAR}",
        *(f"/plans/{slug}/kpis/{kpi.code}/" for kpi in kpis),
        f"/plans/{slug}/downloads/kpi.csv",
        f"/plans/{slug}/downloads/plan.json",
        "/api/v1/plans/",
        f"/api/v1/plans/{slug}/",
        f"/api/v1/kpis/?q={kpis[0].name}",
        "/opendata/",
    ]
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url  # 404: a year with nothing measured to show
        texts[url] = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    workbook = load_workbook(io.BytesIO(client.get(f"/plans/{slug}/downloads/plan.xlsx").content), read_only=True)
    texts["plan.xlsx"] = " ".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    )
    return texts


def leaks(texts: dict[str, str]) -> list[str]:
    return [where for where, text in texts.items() if any(marker in text for marker in MARKER_TEXTS)]


def test_unapproved_values_reach_no_stored_progress_and_no_public_answer(client, town):
    plan = town["plan"]
    assert not KpiYearProgress.objects.filter(plan=plan, actual=MARKER).exists()
    assert not KpiYearProgress.objects.filter(plan=plan, year=NEW_YEAR, actual__isnull=False).exists()
    progress_before, tallies_before = town["before"]
    progress_now, tallies_now = stored(plan)
    # the reopened year's stored rows are those before the corrections were reported
    assert [row for row in progress_now if row[2] == REOPENED_YEAR] == [
        row for row in progress_before if row[2] == REOPENED_YEAR
    ]
    assert [row for row in tallies_now if row[3] == REOPENED_YEAR] == [
        row for row in tallies_before if row[3] == REOPENED_YEAR
    ]
    assert leaks(public_texts(client, plan, town["kpis"])) == []


def test_the_same_values_once_approved_are_public(client, town):
    """The check above proves something: approved, the planted markers do show."""
    planner, clerk = town["planner"], town["clerk"]
    ids = [value.pk for value in town["values"]]
    review.reopen_year(planner, town["plan"], NEW_YEAR, "承認のため")  # published years are locked
    ReportedActual.objects.filter(pk__in=ids, state=ReviewState.DRAFT).update(state=ReviewState.RETURNED)
    review.submit(clerk, ids[:2] + ids[4:])  # the returned ones (the drafts made returned above)
    review.approve(planner, ids)
    assert stored_rows(public=True).filter(plan=town["plan"], actual=MARKER).count() == 6
    texts = public_texts(client, town["plan"], town["kpis"])
    assert {f"/plans/{town['plan'].slug}/downloads/kpi.csv", "plan.xlsx"} <= set(leaks(texts))
    assert f"/api/v1/plans/{town['plan'].slug}/" in leaks(texts)
    assert f"/plans/{town['plan'].slug}/kpis/{town['kpis'][0].code}/" in leaks(texts)
