"""Admin of KPIs, their actuals and the projects' reviews (with edit history)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans import access, selectors
from plans.admin.scoping import PlanScopedAdmin
from plans.choices import ActualStatus
from plans.models import Actual, Goal, Kpi, KpiYearProgress, OfficialRating, ProgressView, ProjectReview, YearlyTarget
from plans.params import id_param
from plans.presentation import format_number
from plans.selectors.progress import kpi_values, progress_from_row, unstored_progress
from plans.services.actuals import STATUS_LABELS, default_entry_year, year_outside_plan
from plans.services.entry_checks import check_kpi_entry, previous_values
from plans.services.review import locked_year_problem
from plans.services.versions import fill_search_text
from plans.validation import text_problem


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
        "baseline_year_assumed",
        "target_raw",
        "total_years",
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
        "baseline_year_assumed",
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["plan", "department", "goal", "policy_direction__goal", "package", "project"]
    search_fields = ["code", "name"]
    inlines = [YearlyTargetInline, ActualInline, OfficialRatingInline]
    raw_id_fields = ["goal", "policy_direction", "package", "project", "predecessor"]

    def get_queryset(self, request):
        # Targets, actuals, ratings and the stored progress (staff view) of the entry year for the
        # year's columns, one query each for the whole page.
        stored = KpiYearProgress.objects.filter(view=ProgressView.STAFF, year=default_entry_year())
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "yearly_targets",
                "actuals",
                "official_ratings",
                selectors.target_revisions(),
                Prefetch("progress", queryset=stored, to_attr="stored_year"),
            )
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fill_search_text([obj])  # a created or renamed KPI is found by the public search

    def _progress(self, obj):
        """The KPI's stored standing in the entry year (no rule runs on a request)."""
        if not hasattr(obj, "_progress"):
            values = kpi_values(obj)
            rows = getattr(obj, "stored_year", None)
            if rows is None:  # not loaded through get_queryset
                rows = list(obj.progress.filter(view=ProgressView.STAFF, year=default_entry_year()))
            obj._progress = (
                progress_from_row(values, rows[0]) if rows else unstored_progress(values, default_entry_year())
            )
        return obj._progress

    @admin.display(description=_("year's target"))
    def year_target(self, obj):
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
    """Refuses a save when someone else saved the same actual after this form was opened, when
    its year is locked (published and not reopened), and when the value fails the entry check
    every door uses (``check_entry``: `781,000人` for a 千人 KPI is saved as 781千人)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_warnings = forms.BooleanField(
        required=False,
        label=_("Save despite the warnings"),
        help_text=_("Tick after checking the warnings said about the value (its digits and unit)."),
    )

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
        if kpi is not None and year is not None and (problem := locked_year_problem(kpi.plan_id, year)):
            self.add_error("year", problem)  # the other fields' problems are still said
        if problem := text_problem(cleaned.get("note") or "", limit=settings.NOTE_MAX_CHARS):
            raise forms.ValidationError({"note": problem})  # the entry page's rule for a note
        status = cleaned.get("status")
        status = "" if status in (None, ActualStatus.MEASURED, ActualStatus.BLANK) else status
        if kpi is None or year is None or self.errors:
            return cleaned  # the errors found so far say what to correct
        previous = previous_values([kpi], year).get(kpi.pk)
        self.checked = check_kpi_entry(kpi, year, cleaned.get("raw", ""), status=status, previous=previous)
        if self.checked.errors:
            raise forms.ValidationError({"raw": self.checked.errors})
        if self.checked.warnings and not cleaned.get("confirm_warnings"):
            # the entry page's rule: a value with warnings is saved only once the person confirms
            raise forms.ValidationError(
                {"raw": [*self.checked.warnings, _("To save the value as it is, tick “Save despite the warnings”.")]}
            )
        return cleaned

    def save(self, commit=True):
        actual = super().save(commit=False)
        checked, parsed = self.checked, self.checked.parsed
        actual.raw, actual.value = checked.raw, checked.value  # in the KPI's unit
        actual.status = checked.status if checked.raw or checked.status != ActualStatus.BLANK else ActualStatus.BLANK
        actual.is_preliminary, actual.survey_year = parsed.preliminary, parsed.survey_year
        actual.cumulative_to_year = parsed.cumulative_to_year
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
