"""Reusable querysets with their joins and prefetches; no rules here."""

from django.db.models import Count, Prefetch, Q, QuerySet

from plans.choices import ActualStatus
from plans.models import Actual, Goal, Kpi, OfficialRating, Plan, PolicyDirection, PublishedYear, YearlyTarget


def plan_list() -> QuerySet[Plan]:
    """Plans with their municipality and the counts shown in lists."""
    return (
        Plan.objects.select_related("municipality")
        .annotate(
            goal_count=Count("goals", distinct=True),
            kpi_count=Count("kpis", distinct=True),
        )
        .order_by("municipality__code", "first_year", "slug")
    )


def visible_actuals(plan_id: int, *, public: bool = False) -> QuerySet[Actual]:
    """Actuals of a plan's KPIs; with ``public``, only those of the years a planner published."""
    actuals = Actual.objects.all()
    if public:
        actuals = actuals.filter(year__in=PublishedYear.objects.filter(plan_id=plan_id).values("year"))
    return actuals


def kpis_with_values(plan_id: int, *, public: bool = False) -> QuerySet[Kpi]:
    """A plan's KPIs with everything a rating needs, in four queries whatever their number."""
    return (
        Kpi.objects.filter(plan_id=plan_id)
        .select_related("department", "goal", "policy_direction__goal", "package", "project")
        .prefetch_related(
            Prefetch("yearly_targets", queryset=YearlyTarget.objects.order_by("year")),
            Prefetch("actuals", queryset=visible_actuals(plan_id, public=public).order_by("year")),
            Prefetch("official_ratings", queryset=OfficialRating.objects.order_by("kind", "year")),
        )
        .order_by("order", "id")
    )


def goals_with_directions(plan_id: int) -> QuerySet[Goal]:
    return Goal.objects.filter(plan_id=plan_id).prefetch_related(
        Prefetch("directions", queryset=PolicyDirection.objects.order_by("order", "id"))
    )


def measured_years(plan_id: int, *, public: bool = False) -> list[int]:
    """Years in which the plan has at least one measured actual, oldest first."""
    return sorted(
        visible_actuals(plan_id, public=public)
        .filter(kpi__plan_id=plan_id, status=ActualStatus.MEASURED)
        .order_by()  # the model's default ordering would add kpi_id to DISTINCT
        .values_list("year", flat=True)
        .distinct()
    )


def unreadable_kpis() -> Q:
    """KPIs whose baseline or target text is kept for attention: written, but not read as a value."""
    from plans.rules.notation import BLANK_MARKERS

    def unreadable(prefix: str) -> Q:
        return Q(**{f"{prefix}_value__isnull": True}) & ~Q(**{f"{prefix}_raw__in": list(BLANK_MARKERS)})

    return unreadable("baseline") | unreadable("target")
