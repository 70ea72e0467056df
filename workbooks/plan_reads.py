"""A plan read for export: the queries the plan workbook, the plan JSON document and open data share.

Each returns a queryset or an object with what an export needs prefetched, so every export reads
a plan in a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Prefetch

from plans import selectors
from plans.models import Kpi, PackageListing, Plan, PolicyDirection, Project


def load_plan(slug: str) -> Plan:
    """The plan by slug, with its municipality, predecessor, partners and rating labels."""
    return (
        Plan.objects.select_related("municipality", "predecessor")
        .prefetch_related("partners", "rating_labels")
        .get(slug=slug)
    )


def plan_projects(plan: Plan):
    """A plan's projects in order, with their directions, municipalities, departments and listings."""
    return (
        Project.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("directions", queryset=PolicyDirection.objects.order_by("order", "id")),
            "municipalities",
            "departments",
            Prefetch("listings", queryset=PackageListing.objects.select_related("package").order_by("package__number")),
        )
        .order_by("order", "id")
    )


def plan_kpis(plan: Plan, *, public: bool = False):
    """A plan's KPIs with their values; with ``public`` only the actuals of published years."""
    return (
        Kpi.objects.filter(plan=plan)
        .select_related("goal", "policy_direction", "package", "project", "department", "predecessor")
        .prefetch_related(
            "yearly_targets",
            Prefetch("actuals", queryset=selectors.visible_actuals(plan.pk, public=public).order_by("year")),
            "official_ratings",
        )
        .order_by("order", "id")
    )


def attachment_code(kpi: Kpi) -> str:
    """What a KPI hangs on (its "of"): the goal or package number, or the direction or project code."""
    if kpi.level == "goal":
        return str(kpi.goal.number)
    if kpi.level == "direction":
        return kpi.policy_direction.code
    if kpi.level == "package":
        return str(kpi.package.number)
    if kpi.level == "project":
        return kpi.project.code
    return ""
