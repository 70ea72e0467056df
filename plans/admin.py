from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans import access, selectors
from plans.choices import ActualStatus
from plans.models import (
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
    PublishedYear,
    RatingLabel,
    StaffProfile,
    YearlyTarget,
)
from plans.params import id_param
from plans.services import progress
from plans.services.actuals import STATUS_LABELS, default_entry_year, read_value, year_outside_plan
from plans.services.progress import evaluate_kpi, kpi_values
from plans.validation import text_problem


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
        return super().history_form_view(request, object_id, version_id, extra_context)


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


class YearlyTargetInline(admin.TabularInline):
    model = YearlyTarget
    extra = 0


class ActualInline(admin.TabularInline):
    model = Actual
    extra = 0
    fields = ["year", "raw", "status", "note", "seen_version"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = ActualAdminForm
        return super().get_formset(request, obj, **kwargs)


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


class GoalOfKpiFilter(admin.SimpleListFilter):
    title = _("goal")
    parameter_name = "goal"

    def lookups(self, request, model_admin):
        goals = Goal.objects.filter(plan__in=access.visible_plans(request.user)).select_related("plan")
        return [(goal.pk, f"{goal.plan.title} {goal.number}. {goal.title}") for goal in goals]

    prefix = ""  # the lookup from the listed model to its KPI

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        goal_id = id_param(self.value())
        if goal_id is None:
            return queryset.none()
        return queryset.filter(
            Q(**{f"{self.prefix}goal_id": goal_id}) | Q(**{f"{self.prefix}policy_direction__goal_id": goal_id})
        )


class GoalOfActualFilter(GoalOfKpiFilter):
    prefix = "kpi__"


@admin.register(Kpi)
class KpiAdmin(PlanScopedAdmin, SimpleHistoryAdmin):
    department_path = "department"
    list_display = [
        "code",
        "name",
        "unit",
        "baseline_raw",
        "target_raw",
        "year_target",
        "year_actual",
        "year_mark",
        "year_outlook",
        "department",
        "plan",
    ]
    list_filter = [
        NeedsAttentionFilter,
        ("plan", admin.RelatedOnlyFieldListFilter),
        GoalOfKpiFilter,
        "level",
        "direction",
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["plan", "department", "goal", "policy_direction__goal", "package", "project"]
    search_fields = ["code", "name"]
    inlines = [YearlyTargetInline, ActualInline, OfficialRatingInline]
    raw_id_fields = ["goal", "policy_direction", "package", "project", "predecessor"]

    def get_queryset(self, request):
        # Targets and actuals for the computed columns, in two queries for the whole page.
        return super().get_queryset(request).prefetch_related("yearly_targets", "actuals", "official_ratings")

    def _progress(self, obj):
        if not hasattr(obj, "_progress"):
            obj._progress = evaluate_kpi(kpi_values(obj), year=default_entry_year())
        return obj._progress

    @admin.display(description=_("year's target"))
    def year_target(self, obj):
        from plans.presentation import format_number

        return format_number(self._progress(obj).year_target.value)

    @admin.display(description=_("actual"))
    def year_actual(self, obj):
        detail = self._progress(obj).kpi.actual_details.get(self._progress(obj).year)
        return detail.raw or dict(STATUS_LABELS).get(detail.status, "") if detail else "—"

    @admin.display(description=_("mark"))
    def year_mark(self, obj):
        return self._progress(obj).mark

    @admin.display(description=_("outlook"))
    def year_outlook(self, obj):
        return self._progress(obj).outlook


class ActualAdminForm(forms.ModelForm):
    """Refuses a save when someone else saved the same actual after this form was opened."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Actual
        fields = ["kpi", "year", "raw", "status", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Locked until the admin's transaction ends, so two saves of one actual queue and the
            # second one meets the first one's version (the entry page's rule).
            current = (
                Actual.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
            )
            if cleaned.get("seen_version") is None or cleaned["seen_version"] != current:
                raise forms.ValidationError(
                    _("Someone else saved this actual after you opened it. Reload the page to see the latest value.")
                )
        kpi, year = cleaned.get("kpi"), cleaned.get("year")
        if kpi is not None and year is not None and (problem := year_outside_plan(kpi, year)):
            raise forms.ValidationError({"year": problem})
        if problem := text_problem(cleaned.get("note") or "", limit=settings.NOTE_MAX_CHARS):
            raise forms.ValidationError({"note": problem})  # the entry page's rule for a note
        status = cleaned.get("status")
        status = "" if status in (None, ActualStatus.MEASURED, ActualStatus.BLANK) else status
        try:
            self.parsed = read_value(cleaned.get("raw", ""), status)
        except ValueError as error:
            raise forms.ValidationError({"raw": str(error)}) from error
        return cleaned

    def save(self, commit=True):
        actual = super().save(commit=False)
        actual.value, actual.status = (
            self.parsed.value,
            self.parsed.status if self.parsed.raw or self.parsed.status != ActualStatus.BLANK else ActualStatus.BLANK,
        )
        actual.is_preliminary, actual.survey_year = self.parsed.preliminary, self.parsed.survey_year
        actual.cumulative_to_year = self.parsed.cumulative_to_year
        if actual.pk:
            actual.version += 1
        if commit:
            actual.save()
        return actual


@admin.register(Actual)
class ActualAdmin(PlanScopedAdmin, SimpleHistoryAdmin):
    plan_path = "kpi__plan"
    department_path = "kpi__department"
    form = ActualAdminForm
    list_display = ["kpi", "year", "raw", "value", "status", "updated_at"]
    list_filter = [
        ("kpi__plan", admin.RelatedOnlyFieldListFilter),
        GoalOfActualFilter,
        ("kpi__department", admin.RelatedOnlyFieldListFilter),
        "year",
        "status",
    ]
    list_select_related = ["kpi"]
    search_fields = ["kpi__name", "raw"]
    raw_id_fields = ["kpi"]

    def may_change(self, user, obj) -> bool:
        return access.can_edit_kpi(user, obj.kpi)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "kpi" and not request.user.is_superuser:
            kwargs["queryset"] = access.editable_kpis(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProjectReview)
class ProjectReviewAdmin(PlanScopedAdmin, SimpleHistoryAdmin):
    plan_path = "project__plan"
    department_path = "project__departments"
    list_display = ["project", "year", "carried_out_raw", "rating_label"]
    list_filter = ["year", ("project__plan", admin.RelatedOnlyFieldListFilter), "rating_label"]
    list_select_related = ["project"]
    search_fields = ["project__title", "done", "summary"]
    raw_id_fields = ["project"]

    def may_change(self, user, obj) -> bool:
        return access.editable_projects(user).filter(pk=obj.project_id).exists()


@admin.register(PublishedYear)
class PublishedYearAdmin(PlanScopedAdmin):
    list_display = ["plan", "year", "published_at", "published_by"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan", "published_by"]
    readonly_fields = ["published_by"]

    def save_model(self, request, obj, form, change):
        obj.published_by = request.user
        super().save_model(request, obj, form, change)


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
