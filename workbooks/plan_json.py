"""The plan JSON document: what ``export_plan --format json`` prints and the public API serves.

Its field names are a public interface. It reads the plan in a fixed number of queries
(``workbooks.plan_reads``) and takes marks and outlooks from the progress services.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch

from plans.choices import ActualStatus
from plans.models import Goal, OfficialRating, PolicyDirection
from plans.selectors.progress import plan_progress, plan_stored_progress
from workbooks.plan_reads import attachment_code, load_plan, plan_kpis, plan_projects


def json_number(value: Decimal | None):
    """A Decimal as a JSON number (int when whole), or None."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral() else float(value)


def stored_mark(stored, kpi_id: int, year: int) -> str:
    """The mark stored for a KPI's year ("-" when none is stored)."""
    row = stored.get(kpi_id, {}).get(year)
    return row.mark if row is not None else "-"


def plan_document(slug: str, *, public: bool = False) -> dict:
    """The plan as JSON (see the seed-plans issue for the field names, which must not change).

    With ``public`` only the actuals of published years are in it, and marks, outlooks and the
    evaluation year are computed from those alone (what the public pages and the API show).
    """
    plan = load_plan(slug)
    progress = plan_progress(plan.pk, public=public)
    by_id = {item.kpi.id: item for item in progress.kpis}
    stored = plan_stored_progress(plan.pk, public=public)  # each actual's stored mark
    goals = list(
        Goal.objects.filter(plan=plan).prefetch_related(
            Prefetch("directions", queryset=PolicyDirection.objects.order_by("order", "id"))
        )
    )
    projects = list(plan_projects(plan))
    kpis = list(plan_kpis(plan, public=public))
    latest_official = {}
    for kpi in kpis:
        outlooks = [rating for rating in kpi.official_ratings.all() if rating.kind == "outlook"]
        latest_official[kpi.pk] = max(outlooks, key=lambda rating: rating.year) if outlooks else None
    document = {
        "slug": plan.slug,
        "title": plan.title,
        "kind": plan.kind,
        "municipality": plan.municipality.name,
        "municipality_code": plan.municipality.code,
        "partners": [{"name": town.name, "code": town.code} for town in plan.partners.all()],
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "revised": plan.revised_label or None,
        "predecessor": plan.predecessor.slug if plan.predecessor_id else None,
        "report_year": plan.report_year,
        "evaluation_year": progress.year,
        "rating_scale": [
            {"label": label.label, "meaning": label.meaning, "canonical": list(label.canonical)}
            for label in plan.rating_labels.all()
        ],
        "counts": {
            "goals": len(goals),
            "directions": sum(len(goal.directions.all()) for goal in goals),
            "projects": len(projects),
            "kpis": len(kpis),
            "actuals": sum(1 for kpi in kpis for actual in kpi.actuals.all() if actual.status == ActualStatus.MEASURED),
        },
        "goals": [
            {
                "number": goal.number,
                "kind_label": goal.kind_label,
                "title": goal.title,
                "basic_direction": goal.basic_direction,
                "directions": [
                    {
                        "code": direction.code,
                        "title": direction.title,
                        "summary": direction.summary,
                        "group": direction.group,
                    }
                    for direction in goal.directions.all()
                ],
            }
            for goal in goals
        ],
        "packages": [
            {"number": package.number, "title": package.title} for package in plan.packages.order_by("number")
        ],
        "projects": [
            {
                "code": project.code,
                "title": project.title,
                "directions": [direction.code for direction in project.directions.all()],
                "packages": [
                    {"number": listing.package.number, "repeat": listing.is_repeat}
                    for listing in project.listings.all()
                ],
                "municipalities": [town.name for town in project.municipalities.all()],
                "departments": [department.name for department in project.departments.all()],
            }
            for project in projects
        ],
        "kpis": [],
    }
    for kpi in kpis:
        item = by_id[kpi.pk]
        official: OfficialRating | None = latest_official[kpi.pk]
        document["kpis"].append(
            {
                "id": kpi.pk,
                "code": kpi.code,
                "name": kpi.name,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "level": kpi.level,
                "of": attachment_code(kpi),
                "numerical_target": kpi.is_numerical_target,
                "cumulative": kpi.is_cumulative,
                "year_kind": kpi.year_kind,
                "department": kpi.department.name if kpi.department_id else None,
                "baseline": {
                    "year": kpi.baseline_year,
                    "year_assumed": kpi.baseline_year_assumed,
                    "value": json_number(kpi.baseline_value),
                    "raw": kpi.baseline_raw,
                },
                "target": {
                    "year": kpi.target_year,
                    "value": json_number(kpi.target_value),
                    "raw": kpi.target_raw,
                    "at_least": kpi.target_at_least,
                },
                "total_years": kpi.total_years,
                "yearly_targets": [
                    {"year": target.year, "value": json_number(target.value), "raw": target.raw}
                    for target in kpi.yearly_targets.all()
                ],
                "actuals": [
                    {
                        "year": actual.year,
                        "value": json_number(actual.value),
                        "raw": actual.raw,
                        "status": actual.status,
                        "preliminary": actual.is_preliminary,
                        "note": actual.note,
                        "mark": stored_mark(stored, kpi.pk, actual.year),
                    }
                    for actual in kpi.actuals.all()
                ],
                "outlook": item.outlook,
                "official_rating": official.label if official else None,
                "official_rating_year": official.year if official else None,
                "official_marks": [
                    {"year": rating.year, "label": rating.label}
                    for rating in kpi.official_ratings.all()
                    if rating.kind == "mark"
                ],
                "predecessor": (
                    {
                        "plan": plan.predecessor.slug,
                        "code": kpi.predecessor.code,
                        "link": kpi.predecessor_link,
                        "label": kpi.predecessor_label,
                    }
                    if kpi.predecessor_id
                    else None
                ),
                "dropped_in_next_plan": kpi.dropped_in_next_plan,
            }
        )
    return document
