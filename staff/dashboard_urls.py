"""Staff dashboards for planners (namespace ``dashboard``)."""

from django.urls import path

from staff import dashboards as views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardIndexView.as_view(), name="index"),
    path("region/", views.RegionComparisonView.as_view(), name="region"),
    path("plans/<slug:slug>/", views.PlanDashboardView.as_view(), name="plan"),
    path("plans/<slug:slug>/goals/<int:number>/", views.GoalDashboardView.as_view(), name="goal"),
    path("plans/<slug:slug>/other-kpis/", views.GoalDashboardView.as_view(others=True), name="other-kpis"),
    path("plans/<slug:slug>/kpis/<int:pk>/", views.KpiDashboardView.as_view(), name="kpi"),
    path("plans/<slug:slug>/kpis/<int:pk>/across-plans/", views.KpiLineageView.as_view(), name="kpi-lineage"),
    path("plans/<slug:slug>/report/", views.ReportView.as_view(), name="report"),
    path("plans/<slug:slug>/report.xlsx", views.ReportWorkbookView.as_view(), name="report-xlsx"),
    path("plans/<slug:slug>/report.pdf", views.ReportPdfView.as_view(), name="report-pdf"),
]
