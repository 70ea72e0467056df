"""The plan workbook in the admin: upload one (create or update a plan, all or nothing) and
download a plan's workbook. Added to the plans app's ``PlanAdmin`` here, so that the plan model's
admin does not depend on the workbooks that read and write it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from plans.admin import PlanAdmin
from plans.models import Plan
from plans.validation import summarise_problems
from workbooks.forms import PlanWorkbookForm
from workbooks.limits import refused_upload_problem
from workbooks.plan_export import plan_rows
from workbooks.plan_import import import_plan_workbook
from workbooks.plan_workbook import ImportRefused, write_workbook
from workbooks.safety import XLSX


class PlanWorkbookAdmin(PlanAdmin):
    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="plans_plan_import"),
            path("<int:pk>/workbook/", self.admin_site.admin_view(self.workbook_view), name="plans_plan_workbook"),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        """Upload a plan workbook: create or update the plan, all or nothing."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        problems, problem_count = [], 0
        form = PlanWorkbookForm(request.POST or None, request.FILES or None)
        if stopped := refused_upload_problem(request):  # stopped as it arrived: never read
            problems, problem_count = [stopped], 1
        elif request.method == "POST" and form.is_valid():
            try:
                result = import_plan_workbook(form.cleaned_data["workbook"].read(), user=request.user)
            except PermissionDenied as error:
                problems, problem_count = [str(error)], 1
            except ImportRefused as error:
                problems, problem_count = summarise_problems(error.problems), len(error.problems)
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
            "problem_count": problem_count,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/plans/plan/import.html", context)

    def workbook_view(self, request, pk):
        plan = self.get_object(request, pk)
        if plan is None or not self.has_view_permission(request, plan):
            raise PermissionDenied
        response = HttpResponse(
            write_workbook(plan_rows(plan.slug)),
            content_type=XLSX,
        )
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}.xlsx"'
        return response


admin.site.unregister(Plan)
admin.site.register(Plan, PlanWorkbookAdmin)
