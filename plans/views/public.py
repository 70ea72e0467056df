"""Public progress pages: no login, read-only, only published data."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView

from plans import selectors
from plans.models import Goal, Plan
from plans.services.progress import plan_progress, plan_tallies


class PlanListView(ListView):
    """Home: the municipalities' plans."""

    template_name = "plans/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return selectors.plan_list()


class PlanDetailView(TemplateView):
    """A plan: its goals with their tallies for the year."""

    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=kwargs["slug"])
        year = self.request.GET.get("year")
        tallies = plan_tallies(plan.pk, int(year) if year and year.isdigit() else None, public=True)
        return {**super().get_context_data(**kwargs), "plan": plan, "tallies": tallies}


class GoalDetailView(TemplateView):
    """A goal: its numerical targets and KPIs for the year."""

    template_name = "plans/goal_detail.html"

    def get_context_data(self, **kwargs):
        goal = get_object_or_404(
            Goal.objects.select_related("plan__municipality"), plan__slug=kwargs["slug"], number=kwargs["number"]
        )
        progress = plan_progress(goal.plan_id, public=True)
        rows = [item for item in progress.kpis if item.kpi.goal_number == goal.number]
        return {**super().get_context_data(**kwargs), "plan": goal.plan, "goal": goal, "progress": progress, "rows": rows}
