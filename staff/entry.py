"""Staff entry of yearly actuals: the department's entry page and the Excel round trip.

Every view asks ``services.access`` what the login may touch and ``services.actuals`` to read,
check and save; nothing here decides a rule.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from plans import access
from plans.choices import ActualStatus, Mark
from plans.models import Department, Kpi, Plan
from plans.params import id_param, year_param
from plans.rules.notation import format_year
from plans.rules.progress import mark_for_value
from plans.selectors.progress import kpi_values
from plans.services.actuals import (
    Change,
    ConcurrentChange,
    Submission,
    apply,
    default_entry_year,
    entry_kpis,
    entry_rows,
    preview,
    read_value,
)
from plans.services.history import kpi_history
from plans.validation import summarise_problems
from workbooks.entry_workbook import read_entry_workbook, write_entry_workbook
from workbooks.limits import refused_upload_problem, size_problem
from workbooks.safety import XLSX

SESSION_KEY = "entry-upload"


class StaffRequiredMixin(LoginRequiredMixin):
    """Logged-in staff with a role (others go to the staff login, settings.LOGIN_URL, or get 403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.roles_of(request.user):
            raise PermissionDenied(_("Your login has no staff role."))
        return super().dispatch(request, *args, **kwargs)


def departments_for(user):
    """The departments whose KPIs the login may enter (with at least one such KPI)."""
    ids = entry_kpis(user).exclude(department=None).values_list("department_id", flat=True)
    return Department.objects.filter(pk__in=ids).select_related("municipality").order_by("municipality__code", "name")


def _year(value) -> int:
    year = year_param(value)
    if year is None:
        raise Http404
    return year


class EntryHomeView(StaffRequiredMixin, TemplateView):
    template_name = "plans/entry/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        year = default_entry_year()
        return {
            **super().get_context_data(**kwargs),
            "departments": departments_for(user),
            "plans": access.led_plans(user).select_related("municipality"),
            "year": year,
            "years": list(range(year - 4, year + 2)),
        }


class EntryFormView(StaffRequiredMixin, TemplateView):
    """One department's KPIs for one year: one row each, the mark updating as values are typed."""

    template_name = "plans/entry/form.html"

    def get_department(self):
        department = get_object_or_404(Department, pk=self.kwargs["department"])
        if not departments_for(self.request.user).filter(pk=department.pk).exists():
            raise PermissionDenied(_("You may not enter actuals for this department."))
        return department

    def get_context_data(self, **kwargs):
        department = self.get_department()
        year = _year(self.kwargs["year"])
        rows = entry_rows(self.request.user, year, department_id=department.pk)
        typed = kwargs.pop("typed", {})
        return {
            **super().get_context_data(**kwargs),
            "department": department,
            "year": year,
            "year_label": format_year(year),
            "rows": [{"row": row, "typed": typed.get(row.kpi.id)} for row in rows],
            "previous_year": year - 1,
            "next_year": year + 1,
        }

    def post(self, request, *args, **kwargs):
        department = self.get_department()
        year = _year(self.kwargs["year"])
        submissions, typed = [], {}
        for kpi_id in request.POST.getlist("kpi"):
            if id_param(kpi_id) is None:
                continue
            fields = {name: request.POST.get(f"{name}-{kpi_id}", "") for name in ("value", "status", "note", "version")}
            typed[int(kpi_id)] = fields
            submissions.append(
                Submission(
                    kpi_id=int(kpi_id),
                    year=year,
                    text=fields["value"].strip(),
                    status=fields["status"],
                    note=fields["note"].strip(),
                    version=id_param(fields["version"]) if id_param(fields["version"]) is not None else -1,
                )
            )
        result = preview(request.user, submissions)
        if result.problems:
            for problem in summarise_problems(result.problems):
                messages.error(request, problem)
            return self.render_to_response(self.get_context_data(typed=typed, **kwargs))
        try:
            apply(request.user, result.changes)
        except ConcurrentChange as error:
            messages.error(request, str(error))
            return self.render_to_response(self.get_context_data(typed=typed, **kwargs))
        if result.changes:
            messages.success(
                request,
                _("Saved {count} change(s): {changes}").format(
                    count=len(result.changes),
                    changes=" / ".join(_describe(change) for change in result.changes),
                ),
            )
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(reverse("entry:form", kwargs={"department": department.pk, "year": year}))


def _describe(change: Change) -> str:
    blank = ActualStatus.BLANK.word
    return f"{change.kpi_name}: {change.old_raw or blank} → {change.new_raw or _status_word(change.new_status)}"


def _status_word(status: str) -> str:
    """集計中 or 未把握 for a value left out on purpose; 空欄 for anything else."""
    if status in (ActualStatus.PENDING, ActualStatus.UNMEASURED):
        return ActualStatus(status).word
    return ActualStatus.BLANK.word


class MarkView(StaffRequiredMixin, View):
    """The mark a typed value would earn (the entry page asks while staff type)."""

    def get(self, request):
        kpi_id, year = request.GET.get("kpi", ""), request.GET.get("year", "")
        if id_param(kpi_id) is None or year_param(year) is None:
            return JsonResponse({"error": "bad request"}, status=400)
        kpi = entry_kpis(request.user).filter(pk=int(kpi_id)).first()
        if kpi is None:
            return JsonResponse({"error": "forbidden"}, status=403)
        try:
            parsed = read_value(request.GET.get("value", ""), request.GET.get("status", ""))
        except ValueError as error:
            return JsonResponse({"mark": "", "error": str(error)})
        mark = mark_for_value(kpi_values(kpi), int(year), parsed.value)
        return JsonResponse({"mark": mark, "word": str(Mark(mark).word), "status": parsed.status, "error": ""})


class WorkbookView(StaffRequiredMixin, View):
    """The entry workbook of a department, or of a whole plan for its planners."""

    def get(self, request, year, department=None, slug=None):
        year = _year(year)
        if slug is not None:
            plan = get_object_or_404(Plan, slug=slug)
            visible = access.visible_plans(request.user).filter(pk=plan.pk).exists()
            if not visible or access.PLANNER not in access.roles_of(request.user):
                raise PermissionDenied(_("You may not download this plan's workbook."))
            rows, title, name = entry_rows(request.user, year, plan_id=plan.pk), plan.title, plan.slug
        else:
            department_obj = get_object_or_404(Department, pk=department)
            if not departments_for(request.user).filter(pk=department_obj.pk).exists():
                raise PermissionDenied(_("You may not enter actuals for this department."))
            rows, title, name = (
                entry_rows(request.user, year, department_id=department_obj.pk),
                department_obj.name,
                f"department-{department_obj.pk}",
            )
        response = HttpResponse(write_entry_workbook(rows, year, title=title), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="actuals-{name}-{year}.xlsx"'
        return response


class UploadView(StaffRequiredMixin, TemplateView):
    """Upload a filled entry workbook: every change is previewed, nothing is saved yet."""

    template_name = "plans/entry/upload.html"

    def post(self, request, *args, **kwargs):
        upload = request.FILES.get("workbook")
        if stopped := refused_upload_problem(request):  # stopped as it arrived: never read
            return self.render_to_response(self.get_context_data(problems=[stopped], problem_count=1))
        if upload is None or not upload.name.lower().endswith(".xlsx"):
            messages.error(request, _("Choose the Excel workbook (.xlsx) you downloaded."))
            return self.render_to_response(self.get_context_data())
        too_big = size_problem(upload.size)  # before reading it (settings.UPLOAD_MAX_BYTES)
        if too_big:
            return self.render_to_response(self.get_context_data(problems=[too_big], problem_count=1))
        year, submissions, problems = read_entry_workbook(upload.read())
        result = preview(request.user, submissions) if not problems else None
        problems += result.problems if result else []
        if problems:
            return self.render_to_response(
                self.get_context_data(problems=summarise_problems(problems), problem_count=len(problems))
            )
        token = uuid.uuid4().hex
        request.session[SESSION_KEY] = {"token": token, "year": year, "changes": [c.as_dict() for c in result.changes]}
        return self.render_to_response(
            self.get_context_data(
                preview=result, token=token, year=year, year_label=format_year(year), changes=result.changes
            )
        )


class ConfirmUploadView(StaffRequiredMixin, View):
    """Save every previewed change in one transaction."""

    def post(self, request):
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("The preview has expired. Upload the workbook again."))
            return redirect("entry:upload")
        changes = [Change.from_dict(data) for data in stored["changes"]]
        try:
            count = apply(request.user, changes)
        except ConcurrentChange as error:
            messages.error(request, str(error))
            return redirect("entry:upload")
        del request.session[SESSION_KEY]
        messages.success(request, _("Saved {count} change(s) from the workbook.").format(count=count))
        return redirect("entry:upload")


class KpiHistoryView(StaffRequiredMixin, TemplateView):
    """Every change to a KPI's actuals: who, when, old → new."""

    template_name = "plans/entry/history.html"

    def get_context_data(self, **kwargs):
        kpi = get_object_or_404(Kpi.objects.select_related("plan", "department"), pk=self.kwargs["kpi"])
        if not access.readable_kpis(self.request.user).filter(pk=kpi.pk).exists():
            raise PermissionDenied(_("You may not see this KPI's actuals."))
        return {**super().get_context_data(**kwargs), "kpi": kpi, "entries": kpi_history(kpi.pk)}
