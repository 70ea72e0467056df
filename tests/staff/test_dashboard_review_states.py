"""The plan dashboard shows where the year's values stand in review (each state, official values
without a report, KPIs with nothing), while its tallies count only official (approved) values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.access import COMMITTEE_MEMBER, PLANNER
from plans.choices import ReviewState
from plans.models import Kpi, ProgressTally, ProgressView, ReportedActual
from plans.selectors.review import plan_review
from tests.factories import MunicipalityFactory, plan_with_kpis
from tests.logins import make_staff

pytestmark = pytest.mark.django_db

TOWN = "審査状況町"
YEAR = 2021


@pytest.fixture
def plan():
    municipality = MunicipalityFactory(name=TOWN)
    plan = plan_with_kpis(6, slug="review-states", municipality=municipality, department="税務課", years=(2020,))
    kpis = list(Kpi.objects.filter(plan=plan).order_by("pk"))
    states = [ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.SUBMITTED, ReviewState.RETURNED]
    for kpi, state in zip(kpis[: len(states)], states, strict=True):
        ReportedActual.objects.create(kpi=kpi, year=YEAR, value=Decimal("150"), raw="150人", state=state)
    return plan


def test_the_panel_counts_each_state_and_the_kpis_with_nothing(plan):
    review = plan_review(plan.pk, YEAR)
    assert {state: count for state, _word, _css, count in review.states} == {
        "draft": 1,
        "submitted": 2,
        "returned": 1,
        "approved": 0,
    }
    assert review.kpi_count == 6 and review.missing == 2 and review.official_without_report == 0


def test_the_dashboard_shows_the_states_while_its_tallies_count_no_unapproved_value(client, plan):
    client.force_login(make_staff("kikaku-state", PLANNER, municipality=TOWN))
    page = client.get(f"/staff/dashboard/plans/{plan.slug}/?year={YEAR}").content.decode()
    assert "R3年度 (2021)の実績の審査状況" in page
    assert "提出済み</span> 2件" in page and "差し戻し</span> 1件" in page and "未入力</span> 2件" in page
    assert "審査待ちの一覧へ" in page
    tally = ProgressTally.objects.get(plan=plan, scope="plan", scope_id=0, view=ProgressView.STAFF, year=YEAR)
    assert tally.marks.get("-") == 6  # four values reported, none approved: nothing is judged yet


def test_a_committee_member_sees_the_states_but_no_link_to_decide(client, plan):
    client.force_login(make_staff("iin-state", COMMITTEE_MEMBER, municipality=TOWN))
    page = client.get(f"/staff/dashboard/plans/{plan.slug}/?year={YEAR}").content.decode()
    assert "の実績の審査状況" in page and "審査待ちの一覧へ" not in page
