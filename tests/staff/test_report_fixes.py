"""The report fixed (issue 12): the official ratings of the as-of date the plan printed, Excel
numbers as numbers with their units and notes in columns of their own, PDF headers that do not
break mid-word, charts of each goal's KPIs, and the goals' evaluation texts and committee comments."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import OfficialRating, Plan
from staff.report.official import PrintedRating, as_of_date, rated_year, rating_for_year

pytestmark = pytest.mark.django_db

OGORI = "ogori-strategy-2"
H29 = "kurume-strategy-1"
R5, R6 = 2023, 2024


@pytest.fixture
def staff_client(client, seed):
    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def get(client, name, slug, query=""):
    response = client.get(reverse(name, args=[slug]) + query)
    assert response.status_code == 200
    return response


# --- 1. the official ratings of the as-of date the plan printed -----------------------------


@pytest.mark.parametrize(
    ("year", "as_of", "judged"),
    [
        (2024, "R6.4現在", 2023),  # 小郡: filed under R6, the year of its date; it judges R5
        (2024, "R6.4", 2023),
        (2024, "令和6年4月", 2023),
        (2024, "R6.3現在", 2022),  # March is still FY2023: the last year ended is FY2022
        (2023, "R6.4現在", 2023),  # filed under the year it judges: kept
        (2022, "R6.4現在", 2022),
        (2017, "", 2017),  # 久留米 H29: no date, the year it is filed under
        (2017, "調査時点不明", 2017),  # a date that names no month: the year as filed
    ],
)
def test_the_year_a_rating_judges_comes_from_its_as_of_date(year, as_of, judged):
    assert rated_year(year, as_of) == judged


def test_an_as_of_text_names_its_month():
    assert str(as_of_date("R6.4現在")) == "2024-04-01"
    assert as_of_date("") is None


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2021, None), (2022, "B"), (2023, "A-"), (2024, "A-")],
)
def test_a_report_year_prints_the_latest_rating_judging_it_or_an_earlier_year(year, expected):
    ratings = [PrintedRating("B", 2022), PrintedRating("A-", 2023, "R6.4現在")]
    picked = rating_for_year(ratings, year)
    assert (picked.label if picked else None) == expected


def test_the_r5_report_of_ogori_shows_the_ratings_printed_as_of_r6_4(staff_client):
    plan = Plan.objects.get(slug=OGORI)
    printed = dict(
        OfficialRating.objects.filter(kpi__plan=plan, kind="outlook", as_of="R6.4現在").values_list("kpi_id", "label")
    )
    assert len(printed) == plan.kpis.count() > 20  # every 第2期 KPI is rated as of R6.4, filed under R6
    assert set(OfficialRating.objects.filter(kpi__plan=plan, kind="outlook").values_list("year", flat=True)) == {R6}

    report = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").context["report"]
    assert report.year == R5
    shown = {item.kpi.id: item.official_label for item in report.overview.kpis}
    assert shown == printed  # not "-": the R6.4 ratings judge the R5 actuals
    in_tables = {
        **{target.progress.kpi.id: target.progress.official_label for goal in report.goals for target in goal.targets},
        **{
            item.kpi.id: item.official_label
            for goal in report.goals
            for direction in goal.overview.directions
            for item in direction.kpis
        },
    }
    assert in_tables == printed
    assert report.official_as_of == "R6.4現在"
    employment = next(target for goal in report.goals for target in goal.targets if target.progress.kpi.code == "G1-1")
    assert employment.progress.official_label == "A-" and employment.official.year == R5

    page = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").content.decode()
    assert "（R6.4現在）" in page


def test_disagreements_are_judged_against_the_rating_shown(staff_client):
    report = get(staff_client, "dashboard:report", OGORI, f"?year={R5}").context["report"]
    scale = report.scale
    from plans.rules import rating

    for item in report.overview.kpis:
        expected = rating.disagrees(computed_outlook=item.outlook, official_label=item.official_label, scale=scale)
        assert item.disagrees == expected, item.kpi.code
    assert report.overview.disagreements == sum(1 for item in report.overview.kpis if item.disagrees)


def test_a_year_before_any_printed_rating_shows_none(staff_client):
    report = get(staff_client, "dashboard:report", OGORI, "?year=2021").context["report"]
    assert {item.official_label for item in report.overview.kpis} == {""}
    assert report.official_as_of == ""


def test_the_h29_report_keeps_its_undated_ratings(staff_client):
    printed = dict(
        OfficialRating.objects.filter(kpi__plan__slug=H29, kind="outlook", year=2017).values_list("kpi_id", "label")
    )
    report = get(staff_client, "dashboard:report", H29, "?year=2017").context["report"]
    targets = [target.progress for goal in report.goals for target in goal.targets]
    labels = {progress.kpi.id: progress.official_label for progress in targets}
    assert {kpi_id: label for kpi_id, label in labels.items() if label} == printed
    assert report.official_as_of == ""  # printed without a date
