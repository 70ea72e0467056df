"""Staff entry of yearly actuals: the department's entry page and the Excel round trip.

Every view asks ``services.access`` what the login may touch and ``services.actuals`` to read,
check and save; nothing here decides a rule.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from plans import access
from plans.choices import ActualStatus, Mark, ReviewState
from plans.models import Department, Kpi, Plan
from plans.params import id_param, year_param
from plans.rules.notation import format_era_year, format_year
from plans.rules.progress import mark_for_value
from plans.selectors.progress import kpi_values
from plans.services.actuals import (
    Change,
    ConcurrentChange,
    Preview,
    Submission,
    UnconfirmedWarnings,
    apply,
    default_entry_year,
    entry_kpis,
    entry_rows,
    preview,
)
from plans.services.entry_checks import check_kpi_entry, previous_values
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
    """The departments to enter for and, for planners, each plan's workbook of any of its years.

    ``?year=`` picks the year (default: the usual entry year, the fiscal year that just ended).
    """

    template_name = "plans/entry/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        usual = default_entry_year()
        year = year_param(self.request.GET.get("year", "")) or usual
        plans = access.led_plans(user).select_related("municipality")
        return {
            **super().get_context_data(**kwargs),
            "departments": departments_for(user),
            "plans": [{"plan": plan, "years": plan_years(plan), "year": _plan_year(plan, year)} for plan in plans],
            "year": year,
            "usual_year": usual,
            "years": sorted({*range(usual - 4, usual + 2), year}),
        }


def plan_years(plan) -> list[int]:
    """Every year of a plan a planner may pick for its workbook."""
    if not (plan.first_year and plan.last_year):
        return []
    return list(range(plan.first_year, plan.last_year + 1))


def _plan_year(plan, year: int) -> int | None:
    """The year picked if the plan runs in it, else its year nearest to it."""
    years = plan_years(plan)
    return min(years, key=lambda candidate: abs(candidate - year)) if years else None


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
        warned = kwargs.pop("warned", {})  # warnings of typed values not confirmed yet
        return {
            **super().get_context_data(**kwargs),
            "department": department,
            "year": year,
            "year_label": format_year(year),
            "rows": [
                {
                    "row": row,
                    "typed": typed.get(row.kpi.id),
                    "warnings": warned.get(row.kpi.id, () if typed.get(row.kpi.id) else row.warnings),
                    "unconfirmed": row.kpi.id in warned,
                    "review": ReviewState(row.review_state) if row.review_state else None,
                }
                for row in rows
            ],
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
            fields = {
                name: request.POST.get(f"{name}-{kpi_id}", "")
                for name in ("value", "status", "note", "version", "confirm")
            }
            typed[int(kpi_id)] = fields
            submissions.append(
                Submission(
                    kpi_id=int(kpi_id),
                    year=year,
                    text=fields["value"].strip(),
                    status=fields["status"],
                    note=fields["note"].strip(),
                    version=id_param(fields["version"]) if id_param(fields["version"]) is not None else -1,
                    confirmed=fields["confirm"] == "1",
                )
            )
        result = preview(request.user, submissions)
        if result.problems:
            for problem in summarise_problems(result.problems):
                messages.error(request, problem)
            return self.render_to_response(self.get_context_data(typed=typed, **kwargs))
        try:
            apply(request.user, result.changes)
        except UnconfirmedWarnings as error:
            messages.error(request, str(error))
            warned = {change.kpi_id: change.warnings for change in error.changes}
            return self.render_to_response(self.get_context_data(typed=typed, warned=warned, **kwargs))
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
    """What a typed value would be, as staff type: its mark, the conversion into the KPI's unit,
    the warnings to confirm and the errors that refuse it (``check_entry``, the check of every door)."""

    def get(self, request):
        kpi_id, year = request.GET.get("kpi", ""), request.GET.get("year", "")
        if id_param(kpi_id) is None or year_param(year) is None:
            return JsonResponse({"error": "bad request"}, status=400)
        kpi = entry_kpis(request.user).filter(pk=int(kpi_id)).first()
        if kpi is None:
            return JsonResponse({"error": "forbidden"}, status=403)
        year = int(year)
        checked = check_kpi_entry(
            kpi,
            year,
            request.GET.get("value", ""),
            status=request.GET.get("status", ""),
            previous=previous_values([kpi], year).get(kpi.pk),
        )
        if checked.errors:
            return JsonResponse(
                {
                    "mark": "",
                    "word": "",
                    "conversion": "",
                    "warnings": [],
                    "errors": checked.errors,
                    "error": checked.errors[0],
                }
            )
        mark = mark_for_value(kpi_values(kpi), year, checked.value)
        return JsonResponse(
            {
                "mark": mark,
                "word": str(Mark(mark).word),
                "status": checked.status,
                "conversion": checked.conversion,
                "warnings": checked.warnings,
                "errors": [],
                "error": "",
            }
        )


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
            municipality = plan.municipality.name
        else:
            department_obj = get_object_or_404(Department.objects.select_related("municipality"), pk=department)
            if not departments_for(request.user).filter(pk=department_obj.pk).exists():
                raise PermissionDenied(_("You may not enter actuals for this department."))
            rows, title, name = (
                entry_rows(request.user, year, department_id=department_obj.pk),
                department_obj.name,
                f"department-{department_obj.pk}",
            )
            municipality = department_obj.municipality.name
        response = HttpResponse(write_entry_workbook(rows, year, title=title), content_type=XLSX)
        response["Content-Disposition"] = workbook_disposition(
            f"{municipality}_{title}_{format_era_year(year)}.xlsx", f"actuals-{name}-{year}.xlsx"
        )
        return response


def workbook_disposition(filename: str, ascii_fallback: str) -> str:
    """An attachment named in Japanese (RFC 5987 ``filename*``), with an ASCII name for old clients.

    `/`, `\\` and quotes in a department's or plan's name would break the header or name a folder:
    they become `_`.
    """
    safe = "".join("_" if character in '/\\"\r\n' or ord(character) < 32 else character for character in filename)
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"


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
        request.session[SESSION_KEY] = {
            "token": token,
            "year": year,
            "changes": [c.as_dict() for c in result.changes],
            "unchanged": result.unchanged,
        }
        return self.render_to_response(
            self.get_context_data(
                preview=result, token=token, year=year, year_label=format_year(year), changes=result.changes
            )
        )


class ConfirmUploadView(StaffRequiredMixin, View):
    """Save every previewed change in one transaction; a change with warnings only when its
    「確認しました」 box is ticked (otherwise nothing is saved and the preview is shown again)."""

    def post(self, request):
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("The preview has expired. Upload the workbook again."))
            return redirect("entry:upload")
        ticked = set(request.POST.getlist("confirm"))
        changes = [
            change.confirmed() if change.warnings and change.key in ticked else change
            for change in (Change.from_dict(data) for data in stored["changes"])
        ]
        try:
            count = apply(request.user, changes)
        except UnconfirmedWarnings as error:
            messages.error(request, str(error))
            return TemplateResponse(
                request,
                UploadView.template_name,
                {
                    "preview": Preview(changes=changes, unchanged=stored.get("unchanged", 0)),
                    "token": stored["token"],
                    "year": stored["year"],
                    "year_label": format_year(stored["year"]),
                    "changes": changes,
                    "unconfirmed": {change.key for change in error.changes},
                },
            )
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
