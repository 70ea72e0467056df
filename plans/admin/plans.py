"""Admin of a plan's structure: plans, goals, policy directions, packages, projects, and the
years a plan published."""

from django.contrib import admin

from plans import access
from plans.admin.scoping import PlanScopedAdmin
from plans.models import (
    Goal,
    Package,
    PackageListing,
    Plan,
    PolicyDirection,
    Project,
    ProjectBudget,
    ProjectReview,
    PublishedYear,
    RatingLabel,
)


class RatingLabelInline(admin.TabularInline):
    model = RatingLabel
    extra = 0


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0
    fields = ["number", "kind_label", "title", "basic_direction"]


@admin.register(Plan)
class PlanAdmin(PlanScopedAdmin):
    plan_path = "pk"

    list_display = ["title", "slug", "municipality", "first_year", "last_year", "revised_label"]
    list_filter = ["kind", ("municipality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["municipality"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["partners"]
    inlines = [RatingLabelInline, GoalInline]
    change_list_template = "admin/plans/plan/change_list.html"
    change_form_template = "admin/plans/plan/change_form.html"

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset if request.user.is_superuser else queryset.filter(pk__in=access.visible_plans(request.user))

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser hands a plan to another lead municipality."""
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "municipality"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not change:
            obj.municipality = access.municipality_of(request.user)  # a planner's new plan is its own
        super().save_model(request, obj, form, change)


@admin.register(PolicyDirection)
class PolicyDirectionAdmin(PlanScopedAdmin):
    list_display = ["code", "title", "goal", "plan"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["goal", "plan"]
    search_fields = ["code", "title"]


@admin.register(Package)
class PackageAdmin(PlanScopedAdmin):
    list_display = ["number", "title", "plan"]
    search_fields = ["title"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
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
class ProjectAdmin(PlanScopedAdmin):
    department_path = "departments"
    list_display = ["code", "title", "plan"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), ("departments", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan"]
    search_fields = ["code", "title", "purpose"]
    filter_horizontal = ["directions", "municipalities", "departments"]
    inlines = [PackageListingInline, ProjectBudgetInline, ProjectReviewInline]


@admin.register(PublishedYear)
class PublishedYearAdmin(PlanScopedAdmin):
    list_display = ["plan", "year", "published_at", "published_by"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan", "published_by"]
    readonly_fields = ["published_by"]

    def save_model(self, request, obj, form, change):
        obj.published_by = request.user
        super().save_model(request, obj, form, change)
