"""The review chain's staff pages: a department submits its values (提出), a planner approves or
returns them (the review queue), evidence is added and served to those who may see the KPI.

Views read through ``plans.selectors.review`` and write through ``plans.services.review``; every
permission is checked again in the service (``plans.access``). A page that names another
department's or another municipality's object answers 404, as if it did not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from plans import access
from plans.choices import ReviewState
from plans.models import Department, Evidence
from plans.params import id_param, year_param
from plans.rules.years import format_year
from plans.selectors import review as reads
from plans.services import review
from plans.services.actuals import default_entry_year
from staff.entry import StaffRequiredMixin


def _ids(request) -> list[int]:
    """The reported values ticked in a form (ids that do not read as ids are dropped)."""
    return [value for value in (id_param(raw) for raw in request.POST.getlist("reported")) if value is not None]


def _refusal(error: Exception) -> str:
    return str(error) if str(error) else "この操作は許可されていません。"


def locked_messages(items, year: int) -> list[str]:
    """Why some of these values cannot change now (their year is published), once each."""
    pairs = {(item.reported.kpi.plan_id, year) for item in items}
    return sorted(set(review.locked_years(pairs).values()))


class SubmitView(StaffRequiredMixin, View):
    """A department's values for a year: their review state and history, evidence, and the
    submission with the self-assessment (達成できたこと / 達成できなかったこと / 今後の方向性)."""

    template_name = "staff/review/submit.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.year = year_param(kwargs["year"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        if self.year is None:
            raise Http404
        self.department = get_object_or_404(Department.objects.select_related("municipality"), pk=kwargs["department"])
        if not reads.may_report_for(request.user, self.department.pk):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        items = reads.department_reported(request.user, self.department.pk, self.year)
        title = f"{self.department.name} {format_year(self.year)} の提出"
        return TemplateResponse(
            request,
            self.template_name,
            {
                "page_title": title,
                "department": self.department,
                "year": self.year,
                "year_label": format_year(self.year),
                "items": items,
                "submittable": [item for item in items if item.reported.state in review.SUBMITTABLE],
                "locked": sorted(
                    set(review.locked_years({(item.reported.kpi.plan_id, self.year) for item in items}).values())
                ),
                "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
                "extensions": ", ".join(settings.EVIDENCE_EXTENSIONS),
            },
        )

    def post(self, request, *args, **kwargs):
        ids = _ids(request)
        try:
            count = review.submit(
                request.user,
                ids,
                request.POST.get("achieved_text", ""),
                request.POST.get("shortfall_text", ""),
                request.POST.get("next_steps_text", ""),
            )
        except (review.ReviewRefused, PermissionDenied) as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, f"{count}件の実績を提出しました。企画担当の確認をお待ちください。")
        return redirect("review:submit", department=self.department.pk, year=self.year)


class QueueView(StaffRequiredMixin, View):
    """The planners' review queue: submitted values of the plans they lead, those with warnings
    first, each with its unit, earlier official actuals, warnings, self-assessment, evidence and
    history; approve or return one, or approve several at once. Department staff are sent to
    their department's 提出 page."""

    template_name = "staff/review/queue.html"

    def get(self, request):
        if not access.reviews_and_publishes(request.user):
            # Department staff: their own department's 提出 page for the year usually entered.
            departments = access.department_ids_of(request.user)
            if not departments:
                raise PermissionDenied
            return redirect("review:submit", department=min(departments), year=default_entry_year())
        year = year_param(request.GET.get("year", "")) if request.GET.get("year") else None
        items = reads.review_queue(request.user, year)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "page_title": "実績の確認（承認・差し戻し）",
                "items": items,
                "year": year,
                "counts": reads.queue_counts(request.user),
                "states": ReviewState,
                "years": list(range(default_entry_year() - 4, default_entry_year() + 2)),
            },
        )


class DecideView(StaffRequiredMixin, View):
    """A planner approves or returns (with a comment) the values ticked in the queue; all or
    nothing, the service checks the permission and the state of each value."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.reviews_and_publishes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request):
        action = request.POST.get("action")
        if action not in ("approve", "return"):
            return HttpResponseBadRequest("承認か差し戻しを選んでください。")
        ids = _ids(request)
        comment = request.POST.get("comment", "")
        try:
            if action == "approve":
                count = review.approve(request.user, ids, comment=comment)
                messages.success(request, f"{count}件の実績を承認しました。公式の実績に反映されました。")
            else:
                count = review.return_values(request.user, ids, comment)
                messages.success(request, f"{count}件の実績を差し戻しました。")
        except (review.ReviewRefused, PermissionDenied) as error:
            messages.error(request, _refusal(error))
        url = reverse("review:queue")
        year = year_param(request.POST.get("year", ""))
        return redirect(f"{url}?year={year}" if year else url)


class EvidenceView(StaffRequiredMixin, View):
    """A reported value's evidence: GET ``?id=`` serves a file to a login that may read the KPI
    (never through a public media URL); POST adds a file or a link (those who may enter it)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        year = year_param(kwargs["year"])
        self.reported = reads.reported_for_kpi(request.user, kwargs["kpi"], year) if year else None
        if self.reported is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        evidence_id = id_param(request.GET.get("id", ""))
        evidence = get_object_or_404(Evidence, pk=evidence_id or 0, reported=self.reported)
        if not evidence.file:
            raise Http404
        response = FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.file_name or evidence.file.name.rsplit("/", 1)[-1],
            content_type=evidence.content_type or "application/octet-stream",
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def post(self, request, *args, **kwargs):
        try:
            review.add_evidence(
                request.user,
                self.reported,
                file=request.FILES.get("file"),
                url=request.POST.get("url", ""),
                description=request.POST.get("description", ""),
            )
        except (review.ReviewRefused, PermissionDenied) as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, "根拠資料を添付しました。")
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
            return redirect(target)
        return redirect("review:queue" if access.reviews_and_publishes(request.user) else "entry:home")
