from django.contrib import admin
from django.urls import include, path

from plans.api import api

admin.site.site_header = "KPI進捗管理"
admin.site.site_title = "KPI進捗管理"
admin.site.index_title = "管理メニュー"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("staff/dashboard/", include("plans.dashboard_urls")),
    path("staff/entry/", include("plans.entry_urls")),
    path("api/v1/", api.urls),
    path("", include("plans.urls")),
]

# The other error pages are Django's default views with our templates (templates/400.html …).
handler403 = "plans.views.errors.permission_denied"
