"""Public pages (namespace ``plans``)."""

from django.urls import path

from .views import public as views

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    path("plans/<slug:slug>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<slug:slug>/goals/<int:number>/", views.GoalDetailView.as_view(), name="goal-detail"),
]
