"""Data calls (照会): planners ask departments for a year's actuals, follow each department's
answers on the call's board and remind the late ones (namespace ``calls``).

The pages are the planners'; a call's board shows the departments the planner reaches
(``selectors.data_calls.reachable_departments``: all of a plan its municipality leads, its own
in a regional plan led elsewhere). Every write is a POST through ``plans.services.data_calls``,
which checks the reach again. A department sees the calls that ask it on its staff home.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from plans import access
from plans.models import DataCall, Plan
from plans.params import year_param
from plans.rules.notation import format_year
from plans.rules.years import MAX_YEAR, MIN_YEAR
from plans.selectors.data_calls import call_board, callable_plans, calls_of, reachable_departments
from plans.services import data_calls
from plans.services.actuals import default_entry_year
from staff.entry import StaffRequiredMixin

DEFAULT_DAYS_TO_ANSWER = 30
MESSAGE_CHARS = 2_000


class PlannerRequiredMixin(StaffRequiredMixin):
    """Planners (企画担当) only; others with a staff role get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and access.PLANNER not in access.roles_of(request.user):
            raise PermissionDenied("照会は企画担当の画面です。")
        return super().dispatch(request, *args, **kwargs)


def _reachable_plan(user, slug: str) -> tuple[Plan, list, bool]:
    """The plan of ``slug``, the departments the planner follows in it and whether its
    municipality leads the plan; 404 when it follows none."""
    plan = get_object_or_404(Plan, slug=slug)
    leads = access.can_change_plan(user, plan)
    departments = list(
        reachable_departments(user, plan, leads=leads)
        .select_related("municipality")
        .order_by("municipality__code", "name")
    )
    if not departments:
        raise Http404
    return plan, departments, leads


def _call(user, slug: str, year) -> tuple[DataCall, list, bool]:
    """The call of ``slug`` and ``year``, the departments the planner follows and whether it
    leads the plan; 404 otherwise."""
    year = year_param(year)
    if year is None:
        raise Http404
    plan, departments, leads = _reachable_plan(user, slug)
    call = get_object_or_404(DataCall, plan=plan, year=year)
    call.plan = plan
    return call, departments, leads


def board_url(call: DataCall) -> str:
    return reverse("calls:board", kwargs={"slug": call.plan.slug, "year": call.year})


class CallOpenForm(forms.Form):
    """The year, the message and one default deadline; per department whether to ask it and,
    when it differs, its own deadline."""

    year = forms.IntegerField(label="年度（西暦）", min_value=MIN_YEAR, max_value=MAX_YEAR)
    message = forms.CharField(
        label="担当課へのメッセージ", max_length=MESSAGE_CHARS, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = forms.DateField(label="締切（既定）", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = list(departments)
        for department in self.departments:
            self.fields[f"ask-{department.pk}"] = forms.BooleanField(
                label=f"{department.name}（{department.municipality.name}）", required=False, initial=True
            )
            self.fields[f"deadline-{department.pk}"] = forms.DateField(
                label=f"{department.name}の締切（空欄は既定）",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def department_fields(self):
        return [
            (department, self[f"ask-{department.pk}"], self[f"deadline-{department.pk}"])
            for department in self.departments
        ]

    def deadlines(self) -> dict:
        """Department id → deadline, for the departments ticked."""
        default = self.cleaned_data["deadline"]
        return {
            department.pk: self.cleaned_data[f"deadline-{department.pk}"] or default
            for department in self.departments
            if self.cleaned_data[f"ask-{department.pk}"]
        }


class CallListView(PlannerRequiredMixin, View):
    """Every call of the plans the planner may see (open first), and the plans to open one for."""

    def get(self, request):
        title = "照会（実績の提出依頼）"
        return TemplateResponse(
            request,
            "staff/calls/index.html",
            {
                "page_title": title,
                "breadcrumbs": [("職員ホーム", reverse("staff:home")), (title, None)],
                "calls": calls_of(request.user),
                "plans": callable_plans(request.user)
                .select_related("municipality")
                .order_by("municipality__code", "first_year", "slug"),
                "year": default_entry_year(),
            },
        )


class CallOpenView(PlannerRequiredMixin, View):
    """Open a call for a plan: the year (default the usual entry year), a message and deadlines."""

    def _render(self, request, plan, form, status=200):
        title = f"{plan.title}の照会を開く"
        return TemplateResponse(
            request,
            "staff/calls/open.html",
            {
                "page_title": title,
                "breadcrumbs": [
                    ("職員ホーム", reverse("staff:home")),
                    ("照会", reverse("calls:index")),
                    (title, None),
                ],
                "plan": plan,
                "form": form,
            },
            status=status,
        )

    def get(self, request, slug):
        plan, departments, _leads = _reachable_plan(request.user, slug)
        initial = {
            "year": default_entry_year(),
            "deadline": timezone.localdate() + timedelta(days=DEFAULT_DAYS_TO_ANSWER),
        }
        return self._render(request, plan, CallOpenForm(initial=initial, departments=departments))

    def post(self, request, slug):
        plan, departments, _leads = _reachable_plan(request.user, slug)
        form = CallOpenForm(request.POST, departments=departments)
        if not form.is_valid():
            return self._render(request, plan, form, status=400)
        year = form.cleaned_data["year"]
        try:
            call = data_calls.open_call(
                request.user, plan, year, message=form.cleaned_data["message"], deadlines=form.deadlines()
            )
        except data_calls.CallRefused as refusal:
            form.add_error(None, str(refusal))
            return self._render(request, plan, form, status=400)
        messages.success(request, f"{plan.title}の{format_year(year)}の照会を開きました。")
        return redirect(board_url(call))


class CallBoardView(PlannerRequiredMixin, View):
    """The planner's board of a call: each department's KPIs, entered, 集計中, missing, submitted,
    approved, its deadline and days left or late, the last reminder and 「今すぐ督促」. Queries do
    not grow with departments or KPIs (``selectors.data_calls.call_board``)."""

    def get(self, request, slug, year):
        call, departments, leads = _call(request.user, slug, year)
        rows = call_board(call, [department.pk for department in departments])
        title = f"{call.plan.title} {format_year(call.year)}の照会"
        return TemplateResponse(
            request,
            "staff/calls/board.html",
            {
                "page_title": title,
                "breadcrumbs": [
                    ("職員ホーム", reverse("staff:home")),
                    ("照会", reverse("calls:index")),
                    (title, None),
                ],
                "call": call,
                "rows": rows,
                "today": timezone.localdate(),
                "may_close": call.closed_at is None and leads,
                "totals": {
                    name: sum(getattr(row.counts, name) for row in rows)
                    for name in ("owned", "entered", "pending", "missing", "submitted", "approved")
                },
            },
        )


class CallRemindView(PlannerRequiredMixin, View):
    """「今すぐ督促」: e-mail one department of the call now (POST), at most once a day."""

    def post(self, request, slug, year, department):
        call, _departments, _leads = _call(request.user, slug, year)
        try:
            reminder = data_calls.remind_now(request.user, call, department)
        except data_calls.CallRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(board_url(call))
        name = reminder.department.name
        if reminder.outcome == data_calls.SENT:
            messages.success(
                request, f"{name}に督促メールを送りました（{len(reminder.recipients)}人、未入力{reminder.missing}件）。"
            )
        elif reminder.outcome == data_calls.ALREADY_SENT:
            messages.warning(request, f"{name}には本日すでに督促を送っています。督促は1日1回までです。")
        elif reminder.outcome == data_calls.NOTHING_MISSING:
            messages.info(request, f"{name}には未入力の指標がないため、督促しませんでした。")
        else:
            messages.error(request, f"{name}にはメールアドレスのある職員がいないため、督促できませんでした。")
        return redirect(board_url(call))


class CallCloseView(PlannerRequiredMixin, View):
    """Close the call (POST): departments no longer see it and reminders stop."""

    def post(self, request, slug, year):
        call, _departments, _leads = _call(request.user, slug, year)
        try:
            data_calls.close_call(request.user, call)
        except data_calls.CallRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"{call.plan.title}の{format_year(call.year)}の照会を締め切りました。")
        return redirect(board_url(call))
