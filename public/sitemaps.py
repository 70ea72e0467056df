"""The sitemap (``/sitemap.xml``, ``django.contrib.sitemaps``): every public page's stable URL.

One section per kind of page: the site's own pages, each plan and its open data, each goal, each
KPI. A plan's, goal's and KPI's ``lastmod`` is when a planner last published a year of the plan
(the public data changes only then); the site's own pages have none. Each section costs one query
for its items, plus one to count them (the paginator), whatever the number of plans or KPIs.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from plans.models import Goal, Kpi, Plan

LAST_PUBLISHED = "plan__published_years__published_at"


class StaticSitemap(Sitemap):
    """Home, the legend, the search and the open data page."""

    def items(self):
        return ["plans:plan-list", "plans:legend", "plans:search", "plans:opendata"]

    def location(self, item):
        return reverse(item)


class PlanSitemap(Sitemap):
    """Each plan's page, in the order of the home page (municipality code, first year)."""

    url_name = "plans:plan-detail"

    def items(self):
        return (
            Plan.objects.annotate(last_published=Max("published_years__published_at"))
            .order_by("municipality__code", "first_year", "slug")
            .values("slug", "last_published")
        )

    def location(self, item):
        return reverse(self.url_name, args=[item["slug"]])

    def lastmod(self, item):
        return item["last_published"]


class DownloadsSitemap(PlanSitemap):
    """Each plan's open data page."""

    url_name = "plans:downloads"


class GoalSitemap(Sitemap):
    """Each goal's page."""

    def items(self):
        return (
            Goal.objects.annotate(last_published=Max(LAST_PUBLISHED))
            .order_by("plan_id", "number")
            .values("plan__slug", "number", "last_published")
        )

    def location(self, item):
        return reverse("plans:goal-detail", args=[item["plan__slug"], item["number"]])

    def lastmod(self, item):
        return item["last_published"]


class KpiSitemap(Sitemap):
    """Each KPI's page (its code is the plan's own, stable across reloads)."""

    def items(self):
        return (
            Kpi.objects.annotate(last_published=Max(LAST_PUBLISHED))
            .order_by("plan_id", "order", "id")
            .values("plan__slug", "code", "last_published")
        )

    def location(self, item):
        return reverse("plans:kpi-detail", args=[item["plan__slug"], item["code"]])

    def lastmod(self, item):
        return item["last_published"]


SITEMAPS = {
    "pages": StaticSitemap,
    "plans": PlanSitemap,
    "downloads": DownloadsSitemap,
    "goals": GoalSitemap,
    "kpis": KpiSitemap,
}
