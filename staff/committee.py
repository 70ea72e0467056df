"""The committee page of a plan's year and the KPI見直し page of a KPI (namespace ``committee``).

Who reads: planners and the committee members (外部委員) of the plan's municipality, the plans
``access.dashboard_plans`` gives them (404 for any other plan). Who writes: a committee member its
comments (``services.committee.add_comment``), a planner of the plan the evaluation text
(``save_evaluation``) and target revisions (``services.targets.revise_target``); each service
checks the permission again. Writes are POST only, behind CSRF, and redirect back to the page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from plans import access
from plans.choices import TargetField
from plans.models import Goal, Kpi
from plans.params import year_param
from plans.rules.years import MAX_YEAR, MIN_YEAR
from plans.selectors.committee import kpi_revisions, plan_year_goals
from plans.services import committee, targets
from plans.services.actuals import default_entry_year

FIELD_LABELS = {TargetField.TARGET: "目標値", TargetField.BASELINE: "基準値"}


class CommentForm(forms.Form):
    text = forms.CharField(label="意見", max_length=committee.TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 4}))


class EvaluationForm(forms.Form):
    text = forms.CharField(label="評価", max_length=committee.TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 6}))
    seen_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class RevisionForm(forms.Form):
    field = forms.ChoiceField(label="見直す項目", choices=list(FIELD_LABELS.items()))
    new_text = forms.CharField(
        label="新しい値", max_length=200, help_text="KPIの単位で入力してください（例: 1,200人）。"
    )
    new_year = forms.IntegerField(
        label="新しい目標年度（基準年度）",
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text="西暦で入力。空欄なら今の年度のままです。",
    )
    effective_from_year = forms.IntegerField(
        label="適用開始年度",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text="この年度から新しい値で評価します（西暦）。",
    )
    revised_on = forms.DateField(label="見直しの日付", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="見直しの理由", max_length=targets.REASON_CHARS, widget=forms.Textarea(attrs={"rows": 4})
    )


class CommitteeReaderMixin(LoginRequiredMixin):
    """Planners and committee members (others go to the staff login, or get 403); the plans whose
    dashboards they read (404 for any other)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.reads_dashboards(request.user):
            raise PermissionDenied("この画面は企画担当と外部委員のためのものです。")
        return super().dispatch(request, *args, **kwargs)

    def get_plan(self):
        plans = access.dashboard_plans(self.request.user).select_related("municipality")
        return get_object_or_404(plans, slug=self.kwargs["slug"])

    def get_year(self, plan) -> int:
        year = year_param(self.kwargs["year"])
        if year is None or not plan.first_year <= year <= plan.last_year:
            raise Http404
        return year

    def get_goal(self, plan) -> Goal:
        return get_object_or_404(Goal.objects.select_related("plan"), plan=plan, number=self.kwargs["number"])


def default_year(plan) -> int:
    """The year a committee reviews first: the fiscal year just ended, within the plan's years."""
    return min(max(default_entry_year(), plan.first_year), plan.last_year)


class CommitteeIndexView(CommitteeReaderMixin, TemplateView):
    """The plans whose committee pages the login may open."""

    template_name = "staff/committee/index.html"

    def get_context_data(self, **kwargs):
        plans = access.dashboard_plans(self.request.user).select_related("municipality")
        rows = [(plan, default_year(plan)) for plan in plans.order_by("municipality__code", "first_year", "slug")]
        return {**super().get_context_data(**kwargs), "rows": rows}


class PlanYearView(CommitteeReaderMixin, TemplateView):
    """A plan's year: each goal with the committee's comments and the planner's evaluation (the
    version in force and the earlier ones), and the forms its reader may use."""

    template_name = "staff/committee/plan_year.html"

    def get(self, request, *args, **kwargs):
        plan = self.get_plan()
        year = year_param(self.kwargs["year"])
        if year is not None and not plan.first_year <= year <= plan.last_year:  # a dashboard's year
            nearest = min(max(year, plan.first_year), plan.last_year)
            return redirect("committee:plan-year", slug=plan.slug, year=nearest)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        year = self.get_year(plan)
        user = self.request.user
        goals = plan_year_goals(plan.pk, year)
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "year": year,
            "years": range(plan.first_year, plan.last_year + 1),
            "goals": [
                (
                    item,
                    EvaluationForm(
                        initial={
                            "text": item.evaluation.text if item.evaluation else "",
                            "seen_version": item.evaluation.version if item.evaluation else None,
                        },
                        prefix=f"goal-{item.goal.number}",
                    ),
                )
                for item in goals
            ],
            "comment_form": CommentForm(),
            "may_comment": access.can_comment(user, plan),
            "may_evaluate": access.can_change_plan(user, plan),
        }


class CommentView(CommitteeReaderMixin, View):
    """A committee member's comment on a goal's year (POST only)."""

    def post(self, request, slug, year, number):
        plan = self.get_plan()
        year = self.get_year(plan)
        goal = self.get_goal(plan)
        if not access.can_comment(request.user, plan):
            raise PermissionDenied("この計画に意見を書けるのは、この市町村の外部委員だけです。")
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "意見を入力してください（4,000字以内）。")
        else:
            try:
                committee.add_comment(request.user, goal, year, form.cleaned_data["text"])
            except committee.CommitteeRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, f"基本目標{goal.number}への意見を保存しました。")
        return redirect(_goal_anchor(plan, year, goal))


class EvaluationView(CommitteeReaderMixin, View):
    """The planner's evaluation text of a goal's year, as a new version (POST only)."""

    def post(self, request, slug, year, number):
        plan = self.get_plan()
        year = self.get_year(plan)
        goal = self.get_goal(plan)
        if not access.can_change_plan(request.user, plan):
            raise PermissionDenied("評価を書けるのは、この計画の企画担当だけです。")
        form = EvaluationForm(request.POST, prefix=f"goal-{goal.number}")
        if not form.is_valid():
            messages.error(request, "評価を入力してください（4,000字以内）。")
        else:
            try:
                saved = committee.save_evaluation(
                    request.user, goal, year, form.cleaned_data["text"], seen_version=form.cleaned_data["seen_version"]
                )
            except committee.CommitteeRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, f"基本目標{goal.number}の評価を保存しました（第{saved.version}版）。")
        return redirect(_goal_anchor(plan, year, goal))


def _goal_anchor(plan, year: int, goal: Goal) -> str:
    return reverse("committee:plan-year", kwargs={"slug": plan.slug, "year": year}) + f"#goal-{goal.number}"


class KpiRevisionView(CommitteeReaderMixin, TemplateView):
    """KPI見直し: a KPI's target and baseline now, every revision (before → after, from which year,
    why, who), and for a planner of the plan the form to revise them."""

    template_name = "staff/committee/kpi_revisions.html"

    def get_kpi(self) -> Kpi:
        readable = Kpi.objects.filter(plan__in=access.dashboard_plans(self.request.user).values("pk"))
        return get_object_or_404(readable.select_related("plan", "department"), pk=self.kwargs["kpi"])

    def get_context_data(self, form=None, **kwargs):
        kpi = self.get_kpi()
        may_revise = access.can_change_plan(self.request.user, kpi.plan)
        return {
            **super().get_context_data(**kwargs),
            "kpi": kpi,
            "plan": kpi.plan,
            "revisions": kpi_revisions(kpi.pk),
            "may_revise": may_revise,
            "form": form if form is not None else (RevisionForm() if may_revise else None),
        }

    def post(self, request, kpi):
        kpi = self.get_kpi()
        if not access.can_change_plan(request.user, kpi.plan):
            raise PermissionDenied("目標を見直せるのは、この計画の企画担当だけです。")
        form = RevisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                targets.revise_target(
                    request.user,
                    kpi,
                    data["field"],
                    data["new_text"],
                    data["effective_from_year"],
                    data["revised_on"],
                    data["reason"],
                    new_year=data["new_year"],
                )
            except targets.RevisionRefused as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"「{kpi.name}」の{FIELD_LABELS[data['field']]}を見直しました。")
                return redirect("committee:kpi-revisions", kpi=kpi.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
