"""Public pages, open data and the sitemap (namespace ``plans``)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from public import downloads, views
from public.sitemaps import SITEMAPS

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    path("legend/", views.LegendView.as_view(), name="legend"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("opendata/", views.OpenDataView.as_view(), name="opendata"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("plans/<slug:slug>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<slug:slug>/goals/<int:number>/", views.GoalDetailView.as_view(), name="goal-detail"),
    # KPI codes are the plan's own (`G1-1`, `1(2)-3`): stable across reloads, unlike database ids.
    path("plans/<slug:slug>/kpis/<str:code>/", views.KpiDetailView.as_view(), name="kpi-detail"),
    path("plans/<slug:slug>/downloads/", views.DownloadsView.as_view(), name="downloads"),
    path("plans/<slug:slug>/downloads/kpi.csv", downloads.download_csv, name="download-csv"),
    path("plans/<slug:slug>/downloads/plan.xlsx", downloads.download_xlsx, name="download-xlsx"),
    path("plans/<slug:slug>/downloads/plan.json", downloads.download_json, name="download-json"),
]
