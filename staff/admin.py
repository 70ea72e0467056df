"""The Django admin's users and groups: superusers only.

Administrators (システム管理者) manage the logins of their municipality on the accounts pages
(``/staff/accounts/``, through ``plans.services.accounts``). The admin's own user form can set
``is_superuser``, any group and any password, so no one but a superuser may open it.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from plans.models import StaffProfile


class SuperuserOnlyMixin:
    """Every admin permission (module, view, add, change, delete) is the superuser flag."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class StaffProfileInline(SuperuserOnlyMixin, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["departments"]


User = get_user_model()
for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class StaffUserAdmin(SuperuserOnlyMixin, UserAdmin):
    inlines = [StaffProfileInline]


@admin.register(Group)
class StaffGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    pass
