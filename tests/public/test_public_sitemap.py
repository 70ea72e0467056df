"""The sitemap (public.sitemaps): an index (``/sitemap.xml``) of one file per section, each in pages
of at most ``Sitemap.limit`` URLs; every public page once, dated by its plan's latest publication;
a page costs the same queries for a small and a larger nation."""

import datetime
import math
import re
from collections import Counter

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from plans.models import Goal, Kpi, Plan, PublishedYear
from public.sitemaps import SITEMAPS, GoalSitemap, KpiSitemap
from tests.public.test_scale_queries import build_plan, cost

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"


def index(client) -> dict[str, str | None]:
    """Each <sitemap> of the index: its address and its lastmod (None when it has none), in order."""
    response = client.get(reverse("plans:sitemap"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return {
        loc: lastmod or None
        for loc, lastmod in re.findall(
            r"<sitemap><loc>([^<]+)</loc>(?:<lastmod>([^<]+)</lastmod>)?", response.content.decode()
        )
    }


def page(client, loc: str) -> list[tuple[str, str | None]]:
    """Each <url> of one sitemap file: its address and its lastmod (None when it has none)."""
    response = client.get(loc.removeprefix(SERVER))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml"), loc
    return [
        (url, lastmod or None)
        for url, lastmod in re.findall(
            r"<url><loc>([^<]+)</loc>(?:<lastmod>([^<]+)</lastmod>)?", response.content.decode()
        )
    ]


def listed(client) -> list[tuple[str, str | None]]:
    """Every <url> of every file the index points to, in order (repeats kept)."""
    return [entry for loc in index(client) for entry in page(client, loc)]


def entries(client) -> dict[str, str | None]:
    """Every <url> the index leads to, none listed twice."""
    found = listed(client)
    urls = dict(found)
    assert len(urls) == len(found), [url for url, count in Counter(url for url, _ in found).items() if count > 1]
    return urls


def kpi_urls() -> set[str]:
    return {
        SERVER + reverse("plans:kpi-detail", args=[slug, code])
        for slug, code in Kpi.objects.values_list("plan__slug", "code")
    }


def test_the_index_lists_one_file_per_section(client, seed):
    assert reverse("plans:sitemap") == "/sitemap.xml"
    assert reverse("plans:sitemap-section", args=["kpis"]) == "/sitemap-kpis.xml"
    assert list(index(client)) == [f"{SERVER}/sitemap-{section}.xml" for section in SITEMAPS]
    assert list(SITEMAPS) == ["pages", "plans", "downloads", "goals", "kpis"]
    assert GoalSitemap.limit == KpiSitemap.limit == 10_000  # under the protocol's cap of 50,000 a file
    assert client.get("/sitemap-nowhere.xml").status_code == 404


def test_the_sitemap_lists_each_page_once_at_the_same_url(client, seed):
    sitemap = entries(client)
    plans = list(Plan.objects.values_list("slug", flat=True))
    expected = {f"{SERVER}{path}" for path in ("/", "/legend/", "/search/", "/opendata/")}
    expected |= {f"{SERVER}/plans/{slug}/" for slug in plans}
    expected |= {f"{SERVER}/plans/{slug}/downloads/" for slug in plans}
    expected |= {
        f"{SERVER}/plans/{slug}/goals/{number}/" for slug, number in Goal.objects.values_list("plan__slug", "number")
    }
    expected |= kpi_urls()
    assert set(sitemap) == expected


def test_beyond_the_limit_each_section_goes_on_page_after_page_each_url_on_exactly_one(client, seed, monkeypatch):
    monkeypatch.setattr(KpiSitemap, "limit", 7)
    monkeypatch.setattr(GoalSitemap, "limit", 4)
    kpis, goals = Kpi.objects.count(), Goal.objects.count()
    kpi_pages, goal_pages = math.ceil(kpis / 7), math.ceil(goals / 4)
    assert kpi_pages > 10 and goal_pages > 3
    files = list(index(client))
    assert files == [
        f"{SERVER}/sitemap-pages.xml",
        f"{SERVER}/sitemap-plans.xml",
        f"{SERVER}/sitemap-downloads.xml",
        f"{SERVER}/sitemap-goals.xml",
        *(f"{SERVER}/sitemap-goals.xml?p={number}" for number in range(2, goal_pages + 1)),
        f"{SERVER}/sitemap-kpis.xml",
        *(f"{SERVER}/sitemap-kpis.xml?p={number}" for number in range(2, kpi_pages + 1)),
    ]
    kpi_files = [loc for loc in files if "/sitemap-kpis.xml" in loc]
    pages = [[url for url, _lastmod in page(client, loc)] for loc in kpi_files]
    assert [len(urls) for urls in pages] == [7] * (kpi_pages - 1) + [kpis - 7 * (kpi_pages - 1)]
    on_pages = Counter(url for urls in pages for url in urls)
    assert set(on_pages) == kpi_urls() and set(on_pages.values()) == {1}
    goal_urls = Counter(url for loc in files if "/sitemap-goals.xml" in loc for url, _lastmod in page(client, loc))
    assert len(goal_urls) == goals and set(goal_urls.values()) == {1}
    entries(client)  # and no page of any section repeats another's URL
    assert client.get(f"/sitemap-kpis.xml?p={kpi_pages + 1}").status_code == 404
    assert client.get("/sitemap-kpis.xml?p=0").status_code == 404
    assert client.get("/sitemap-kpis.xml?p=x").status_code == 404


def test_a_plans_pages_are_dated_by_its_latest_publication_and_the_sites_own_pages_not_at_all(client, seed):
    PublishedYear.objects.update(published_at=datetime.datetime(2025, 6, 30, 3, tzinfo=datetime.UTC))
    PublishedYear.objects.filter(plan__slug="ogori-strategy-2", year=2023).update(
        published_at=datetime.datetime(2025, 9, 1, 3, tzinfo=datetime.UTC)
    )
    unpublished = Plan.objects.exclude(published_years__isnull=False).values_list("slug", flat=True).first()
    sitemap = entries(client)
    assert sitemap[f"{SERVER}/plans/ogori-strategy-2/"] == "2025-09-01"
    assert sitemap[f"{SERVER}/plans/ogori-strategy-2/downloads/"] == "2025-09-01"
    assert sitemap[f"{SERVER}/plans/ogori-strategy-2/goals/2/"] == "2025-09-01"
    assert sitemap[f"{SERVER}/plans/ogori-strategy-2/kpis/2(1)-1/"] == "2025-09-01"
    assert sitemap[f"{SERVER}/plans/kurume-strategy-1/goals/5/"] == "2025-06-30"
    assert sitemap[f"{SERVER}/plans/{unpublished}/"] is None
    assert sitemap[f"{SERVER}/"] is None and sitemap[f"{SERVER}/legend/"] is None
    # The index dates each section by its latest publication (Asia/Tokyo), the site's own pages not at all.
    assert index(client) == {
        f"{SERVER}/sitemap-pages.xml": None,
        **{
            f"{SERVER}/sitemap-{section}.xml": "2025-09-01T12:00:00+09:00" for section in SITEMAPS if section != "pages"
        },
    }


def test_every_goal_and_kpi_on_every_page_is_dated_by_its_own_plans_latest_publication(client, seed, monkeypatch):
    monkeypatch.setattr(KpiSitemap, "limit", 9)
    monkeypatch.setattr(GoalSitemap, "limit", 4)
    for number, plan in enumerate(Plan.objects.order_by("pk")):
        PublishedYear.objects.filter(plan=plan).update(
            published_at=datetime.datetime(2025, 1 + number, 10, 3, tzinfo=datetime.UTC)
        )
    latest = {
        slug: timezone.localdate(last) if last else None
        for slug, last in Plan.objects.annotate(last=Max("published_years__published_at")).values_list("slug", "last")
    }
    assert None in latest.values() and len(set(latest.values())) > 2
    sitemap = entries(client)
    dated = {
        SERVER + reverse("plans:kpi-detail", args=[slug, code]): latest[slug]
        for slug, code in Kpi.objects.values_list("plan__slug", "code")
    }
    dated |= {
        SERVER + reverse("plans:goal-detail", args=[slug, number]): latest[slug]
        for slug, number in Goal.objects.values_list("plan__slug", "number")
    }
    assert {url: sitemap[url] for url in dated} == {url: day.isoformat() if day else None for url, day in dated.items()}


def test_only_a_publication_moves_the_dates(client, seed):
    before = entries(client)
    Plan.objects.update(data_changed_at=timezone.now() + datetime.timedelta(days=400))  # a write, unpublished
    assert entries(client) == before
    plan = Plan.objects.get(slug="ogori-strategy-2")
    PublishedYear.objects.filter(plan=plan).update(
        published_at=timezone.now() + datetime.timedelta(days=400)
    )  # as if published again later
    after = entries(client)
    moved = {url for url in after if after[url] != before[url]}
    assert moved and all(f"/plans/{plan.slug}/" in url for url in moved)
    assert {url for url in before if f"/plans/{plan.slug}/" in url} == moved


URLS = [
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-plans.xml",
    "/sitemap-downloads.xml",
    "/sitemap-goals.xml",
    "/sitemap-goals.xml?p=2",
    "/sitemap-kpis.xml",
    "/sitemap-kpis.xml?p=2",
    "/sitemap-kpis.xml?p=3",
]


@pytest.mark.parametrize("url", URLS)
def test_a_sitemap_page_costs_the_same_queries_for_a_small_and_a_larger_nation(client, monkeypatch, url):
    monkeypatch.setattr(KpiSitemap, "limit", 8)
    monkeypatch.setattr(GoalSitemap, "limit", 2)
    build_plan(1, 10)
    build_plan(2, 10)
    small = cost(client, url)
    small_kpis = Kpi.objects.count()
    for number in (3, 4, 5, 6):
        build_plan(number, 40)
    assert Kpi.objects.count() - small_kpis == 4 * 44  # (the seed plans may be there too, at both sizes)
    assert cost(client, url) == small


def test_a_page_of_goals_or_kpis_costs_three_queries_and_the_index_two_a_section(client, monkeypatch):
    monkeypatch.setattr(KpiSitemap, "limit", 8)
    for number in (1, 2, 3):
        build_plan(number, 40)
    # The paginator's count, the page's rows (by the unique index, no join), the page's plans
    # with their latest publication.
    assert cost(client, "/sitemap-kpis.xml?p=4") == (3, 3)
    assert cost(client, "/sitemap-goals.xml") == (3, 3)
    # Each dated section (4): its count and its latest publication; the site's own pages: none.
    assert cost(client, "/sitemap.xml") == (8, 8)
