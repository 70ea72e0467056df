"""One summary for citizens and staff: a goal page's tally is the sum of its cards and the stored
tallies (ProgressTally) of the goal and its directions, the plan page says the same, a card's
latest actual and outlook come from the same stored rows, and the public and the staff KPI pages
list the same years."""

import re

import pytest
from django.contrib.auth import get_user_model

from plans.choices import TallyScope
from plans.models import Goal, Kpi, Plan, ProgressTally, ProgressView, PublishedYear
from plans.rules.tallies import Tally
from plans.selectors.base import stored_rows
from public.summary import combined_tally, tally_of_cards

pytestmark = pytest.mark.django_db


def stored_goal_tally(goal: Goal, year: int) -> Tally:
    """The stored tallies of a goal (its numerical targets) and of its directions, summed."""
    scopes = [
        (TallyScope.GOAL, goal.pk),
        *((TallyScope.DIRECTION, pk) for pk in goal.directions.values_list("pk", flat=True)),
    ]
    rows = {
        (row.scope, row.scope_id): Tally(row.kpi_count, row.marks, row.outlooks)
        for row in ProgressTally.objects.filter(plan_id=goal.plan_id, view=ProgressView.PUBLIC, year=year)
    }
    return combined_tally(rows[scope] for scope in scopes if scope in rows)


def counts(tally: Tally) -> tuple:
    """A tally without its zero counts (a stored tally keeps every label, a sum may not)."""
    return (
        tally.kpi_count,
        {label: count for label, count in tally.marks.items() if count},
        {label: count for label, count in tally.outlooks.items() if count},
    )


def published_years_with_data(plan: Plan) -> list[int]:
    published = set(PublishedYear.objects.filter(plan=plan).values_list("year", flat=True))
    measured = set(stored_rows(public=True).filter(plan=plan, actual__isnull=False).values_list("year", flat=True))
    return sorted(published & measured)


def test_every_goal_page_tallies_its_cards_and_the_stored_tallies_in_every_published_year(client, seed):
    checked = 0
    for plan in Plan.objects.order_by("pk"):
        years = published_years_with_data(plan) or [None]
        for goal in Goal.objects.filter(plan=plan).order_by("number"):
            for year in years:
                query = {"year": year} if year else {}
                response = client.get(f"/plans/{plan.slug}/goals/{goal.number}/", query)
                assert response.status_code == 200
                context = response.context
                cards = context["cards"]
                shown = context["progress"].year
                assert all(card.year == shown for card in cards)
                assert counts(context["tally"]) == counts(tally_of_cards(cards))
                assert sum(len(rows) for _direction, rows in context["sections"]) == len(cards)
                assert counts(context["tally"]) == counts(stored_goal_tally(goal, shown)), (plan.slug, goal.number)
                checked += 1
    assert checked > 20


def test_the_plan_page_goal_tallies_equal_the_goal_pages(client, seed):
    for slug in ("ogori-strategy-2", "kurume-strategy-1", "ukiha-renaissance-2"):
        plan = Plan.objects.get(slug=slug)
        for year in published_years_with_data(plan):
            page = client.get(f"/plans/{slug}/", {"year": year}).context
            for item in page["goals"]:
                goal_page = client.get(f"/plans/{slug}/goals/{item['goal'].number}/", {"year": year}).context
                assert counts(item["tally"]) == counts(goal_page["tally"]), (slug, year, item["goal"].number)


def test_ogori_goal_1_in_r5_tallies_what_its_cards_show(client, seed):
    response = client.get("/plans/ogori-strategy-2/goals/1/", {"year": 2023})
    marks = {}
    for card in response.context["cards"]:
        marks[card.mark] = marks.get(card.mark, 0) + 1
    assert {mark: count for mark, count in response.context["tally"].marks.items() if count} == marks


def test_a_card_shows_the_latest_actual_and_the_outlook_of_the_same_stored_rows(client, seed):
    """うきは's 新規就農者数: 207人 in R3 with no baseline year; the rules give no outlook, and the
    page says it cannot be judged rather than 「実績値なし」 beside the actual."""
    kpi = Kpi.objects.get(plan__slug="ukiha-renaissance-2", name__contains="新規就農者数")
    row = stored_rows(public=True).get(kpi=kpi, year=2021)
    response = client.get(
        f"/plans/ukiha-renaissance-2/goals/{kpi.goal.number if kpi.goal_id else kpi.policy_direction.goal.number}/"
    )
    card = next(card for card in response.context["cards"] if card.kpi.id == kpi.pk)
    assert (card.latest.year, card.latest.actual) == (2021, row.actual)
    assert (card.mark, card.outlook) == (row.mark, row.outlook)
    html = response.content.decode()
    cell = re.search(r'<a href="/plans/ukiha-renaissance-2/kpis/1-1/">.*?</tr>', html, re.S).group(0)
    assert "207人" in cell
    assert "実績値なし" not in cell
    kpi_page = client.get("/plans/ukiha-renaissance-2/kpis/1-1/")
    summary = kpi_page.context["summary"]
    assert (summary.latest.year, summary.latest.actual, summary.outlook) == (2021, row.actual, row.outlook)
    assert "実績値なし" not in kpi_page.content.decode()


def test_every_card_with_an_actual_has_the_outlook_stored_with_its_year(client, seed):
    for plan in Plan.objects.order_by("pk"):
        for goal in Goal.objects.filter(plan=plan):
            cards = client.get(f"/plans/{plan.slug}/goals/{goal.number}/").context["cards"]
            stored = (
                {row.kpi_id: row.outlook for row in stored_rows(public=True).filter(plan=plan, year=cards[0].year)}
                if cards
                else {}
            )
            for card in cards:
                assert card.outlook == stored[card.kpi.id]


@pytest.mark.parametrize("slug", ["ogori-strategy-2", "kurume-strategy-1", "ukiha-renaissance-2", "kurume-vision-3"])
def test_the_public_and_the_staff_kpi_pages_list_the_same_years(client, seed, slug):
    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    published = set(PublishedYear.objects.filter(plan__slug=slug).values_list("year", flat=True))
    compared = 0
    for kpi in Kpi.objects.filter(plan__slug=slug).prefetch_related("actuals").order_by("order", "id")[:25]:
        if any(actual.year not in published for actual in kpi.actuals.all()):
            continue  # an unpublished actual: the staff page lists its year, the public one may not
        public = [line.row.year for line in client.get(f"/plans/{slug}/kpis/{kpi.code}/").context["table"]]
        staff = [
            entry.row.year
            for entry in client.get(f"/staff/dashboard/plans/{slug}/kpis/{kpi.pk}/").context["detail"].series
        ]
        assert public == staff, kpi.code
        stored = stored_rows(public=True).filter(kpi=kpi)
        assert set(public) <= set(stored.values_list("year", flat=True))
        compared += 1
    assert compared


def test_search_shows_each_kpis_stored_mark_and_latest_value_and_finds_goals(client, seed):
    kpi = Kpi.objects.get(plan__slug="kurume-strategy-1", name="子育てしやすいと思う市民の割合")
    row = stored_rows(public=True).get(kpi=kpi, year=2017)
    response = client.get("/search/", {"q": "子育て"})
    hit = next(hit for hit in response.context["hits"] if hit.entry.kpi_id == kpi.pk)
    assert (hit.standing.year, hit.standing.mark, hit.standing.outlook) == (2017, row.mark, row.outlook)
    assert (hit.standing.latest_year, hit.standing.latest_actual) == (2017, row.actual)
    html = response.content.decode()
    assert "/plans/kurume-strategy-1/goals/3/" in html  # 基本目標3 …子育ての希望をかなえる
    data = client.get("/api/v1/kpis/", {"q": "子育て"}).json()
    result = next(item for item in data["results"] if item["plan"] == "kurume-strategy-1" and item["code"] == kpi.code)
    assert (result["year"], result["mark"], result["latest_year"]) == (2017, row.mark, 2017)
    assert result["latest_actual"] == float(row.actual)
    assert {(goal["plan"], goal["number"]) for goal in data["goals"]} >= {
        ("kurume-strategy-1", 3),
        ("ogori-strategy-2", 3),
    }
    unpublished = next(item for item in data["results"] if item["plan"] == "kurume-strategy-2")
    assert unpublished["mark"] is None and unpublished["latest_actual"] is None


def test_the_downloads_page_shows_the_plans_own_example_row(client, seed):
    columns = {
        column.key: column.example for column in client.get("/plans/ukiha-renaissance-2/downloads/").context["columns"]
    }
    assert columns["plan_id"] == "ukiha-renaissance-2"
    kpi = Kpi.objects.get(plan__slug="ukiha-renaissance-2", code=columns["kpi_code"])
    assert columns["kpi_name"] == kpi.name
    assert int(columns["year"]) in set(PublishedYear.objects.filter(plan=kpi.plan).values_list("year", flat=True))
    assert columns["actual"] != ""


@pytest.mark.parametrize(
    "url", ["/legend/", "/plans/ogori-strategy-2/kpis/2(1)-1/", "/plans/ogori-strategy-2/goals/1/"]
)
def test_english_pages_show_era_years_with_their_western_year(client, seed, url):
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in html
    assert "H26年度 (2014)" in html or "H30年度 (2018)" in html
    assert not re.search(r"(基準値|目標値|実績値)\S{0,2}[HR]\d+年度(?! \(\d{4}\))", html)
