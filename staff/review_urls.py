"""The review chain: a department submits its values, a planner returns or approves them,
publishes and reopens years (namespace ``review``).
"""

from django.urls import path

from staff import review as views

app_name = "review"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("decide/", views.DecideView.as_view(), name="decide"),
    path("departments/<int:department>/<int:year>/", views.SubmitView.as_view(), name="submit"),
    path("kpis/<int:kpi>/<int:year>/evidence/", views.EvidenceView.as_view(), name="evidence"),
]
