"""The admin's scoping: staff see and change only the rows ``plans.access`` gives them.

``PlanScopedAdmin`` for the rows of a plan (its structure, KPIs, actuals, reviews),
``MunicipalityScopedAdmin`` for a municipality's own rows; ``scoped_choices`` and
``ScopedRawIdWidget`` keep form choices and raw-id labels within the same reach.
"""

from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from plans import access
from plans.models import Department, Goal, Kpi, Package, Plan, PolicyDirection, Project
from plans.params import id_param
from plans.services import progress


class PlanScopedAdmin(admin.ModelAdmin):
    """Staff see the plans of their municipality (lead or partner) and change only what
    ``services.access`` lets them: planners their municipality's plans, department staff
    nothing of the structure."""

    plan_path = "plan"  # lookup from the model to its Plan
    department_path = None  # lookup to the departments owning a row; department staff see only theirs

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        queryset = queryset.filter(**{f"{self.plan_path}__in": access.visible_plans(user)})
        if access.reads_dashboards(user):  # planners read the whole of the plans they may see
            return queryset
        if self.department_path is None:
            return queryset.none()
        return queryset.filter(**{f"{self.department_path}__in": access.department_ids_of(user)}).distinct()

    def plan_of(self, obj):
        for part in self.plan_path.split("__"):
            obj = obj if part == "pk" else getattr(obj, part)
        return obj

    def may_change(self, user, obj) -> bool:
        return access.can_change_plan(user, self.plan_of(obj))

    def has_view_permission(self, request, obj=None):
        """Only rows of the plans the login may see: the history views (django-simple-history
        falls back to the history rows of an object it cannot find) ask this with the object."""
        allowed = super().has_view_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return self.may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return self.may_change(request.user, obj)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not self.may_change(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """After the row and its inlines (targets, actuals, scale labels), the plan's stored
        progress follows, in the admin's transaction."""
        super().save_related(request, form, formsets, change)
        progress.recompute_plan(self.plan_of(form.instance).pk)

    def delete_model(self, request, obj):
        plan = self.plan_of(obj)
        super().delete_model(request, obj)
        if plan.pk is not None and plan is not obj:
            progress.recompute_plan(plan.pk)

    def delete_queryset(self, request, queryset):
        plan_ids = {self.plan_of(obj).pk for obj in queryset} - {obj.pk for obj in queryset if self.plan_of(obj) is obj}
        super().delete_queryset(request, queryset)
        for plan_id in sorted(plan_ids):
            progress.recompute_plan(plan_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices (and raw-id labels) only among the rows the login may use: its plans' goals,
        directions, KPIs…, and the departments of the municipalities of the plans it leads."""
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs.setdefault("queryset", choices)
            if db_field.name in self.raw_id_fields:
                kwargs["widget"] = ScopedRawIdWidget(db_field.remote_field, self.admin_site, kwargs["queryset"])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs.setdefault("queryset", choices)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        if id_param(object_id) is None:  # django-simple-history gives a 500 for a non-numeric id
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if id_param(object_id) is None or id_param(version_id) is None:
            raise Http404
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if request.method == "POST" and response.status_code == 302:  # a version was restored
                obj = self.get_queryset(request).filter(pk=object_id).first()
                if obj is not None:
                    progress.recompute_plan(self.plan_of(obj).pk)
        return response


def scoped_choices(model, user):
    """The rows of ``model`` a non-superuser may pick in a form, or None for any."""
    if user.is_superuser:
        return None
    if model is Department:
        return access.assignable_departments(user)
    if model is Plan:
        return access.led_plans(user)
    if model in (Goal, PolicyDirection, Package, Project, Kpi):
        return model.objects.filter(plan__in=access.visible_plans(user))
    return None


class ScopedRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """The admin's raw-id input, labelling an id only when it is within ``scope`` (the stock
    widget shows the title of any row by its id, another municipality's included)."""

    def __init__(self, rel, admin_site, scope, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.scope = scope  # not ``choices``: the form field sets that on its widget

    def label_and_url_for_value(self, value):
        if id_param(str(value)) is None or not self.scope.filter(pk=value).exists():
            return "", ""
        return super().label_and_url_for_value(value)


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """Staff see and change only their own municipality's rows; only a superuser adds a
    municipality or touches another one."""

    municipality_path = "pk"  # lookup from the model to its Municipality

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        municipality = access.municipality_of(request.user)
        return queryset.filter(**{self.municipality_path: municipality.pk}) if municipality else queryset.none()

    def _own(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own(request, obj)
