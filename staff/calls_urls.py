"""Data calls (照会): a planner asks departments for a year's actuals, follows who answered
and reminds them (namespace ``calls``).
"""

from django.urls import path

from staff import calls as views

app_name = "calls"

urlpatterns = [
    path("", views.CallListView.as_view(), name="index"),
    path("plans/<slug:slug>/open/", views.CallOpenView.as_view(), name="open"),
    path("plans/<slug:slug>/<int:year>/", views.CallBoardView.as_view(), name="board"),
    path(
        "plans/<slug:slug>/<int:year>/departments/<int:department>/remind/",
        views.CallRemindView.as_view(),
        name="remind",
    ),
    path("plans/<slug:slug>/<int:year>/close/", views.CallCloseView.as_view(), name="close"),
]
