"""A plan out of the database as plan-workbook rows (for .xlsx); the JSON document is in ``plan_json``.

The rows are read in a fixed number of queries (``workbooks.plan_reads``). ``plan_document``,
``json_number``, ``stored_mark`` and ``attachment_code`` stay importable from here.
"""

from __future__ import annotations

from plans.choices import ActualStatus
from plans.models import PackageListing, PrintedTally, ProjectBudget, ProjectReview, PublishedYear
from plans.rules import notation
from workbooks import schema
from workbooks.plan_json import json_number, plan_document, stored_mark
from workbooks.plan_reads import attachment_code, load_plan, plan_kpis, plan_projects

__all__ = ["attachment_code", "json_number", "plan_document", "plan_rows", "stored_mark", "year_text"]

SEP = "、"


def year_text(year: int | None, *, fiscal: bool = True) -> str:
    """2025 -> `R7年度` (or `R7年`): how the workbook writes a year."""
    return "" if year is None else notation.format_era_year(year, fiscal=fiscal)


def _readable(text: str, *, target: bool = False) -> bool:
    try:
        notation.parse_target(text) if target else notation.parse_value(text)
    except ValueError:
        return False
    return True


def _yes(flag: bool) -> str:
    return "○" if flag else ""


def plan_rows(slug: str, *, public: bool = False) -> dict:
    """The plan-workbook rows of a stored plan (the inverse of ``imports.validate_plan_rows``).

    With ``public``, the actuals and project reviews of unpublished years are left out.
    """
    plan = load_plan(slug)
    rows: dict = {
        "plan": {
            "slug": plan.slug,
            "title": plan.title,
            "kind": schema.word_for(schema.KIND_WORDS, plan.kind),
            "municipality": plan.municipality.name,
            "partners": SEP.join(town.name for town in plan.partners.all()),
            "first_year": year_text(plan.first_year),
            "last_year": year_text(plan.last_year),
            "revised": plan.revised_label,
            "predecessor": plan.predecessor.slug if plan.predecessor_id else "",
            "report_year": year_text(plan.report_year),
            "source": plan.source_document,
            "note": plan.note,
        },
        "rating_scale": [
            {"label": label.label, "meaning": label.meaning, "canonical": ",".join(label.canonical)}
            for label in plan.rating_labels.all()
        ],
    }
    goals = list(plan.goals.order_by("number"))
    rows["goals"] = [
        {
            "number": str(goal.number),
            "kind_label": goal.kind_label,
            "title": goal.title,
            "basic_direction": goal.basic_direction,
            "aim": goal.aim,
        }
        for goal in goals
    ]
    goal_numbers = {goal.pk: goal.number for goal in goals}
    rows["directions"] = [
        {
            "code": direction.code,
            "goal": str(goal_numbers[direction.goal_id]),
            "title": direction.title,
            "summary": direction.summary,
            "group": direction.group,
        }
        for direction in plan.directions.order_by("order", "id")
    ]
    rows["packages"] = [
        {"number": str(package.number), "title": package.title, "summary": package.summary}
        for package in plan.packages.order_by("number")
    ]
    projects = list(plan_projects(plan))
    rows["projects"] = [
        {
            "code": project.code,
            "title": project.title,
            "group": project.group,
            "directions": SEP.join(direction.code for direction in project.directions.all()),
            "purpose": project.purpose,
            "main_actions": project.main_actions,
            "lead_role": project.lead_role,
            "partner_role": project.partner_role,
            "municipalities": SEP.join(town.name for town in project.municipalities.all()),
            "departments": SEP.join(department.name for department in project.departments.all()),
            "sections": project.sections,
            "note": project.note,
        }
        for project in projects
    ]
    project_codes = {project.pk: project.code for project in projects}
    rows["listings"] = [
        {"package": str(listing.package.number), "project": listing.project.code, "repeat": _yes(listing.is_repeat)}
        for listing in PackageListing.objects.filter(package__plan=plan)
        .select_related("package", "project")
        .order_by("order", "id")
    ]
    rows["budgets"] = [
        {"project": project_codes[budget.project_id], "year": year_text(budget.year), "amount": budget.amount_raw}
        for budget in ProjectBudget.objects.filter(project__plan=plan).order_by("project__order", "project_id", "year")
    ]
    reviews = ProjectReview.objects.filter(project__plan=plan)
    if public:
        reviews = reviews.filter(year__in=PublishedYear.objects.filter(plan=plan).values("year"))
    rows["reviews"] = [
        {
            "project": project_codes[review.project_id],
            "year": year_text(review.year),
            "carried_out": review.carried_out_raw,
            "done": review.done,
            "summary": review.summary,
            "rating": review.rating_label,
        }
        for review in reviews.order_by("project__order", "project_id", "year")
    ]
    rows["kpis"], rows["yearly_targets"], rows["actuals"], rows["ratings"] = [], [], [], []
    for kpi in plan_kpis(plan, public=public):
        fiscal = kpi.year_kind == "fiscal"
        targets = list(kpi.yearly_targets.all())
        values = [kpi.baseline_raw, kpi.target_raw, *(target.raw for target in targets)]
        rows["kpis"].append(
            {
                "code": kpi.code,
                "level": schema.word_for(schema.LEVEL_WORDS, kpi.level),
                "of": attachment_code(kpi),
                "name": kpi.name,
                "unit": kpi.unit,
                "direction": schema.word_for(schema.DIRECTION_WORDS, kpi.direction),
                "cumulative": _yes(kpi.is_cumulative),
                "year_kind": schema.word_for(schema.YEAR_KIND_WORDS, kpi.year_kind),
                "numerical_target": _yes(kpi.is_numerical_target),
                "department": kpi.department.name if kpi.department_id else "",
                # An assumed baseline year was not printed: the workbook leaves it blank, as the document does.
                "baseline_year": "" if kpi.baseline_year_assumed else year_text(kpi.baseline_year, fiscal=fiscal),
                "baseline": kpi.baseline_raw,
                "baseline_note": kpi.baseline_note,
                "target_year": year_text(kpi.target_year, fiscal=fiscal),
                "target": kpi.target_raw,
                "target_note": kpi.target_note,
                "total_years": str(kpi.total_years or ""),
                "predecessor": kpi.predecessor.code if kpi.predecessor_id else "",
                "link": schema.word_for(schema.LINK_WORDS, kpi.predecessor_link) if kpi.predecessor_link else "",
                "link_label": kpi.predecessor_label,
                "next_plan": "削除" if kpi.dropped_in_next_plan else "",
                "next_plan_label": kpi.dropped_label,
                "keep_unreadable": _yes(
                    not _readable(values[0]) or not all(_readable(value, target=True) for value in values[1:])
                ),
                "note": kpi.note,
            }
        )
        rows["yearly_targets"] += [
            {"kpi": kpi.code, "year": year_text(target.year, fiscal=fiscal), "value": target.raw} for target in targets
        ]
        rows["actuals"] += [
            {
                "kpi": kpi.code,
                "year": year_text(actual.year, fiscal=fiscal),
                "value": actual.raw,
                "status": _status_word(actual),
                "note": actual.note,
            }
            for actual in kpi.actuals.all()
        ]
        rows["ratings"] += [
            {
                "kpi": kpi.code,
                "kind": schema.word_for(schema.RATING_KIND_WORDS, rating.kind),
                "year": year_text(rating.year, fiscal=fiscal),
                "label": rating.label,
                "as_of": rating.as_of,
            }
            for rating in kpi.official_ratings.all()
        ]
    rows["tallies"] = [
        {
            "scope": schema.word_for(schema.SCOPE_WORDS, tally.scope),
            "of": str(tally.goal.number)
            if tally.goal_id
            else tally.policy_direction.code
            if tally.policy_direction_id
            else "",
            "year": year_text(tally.year),
            "kpi_count": str(tally.kpi_count),
            "marks": " ".join(f"{label} {count}" for label, count in tally.mark_counts.items()),
            "outlooks": " ".join(f"{label} {count}" for label, count in tally.outlook_counts.items()),
        }
        for tally in PrintedTally.objects.filter(plan=plan).select_related("goal", "policy_direction").order_by("id")
    ]
    return rows


def _status_word(actual) -> str:
    """The 状態 cell: empty when the value says it all, else the status staff chose."""
    if actual.status == ActualStatus.UNPARSED:
        return "要確認"
    if actual.status == ActualStatus.MEASURED:
        return ""
    parsed_status = notation.parse_value(actual.raw).status if _readable(actual.raw) else ""
    return "" if parsed_status == actual.status else schema.word_for(schema.STATUS_WORDS, actual.status)
