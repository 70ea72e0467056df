"""Admin of municipalities, departments and staff profiles."""

from django.contrib import admin

from plans import access
from plans.admin.scoping import MunicipalityScopedAdmin
from plans.models import Department, Municipality, StaffProfile


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "code", "name_kana", "name_romaji"]
    search_fields = ["name", "name_kana", "name_romaji", "code"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Department)
class DepartmentAdmin(MunicipalityScopedAdmin):
    municipality_path = "municipality_id"
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name"]

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            municipality = access.municipality_of(request.user)
            kwargs["queryset"] = Municipality.objects.filter(pk=municipality.pk if municipality else None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Superusers only: administrators manage their municipality's logins on /staff/accounts/."""

    list_display = ["user", "municipality"]
    list_filter = ["municipality"]
    list_select_related = ["user", "municipality"]
    filter_horizontal = ["departments"]
    search_fields = ["user__username"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
