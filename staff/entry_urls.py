"""Staff entry of yearly actuals (namespace ``entry``)."""

from django.urls import path

from staff import entry as views

app_name = "entry"

urlpatterns = [
    path("", views.EntryHomeView.as_view(), name="home"),
    path("departments/<int:department>/<int:year>/", views.EntryFormView.as_view(), name="form"),
    path(
        "departments/<int:department>/<int:year>/workbook.xlsx",
        views.WorkbookView.as_view(),
        name="department-workbook",
    ),
    path("plans/<slug:slug>/<int:year>/workbook.xlsx", views.WorkbookView.as_view(), name="plan-workbook"),
    path("mark/", views.MarkView.as_view(), name="mark"),
    path("upload/", views.UploadView.as_view(), name="upload"),
    path("upload/confirm/", views.ConfirmUploadView.as_view(), name="upload-confirm"),
    path("kpis/<int:kpi>/history/", views.KpiHistoryView.as_view(), name="kpi-history"),
]
