"""Target revisions (KPI見直し), the committee's comments and the planner's evaluation text
(namespace ``committee``).
"""

from django.urls import path

from staff import committee as views

app_name = "committee"

urlpatterns = [
    path("", views.CommitteeIndexView.as_view(), name="index"),
    path("plans/<slug:slug>/<int:year>/", views.PlanYearView.as_view(), name="plan-year"),
    path("plans/<slug:slug>/<int:year>/goals/<int:number>/comments/", views.CommentView.as_view(), name="comment"),
    path(
        "plans/<slug:slug>/<int:year>/goals/<int:number>/evaluation/",
        views.EvaluationView.as_view(),
        name="evaluation",
    ),
    path("kpis/<int:kpi>/revisions/", views.KpiRevisionView.as_view(), name="kpi-revisions"),
]
