"""Public pages, open data and the sitemap (namespace ``plans``).

Every page is served through the shared cache (``public.caching``): rendered once per URL,
language and data version (the plan's for a plan's pages, the nation's for the others). The
sitemap is an index (``/sitemap.xml``) of one file per section (``/sitemap-kpis.xml?p=2``), see
``public.sitemaps``.
"""

from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from public import downloads, views
from public.caching import PAGE_MAX_AGE, public_cache
from public.sitemaps import SITEMAPS

app_name = "plans"


def page(view_class):
    """A public page's view, served from the shared cache (browsers revalidate after PAGE_MAX_AGE)."""
    return public_cache(view_class.as_view(), max_age=PAGE_MAX_AGE)


urlpatterns = [
    path("", page(views.PlanListView), name="plan-list"),
    path("prefectures/<str:code>/", page(views.PrefectureView), name="prefecture"),
    path("municipalities/<str:code>/", page(views.MunicipalityView), name="municipality"),
    path("legend/", page(views.LegendView), name="legend"),
    path("search/", page(views.SearchView), name="search"),
    path("opendata/", page(views.OpenDataView), name="opendata"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", index, {"sitemaps": SITEMAPS, "sitemap_url_name": "plans:sitemap-section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("plans/<slug:slug>/", page(views.PlanDetailView), name="plan-detail"),
    path("plans/<slug:slug>/goals/<int:number>/", page(views.GoalDetailView), name="goal-detail"),
    # KPI codes are the plan's own (`G1-1`, `1(2)-3`): stable across reloads, unlike database ids.
    path("plans/<slug:slug>/kpis/<str:code>/", page(views.KpiDetailView), name="kpi-detail"),
    path("plans/<slug:slug>/downloads/", page(views.DownloadsView), name="downloads"),
    path("plans/<slug:slug>/downloads/kpi.csv", downloads.download_csv, name="download-csv"),
    path("plans/<slug:slug>/downloads/plan.xlsx", downloads.download_xlsx, name="download-xlsx"),
    path("plans/<slug:slug>/downloads/plan.json", downloads.download_json, name="download-json"),
]
