from django.contrib import admin
from django.urls import include, path

from public.api import api

admin.site.site_header = "KPI進捗管理"
admin.site.site_title = "KPI進捗管理"
admin.site.index_title = "管理メニュー"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("staff/dashboard/", include("staff.dashboard_urls")),
    path("staff/entry/", include("staff.entry_urls")),
    path("staff/review/", include("staff.review_urls")),
    path("staff/calls/", include("staff.calls_urls")),
    path("staff/committee/", include("staff.committee_urls")),
    path("api/v1/", api.urls),
    path("", include("public.urls")),
]

# The other error pages are Django's default views with our templates (templates/400.html …).
handler403 = "kpi_tracker.errors.permission_denied"
handler500 = "kpi_tracker.errors.server_error"
