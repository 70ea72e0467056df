"""Reads of the committee page and the KPI見直し page: a plan-year's goals with the committee's
comments and the planner's evaluation (with its earlier versions), and a KPI's target revisions.

A fixed number of queries whatever the number of goals, comments or versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from plans.models import CommitteeComment, Goal, GoalEvaluation, TargetRevision


@dataclass(frozen=True)
class EvaluationVersion:
    """One saved version of a goal's evaluation text: what it said, who saved it, when."""

    version: int
    text: str
    saved_by: str
    saved_at: object


@dataclass
class GoalYear:
    """A goal in a year: the committee's comments, the evaluation in force, its earlier versions."""

    goal: Goal
    comments: list[CommitteeComment]
    evaluation: GoalEvaluation | None
    earlier_versions: list[EvaluationVersion] = field(default_factory=list)


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def plan_year_goals(plan_id: int, year: int) -> list[GoalYear]:
    """Every goal of a plan with its comments and evaluation of ``year`` (four queries: goals,
    comments, evaluations, the evaluations' history with who saved each version)."""
    goals = (
        Goal.objects.filter(plan_id=plan_id)
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "committee_comments",
                queryset=CommitteeComment.objects.filter(year=year)
                .select_related("author")
                .order_by("created_at", "id"),
                to_attr="year_comments",
            ),
            Prefetch(
                "evaluations",
                queryset=GoalEvaluation.objects.filter(year=year).select_related("updated_by"),
                to_attr="year_evaluations",
            ),
        )
    )
    goals = list(goals)
    history = (
        GoalEvaluation.history.filter(goal_id__in=[goal.pk for goal in goals], year=year)
        .select_related("history_user")
        .order_by("goal_id", "-version", "-history_date")
    )
    earlier: dict[int, list[EvaluationVersion]] = {}
    current_versions = {goal.pk: goal.year_evaluations[0].version for goal in goals if goal.year_evaluations}
    for row in history:
        if row.history_type == "-" or row.version >= current_versions.get(row.goal_id, 0):
            continue  # the version in force is shown as such; a deletion is no version
        versions = earlier.setdefault(row.goal_id, [])
        if versions and versions[-1].version == row.version:
            continue  # one row a version: the latest save of it
        versions.append(EvaluationVersion(row.version, row.text, _who(row.history_user), row.history_date))
    return [
        GoalYear(
            goal=goal,
            comments=goal.year_comments,
            evaluation=goal.year_evaluations[0] if goal.year_evaluations else None,
            earlier_versions=earlier.get(goal.pk, []),
        )
        for goal in goals
    ]


def kpi_revisions(kpi_id: int) -> QuerySet[TargetRevision]:
    """Every revision of a KPI's target or baseline, in the order they were made (one query)."""
    return TargetRevision.objects.filter(kpi_id=kpi_id).select_related("revised_by").order_by("revised_on", "id")
