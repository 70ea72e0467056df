"""Planners' dashboards (staff only): plans and goals at a glance, KPI charts, the annual report.

Every view requires a logged-in staff user and opens only the plans
``plans.access.visible_plans`` gives that user (404 for any other). A view parses the
request, calls one service (``overview``, ``report``, ``crossplan``), renders; the numbers all
come from the service layer.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from plans import access, charts, selectors
from plans.models import Kpi
from plans.params import year_param
from plans.selectors import review as review_selectors
from staff import crossplan, overview, report
from staff.filters import KpiProgressFilterSet
from staff.tables import (
    EXPORT_FORMATS,
    KpiProgressTable,
    actual_text,
    export_table,
    export_urls,
    progress_rows,
)
from workbooks.safety import XLSX


def requested_year(request) -> int | None:
    return year_param(request.GET.get("year", ""))


class StaffDashboardMixin(LoginRequiredMixin):
    """Planners only (others go to the staff login, or get 403); the plans they may see."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.reads_dashboards(request.user):
            raise PermissionDenied(_("Dashboards and the report are for planners."))
        return super().dispatch(request, *args, **kwargs)

    def visible_plans(self):
        return access.dashboard_plans(self.request.user)

    def get_plan(self):
        return get_object_or_404(self.visible_plans().select_related("municipality"), slug=self.kwargs["slug"])


class DashboardIndexView(StaffDashboardMixin, TemplateView):
    """The plans the user may open, with links to their dashboards and reports."""

    template_name = "plans/dashboard/index.html"

    def get_context_data(self, **kwargs):
        plans = selectors.plan_list().filter(pk__in=self.visible_plans().values("pk"))
        return {**super().get_context_data(**kwargs), "plans": plans}


class PlanDashboardView(StaffDashboardMixin, TemplateView):
    """A plan in a year: each goal's numerical targets, the tallies per direction (computed
    beside printed), compact bars, and the plan's marks over the years."""

    template_name = "plans/dashboard/plan.html"

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        plan_overview = overview.plan_overview(plan, requested_year(self.request))
        fiscal = True
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "overview": plan_overview,
            "review": review_selectors.plan_review(plan.pk, plan_overview.year),
            "can_review": access.reviews_and_publishes(self.request.user),
            "marks_figure": charts.plan_marks_figure(plan_overview.marks_over_years, fiscal=fiscal),
            "marks_description": charts.describe_plan_marks(plan_overview.marks_over_years, fiscal=fiscal),
        }


class GoalDashboardView(StaffDashboardMixin, TemplateView):
    """A goal in a year: its numerical targets and every KPI under it in a sortable, filterable,
    paginated table that exports to CSV and Excel (``?_export=csv`` / ``xlsx``)."""

    template_name = "plans/dashboard/goal.html"
    others = False  # True: the KPIs under no goal (the plan's own, packages', projects')

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        export_format = request.GET.get("_export")
        if export_format in EXPORT_FORMATS:
            content, content_type = export_table(context["export_table"], export_format)
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{context["export_name"]}.{export_format}"'
            return response
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        plan_overview = overview.plan_overview(plan, requested_year(self.request))
        if self.others:
            goal, items, directions = None, plan_overview.others, []
        else:
            goal = plan_overview.goal(kwargs["number"])
            if goal is None:
                raise Http404
            items = goal.kpis
            directions = [(direction.code, direction.title) for direction in goal.directions]

        def url_for(item):
            return (
                reverse("dashboard:kpi", kwargs={"slug": plan.slug, "pk": item.kpi.id}) + f"?year={plan_overview.year}"
            )

        departments = sorted({item.kpi.department for item in items if item.kpi.department})
        filterset = KpiProgressFilterSet(
            self.request.GET or None,
            progress_rows(items, url_for),
            request=self.request,
            directions=directions,
            departments=departments,
        )
        rows = filterset.qs
        table = KpiProgressTable(list(rows))
        RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
        export = KpiProgressTable(list(rows))
        RequestConfig(self.request, paginate=False).configure(export)
        name = f"{plan.slug}-{'others' if goal is None else f'goal{goal.number}'}-{plan_overview.year}"
        context = {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "overview": plan_overview,
            "goal": goal,
            "filter": filterset,
            "table": table,
            "export_table": export,
            "export_name": name,
            "export_urls": export_urls(self.request.GET, plan_overview.year),
            "shown": len(rows),
            "total": len(items),
        }
        if goal is not None:
            context["marks_figure"] = charts.goal_marks_figure(goal)
            context["marks_description"] = charts.describe_goal_marks(goal)
        return context


class KpiDashboardView(StaffDashboardMixin, TemplateView):
    """One KPI: its chart (baseline, stated and interpolated targets, annotated actuals, trend),
    the same numbers as a table, and its standing in the year."""

    template_name = "plans/dashboard/kpi.html"

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        detail = overview.kpi_detail(plan, kwargs["pk"], requested_year(self.request))
        if detail is None:
            raise Http404
        kpi = detail.progress.kpi
        rows = [entry.row for entry in detail.series]  # its stored years (staff view): no rule runs
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "detail": detail,
            "kpi": kpi,
            "year_kind": "fiscal" if kpi.fiscal else "calendar",
            "actual_text": actual_text(detail.progress),
            "figure": charts.kpi_figure(kpi, rows),
            "description": charts.describe_kpi(kpi, rows),
        }


class KpiLineageView(StaffDashboardMixin, TemplateView):
    """A KPI followed across plans (第2期 → 第3期) as one time series."""

    template_name = "plans/dashboard/lineage.html"

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        if not Kpi.objects.filter(plan=plan, pk=kwargs["pk"]).exists():
            raise Http404
        visible = list(self.visible_plans().values_list("pk", flat=True))
        lineage = crossplan.kpi_lineage(kwargs["pk"], visible_plan_ids=visible)
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "lineage": lineage,
            "figure": charts.lineage_figure(lineage),
            "description": charts.describe_lineage(lineage),
        }


class RegionComparisonView(StaffDashboardMixin, TemplateView):
    """The same kind of KPI compared across the region's municipalities, side by side."""

    template_name = "plans/dashboard/region.html"

    def get_context_data(self, **kwargs):
        visible = list(self.visible_plans().values_list("pk", flat=True))
        comparisons = crossplan.regional_comparisons(visible_plan_ids=visible)
        items = [
            {
                "comparison": comparison,
                "figure": charts.comparison_figure(comparison),
                "description": charts.describe_comparison(comparison),
                "chart_id": f"compare-{comparison.key.replace(':', '-')}-{index}",
            }
            for index, comparison in enumerate(comparisons)
        ]
        return {**super().get_context_data(**kwargs), "comparisons": items}


class ReportView(StaffDashboardMixin, TemplateView):
    """The annual evaluation report: a printable page (A4 print CSS)."""

    template_name = "plans/dashboard/report.html"

    def get_report(self):
        plan = self.get_plan()
        return plan, report.evaluation_report(plan, requested_year(self.request))

    def get_context_data(self, **kwargs):
        plan, evaluation = self.get_report()
        marks, plan_scale, canonical = report.legend_lines(evaluation.scale)
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "report": evaluation,
            "legend": {"marks": marks, "plan_scale": plan_scale, "canonical": canonical},
        }


class ReportWorkbookView(ReportView):
    """The annual evaluation report as an Excel workbook."""

    def get(self, request, *args, **kwargs):
        plan, evaluation = self.get_report()
        response = HttpResponse(report.report_workbook(evaluation), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}-report-{evaluation.year}.xlsx"'
        return response


class ReportPdfView(ReportView):
    """The printable report as a PDF (WeasyPrint, Noto Sans CJK), for the review committee."""

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        html = render_to_string("plans/dashboard/report_pdf.html", context, request=request)
        pdf = report.report_pdf(html, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{context["plan"].slug}-report-{context["report"].year}.pdf"'
        )
        return response
