"""Public pages say データ時点 and 最終更新, and open on the latest published year whose data is
complete, or say in numbers how much is missing (「R6年度は31件中4件のみ公表」)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from plans.models import Actual, Kpi, Plan, PublishedYear
from plans.selectors.review import DataDate, YearCoverage
from plans.services import publication
from public.summary import data_as_of, is_complete
from tests.factories import plan_with_kpis
from tests.logins import PLANNER, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def date(*coverage, reopened=()) -> DataDate:
    return DataDate(
        coverage={year: YearCoverage(year, covered, total) for year, covered, total in coverage},
        changed_at=None,
        reopened=list(reopened),
    )


@pytest.mark.parametrize(
    ("coverage", "years", "requested", "year", "notices"),
    [
        # R6 with 4 of 31: the page opens on R5 (30 of 31 is complete enough) and says why
        (
            [(2023, 30, 31), (2024, 4, 31)],
            [2023, 2024],
            None,
            2023,
            ["R6年度は31件中4件のみ公表のため、R5年度を表示しています。"],
        ),
        # asked for R6: shown, with how much is missing
        ([(2023, 30, 31), (2024, 4, 31)], [2023, 2024], 2024, 2024, ["R6年度は31件中4件のみ公表。"]),
        # every year complete: the latest, nothing to say
        ([(2022, 31, 31), (2023, 31, 31)], [2022, 2023], None, 2023, []),
        # no year complete: the latest, with its gap
        ([(2021, 15, 17)], [2021], None, 2021, ["R3年度は17件中15件のみ公表。"]),
        # nothing published
        ([], [], None, None, []),
    ],
)
def test_the_year_a_page_opens_on_and_what_it_says(coverage, years, requested, year, notices):
    found = data_as_of(date(*coverage), years, requested)
    assert found.year == year
    assert list(found.notices) == notices


@pytest.mark.parametrize(
    ("covered", "total", "complete"),
    [(31, 31, True), (30, 31, True), (28, 31, True), (27, 31, False), (4, 31, False), (0, 0, False), (9, 10, True)],
)
def test_complete_means_at_most_one_kpi_in_ten_missing(covered, total, complete):
    assert is_complete(covered, total) is complete


def test_a_reopened_year_is_said_with_its_reason():
    found = data_as_of(date((2024, 31, 31), reopened=[(2024, "県の確定値で訂正")]), [2024])
    assert found.reopened == ("R6年度の数値は修正のため再公開準備中です：県の確定値で訂正",)


def test_pages_show_the_data_date_and_open_on_the_complete_year(client):
    plan = plan_with_kpis(10, slug="as-of", years=(2020, 2021), published=(2020, 2021))
    kpi = Kpi.objects.filter(plan=plan).order_by("pk").first()
    Actual.objects.create(kpi=kpi, year=2022, value=Decimal(140), raw="140人", status="measured")
    publication.publish_year(plan, 2022)  # 1 of 10: not complete
    published_at = PublishedYear.objects.get(plan=plan, year=2022).published_at
    expected_date = Plan.objects.get(pk=plan.pk).data_changed_at or published_at
    for url in (f"/plans/{plan.slug}/", f"/plans/{plan.slug}/goals/1/"):
        page = client.get(url).content.decode()
        assert "データ時点</span>：R3年度 (2021)" in page, url
        assert "R4年度は10件中1件のみ公表のため、R3年度を表示しています。" in page, url
        shown = timezone.localtime(expected_date)
        assert "最終更新</span>：<time datetime=" in page and f"{shown.year}年{shown.month}月{shown.day}日" in page
    asked = client.get(f"/plans/{plan.slug}/?year=2022").content.decode()
    assert "データ時点</span>：R4年度 (2022)" in asked and "R4年度は10件中1件のみ公表。" in asked
    kpi_page = client.get(f"/plans/{plan.slug}/kpis/{kpi.code}/").content.decode()
    assert "データ時点</span>：R4年度 (2022)" in kpi_page  # the KPI's table shows every published year
    home = client.get("/").content.decode()
    assert "R4年度は10件中1件のみ公表のため、R3年度を表示しています。" in home


def test_ogori_with_4_of_31_kpis_of_r6_published_still_opens_on_r5(client, seed):
    """The issue's case: publishing R6 with 4 of 31 entered no longer replaces R5 on the pages."""
    plan = Plan.objects.get(slug="ogori-strategy-2")
    before = client.get(f"/plans/{plan.slug}/").content.decode()
    assert "データ時点</span>：R5年度 (2023)" in before
    for kpi in Kpi.objects.filter(plan=plan).order_by("pk")[:4]:
        Actual.objects.create(kpi=kpi, year=2024, value=Decimal(1), raw=f"1{kpi.unit}", status="measured")
    publication.publish_year(plan, 2024, user=make_staff("ogori-planner", PLANNER))
    cache.clear()
    page = client.get(f"/plans/{plan.slug}/").content.decode()
    assert "データ時点</span>：R5年度 (2023)" in page
    assert "R6年度は31件中4件のみ公表のため、R5年度を表示しています。" in page
    summary = page[page.index('id="summary-heading"') : page.index("</section>", page.index('id="summary-heading"'))]
    assert "R5年度 (2023)" in summary
