"""The sitemap (``django.contrib.sitemaps``): every public page's stable URL.

``/sitemap.xml`` is a sitemap index pointing to one file per section, ``/sitemap-<section>.xml``,
each in pages of at most ``Sitemap.limit`` URLs (50,000, the protocol's cap; ``?p=2``, ``?p=3``…):
the site's own pages, each plan and its open data, each goal, each KPI. Goals and KPIs go
``PAGE_URLS`` (10,000) to a page, fewer than the cap: a page of 50,000 URLs holds a worker for
6 s or more (Django's reverse and template for each URL; the queries take well under 0.1 s),
10,000 for 1–2 s (1,741 plans of about 300 KPIs: 53 pages of KPIs).

A plan's, goal's and KPI's ``lastmod`` is when a planner last published a year of the plan: the
public data changes only then (``Plan.data_changed_at`` moves on every write, published or not, so
it is not used); the site's own pages have none. A page of goals or KPIs costs the same few
queries whatever the nation's size: the paginator counts the section's rows (one query), reads the
page's rows in the order of an index (``(plan, number)`` and ``(plan, code)``, the unique ones: one
query, no join), then reads the slug and latest publication of the page's plans (one query over
the range of plan keys the page covers). The index reads, for each section, its row count and its
latest publication (one query each).
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from plans.models import Goal, Kpi, Plan, PublishedYear

PAGE_URLS = 10_000


def latest_publication(rows=None):
    """The latest publication of any plan, or of any plan with one of ``rows`` (a queryset of
    a model with a ``plan`` key); None before the first."""
    published = PublishedYear.objects.all()
    if rows is not None:
        published = published.filter(Exists(rows.filter(plan_id=OuterRef("plan_id"))))
    return published.aggregate(latest=Max("published_at"))["latest"]


class PlanDatedRows:
    """A section's rows for the paginator, ordered by their plan's key first: it counts them, and
    each page it slices gets its plans' slug (``slug``) and latest publication (``last_published``,
    None when none) with one query over the plans from the page's first to its last."""

    def __init__(self, rows):
        self.rows = rows  # a values() queryset with "plan_id", ordered by plan_id first

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("a sitemap page is read as a slice")
        rows = list(self.rows[index])
        if not rows:
            return rows
        plans = {
            pk: (slug, last_published)
            for pk, slug, last_published in Plan.objects.filter(pk__range=(rows[0]["plan_id"], rows[-1]["plan_id"]))
            .order_by()
            .annotate(last_published=Max("published_years__published_at"))
            .values_list("pk", "slug", "last_published")
        }
        # A plan deleted between the two reads (with its rows) is left out.
        return [
            {**row, "slug": plans[row["plan_id"]][0], "last_published": plans[row["plan_id"]][1]}
            for row in rows
            if row["plan_id"] in plans
        ]


class StaticSitemap(Sitemap):
    """Home, the legend, the search and the open data page."""

    def items(self):
        return ["plans:plan-list", "plans:legend", "plans:search", "plans:opendata"]

    def location(self, item):
        return reverse(item)


class PlanSitemap(Sitemap):
    """Each plan's page, in the order of the home page (municipality code, first year). The nation's
    plans (1,741) fit one page: each is dated in the same query."""

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

    def get_latest_lastmod(self):
        return latest_publication()


class DownloadsSitemap(PlanSitemap):
    """Each plan's open data page."""

    url_name = "plans:downloads"


class GoalSitemap(Sitemap):
    """Each goal's page, by plan and number (the unique index)."""

    limit = PAGE_URLS

    def items(self):
        return PlanDatedRows(Goal.objects.order_by("plan_id", "number").values("plan_id", "number"))

    def location(self, item):
        return reverse("plans:goal-detail", args=[item["slug"], item["number"]])

    def lastmod(self, item):
        return item["last_published"]

    def get_latest_lastmod(self):
        return latest_publication(Goal.objects.all())


class KpiSitemap(Sitemap):
    """Each KPI's page (its code is the plan's own, stable across reloads), by plan and code (the
    unique index)."""

    limit = PAGE_URLS

    def items(self):
        return PlanDatedRows(Kpi.objects.order_by("plan_id", "code").values("plan_id", "code"))

    def location(self, item):
        return reverse("plans:kpi-detail", args=[item["slug"], item["code"]])

    def lastmod(self, item):
        return item["last_published"]

    def get_latest_lastmod(self):
        return latest_publication(Kpi.objects.all())


SITEMAPS = {
    "pages": StaticSitemap,
    "plans": PlanSitemap,
    "downloads": DownloadsSitemap,
    "goals": GoalSitemap,
    "kpis": KpiSitemap,
}
