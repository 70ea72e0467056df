"""The sitemap (public.sitemaps): every public page once, dated by the plan's latest publication."""

import datetime
import re

import pytest
from django.urls import reverse

from plans.models import Goal, Kpi, Plan, PublishedYear

pytestmark = pytest.mark.django_db


def entries(client) -> dict[str, str | None]:
    """Each <url> of the sitemap: its address and its lastmod (None when it has none)."""
    response = client.get(reverse("plans:sitemap"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return {
        loc: lastmod or None
        for loc, lastmod in re.findall(
            r"<url><loc>([^<]+)</loc>(?:<lastmod>([^<]+)</lastmod>)?", response.content.decode()
        )
    }


def test_the_sitemap_lists_each_page_once_at_the_same_url(client, seed):
    sitemap = entries(client)
    plans = list(Plan.objects.values_list("slug", flat=True))
    expected = {f"http://testserver{path}" for path in ("/", "/legend/", "/search/", "/opendata/")}
    expected |= {f"http://testserver/plans/{slug}/" for slug in plans}
    expected |= {f"http://testserver/plans/{slug}/downloads/" for slug in plans}
    expected |= {
        f"http://testserver/plans/{slug}/goals/{number}/"
        for slug, number in Goal.objects.values_list("plan__slug", "number")
    }
    expected |= {
        "http://testserver" + reverse("plans:kpi-detail", args=[slug, code])
        for slug, code in Kpi.objects.values_list("plan__slug", "code")
    }
    assert set(sitemap) == expected
    assert reverse("plans:sitemap") == "/sitemap.xml"


def test_a_plans_pages_are_dated_by_its_latest_publication_and_the_sites_own_pages_not_at_all(client, seed):
    PublishedYear.objects.filter(plan__slug="ogori-strategy-2").update(
        published_at=datetime.datetime(2025, 6, 30, 3, tzinfo=datetime.UTC)
    )
    PublishedYear.objects.filter(plan__slug="ogori-strategy-2", year=2023).update(
        published_at=datetime.datetime(2025, 9, 1, 3, tzinfo=datetime.UTC)
    )
    unpublished = Plan.objects.exclude(published_years__isnull=False).values_list("slug", flat=True).first()
    sitemap = entries(client)
    assert sitemap["http://testserver/plans/ogori-strategy-2/"] == "2025-09-01"
    assert sitemap["http://testserver/plans/ogori-strategy-2/downloads/"] == "2025-09-01"
    assert sitemap["http://testserver/plans/ogori-strategy-2/goals/2/"] == "2025-09-01"
    assert sitemap["http://testserver/plans/ogori-strategy-2/kpis/2(1)-1/"] == "2025-09-01"
    assert sitemap[f"http://testserver/plans/{unpublished}/"] is None
    assert sitemap["http://testserver/"] is None and sitemap["http://testserver/legend/"] is None
