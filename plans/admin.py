from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import selectors
from .forms import PlanWorkbookForm
from .importers.workbook import ImportRefused, write_workbook
from .models import (
    Actual,
    Department,
    Goal,
    Kpi,
    Municipality,
    OfficialRating,
    Package,
    PackageListing,
    Plan,
    PolicyDirection,
    Project,
    ProjectBudget,
    ProjectReview,
    RatingLabel,
    YearlyTarget,
)
from .services.exports import plan_rows
from .services.imports import import_plan_workbook


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "name_kana", "name_romaji"]
    search_fields = ["name", "name_kana", "name_romaji", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name"]


class RatingLabelInline(admin.TabularInline):
    model = RatingLabel
    extra = 0


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0
    fields = ["number", "kind_label", "title", "basic_direction"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "municipality", "first_year", "last_year", "revised_label"]
    list_filter = ["kind", "municipality"]
    list_select_related = ["municipality"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["partners"]
    inlines = [RatingLabelInline, GoalInline]
    change_list_template = "admin/plans/plan/change_list.html"
    change_form_template = "admin/plans/plan/change_form.html"

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="plans_plan_import"),
            path("<int:pk>/workbook/", self.admin_site.admin_view(self.workbook_view), name="plans_plan_workbook"),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        """Upload a plan workbook: create or update the plan, all or nothing."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return HttpResponse(status=403)
        problems = []
        form = PlanWorkbookForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = import_plan_workbook(form.cleaned_data["workbook"].read(), user=request.user)
            except ImportRefused as error:
                problems = error.problems
            else:
                messages.success(
                    request,
                    _("Imported {title}: {created} created, {updated} updated, {deleted} deleted.").format(
                        title=result.plan.title, created=result.created, updated=result.updated, deleted=result.deleted
                    ),
                )
                return redirect(reverse("admin:plans_plan_change", args=[result.plan.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a plan workbook"),
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/plans/plan/import.html", context)

    def workbook_view(self, request, pk):
        plan = self.get_object(request, pk)
        if plan is None or not self.has_view_permission(request, plan):
            return HttpResponse(status=403)
        response = HttpResponse(
            write_workbook(plan_rows(plan.slug)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}.xlsx"'
        return response


@admin.register(PolicyDirection)
class PolicyDirectionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "goal", "plan"]
    list_filter = ["plan"]
    list_select_related = ["goal", "plan"]
    search_fields = ["code", "title"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


class PackageListingInline(admin.TabularInline):
    model = PackageListing
    extra = 0
    autocomplete_fields = ["package"]


class ProjectBudgetInline(admin.TabularInline):
    model = ProjectBudget
    extra = 0


class ProjectReviewInline(admin.StackedInline):
    model = ProjectReview
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["plan", "departments"]
    list_select_related = ["plan"]
    search_fields = ["code", "title", "purpose"]
    filter_horizontal = ["directions", "municipalities", "departments"]
    inlines = [PackageListingInline, ProjectBudgetInline, ProjectReviewInline]


PackageAdmin.search_fields = ["title"]


class YearlyTargetInline(admin.TabularInline):
    model = YearlyTarget
    extra = 0


class ActualInline(admin.TabularInline):
    model = Actual
    extra = 0
    fields = ["year", "raw", "value", "status", "is_preliminary", "survey_year", "cumulative_to_year", "note"]


class OfficialRatingInline(admin.TabularInline):
    model = OfficialRating
    extra = 0


class NeedsAttentionFilter(admin.SimpleListFilter):
    """KPIs with a baseline or target whose printed text could not be read as a value."""

    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("unreadable", _("Unreadable baseline or target"))]

    def queryset(self, request, queryset):
        if self.value() != "unreadable":
            return queryset
        return queryset.filter(selectors.unreadable_kpis())


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit", "direction", "baseline_raw", "target_raw", "department", "plan"]
    list_filter = [NeedsAttentionFilter, "plan", "level", "direction", "department"]
    list_select_related = ["plan", "department"]
    search_fields = ["code", "name"]
    inlines = [YearlyTargetInline, ActualInline, OfficialRatingInline]
    raw_id_fields = ["goal", "policy_direction", "package", "project", "predecessor"]


@admin.register(Actual)
class ActualAdmin(SimpleHistoryAdmin):
    list_display = ["kpi", "year", "raw", "value", "status", "updated_at"]
    list_filter = ["status", "year", "kpi__plan"]
    list_select_related = ["kpi"]
    search_fields = ["kpi__name", "raw"]
    raw_id_fields = ["kpi"]
