"""A plan out of the database: as plan-workbook rows (for .xlsx) and as the plan JSON document.

Both read the plan in a fixed number of queries. The JSON document is the one ``export_plan
--format json`` prints and the public API serves; its field names are a public interface.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch

from plans import selectors
from plans.choices import ActualStatus
from plans.models import (
    Goal,
    Kpi,
    OfficialRating,
    PackageListing,
    Plan,
    PolicyDirection,
    PrintedTally,
    Project,
    ProjectBudget,
    ProjectReview,
    PublishedYear,
)
from plans.rules import notation
from plans.services.progress import plan_progress, plan_stored_progress
from workbooks import schema

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


def _load_plan(slug: str) -> Plan:
    return (
        Plan.objects.select_related("municipality", "predecessor")
        .prefetch_related("partners", "rating_labels")
        .get(slug=slug)
    )


def _projects(plan: Plan):
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


def _kpis(plan: Plan, *, public: bool = False):
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


def _attachment_code(kpi: Kpi) -> str:
    if kpi.level == "goal":
        return str(kpi.goal.number)
    if kpi.level == "direction":
        return kpi.policy_direction.code
    if kpi.level == "package":
        return str(kpi.package.number)
    if kpi.level == "project":
        return kpi.project.code
    return ""


def plan_rows(slug: str, *, public: bool = False) -> dict:
    """The plan-workbook rows of a stored plan (the inverse of ``imports.validate_plan_rows``).

    With ``public``, the actuals and project reviews of unpublished years are left out.
    """
    plan = _load_plan(slug)
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
    projects = list(_projects(plan))
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
    for kpi in _kpis(plan, public=public):
        fiscal = kpi.year_kind == "fiscal"
        targets = list(kpi.yearly_targets.all())
        values = [kpi.baseline_raw, kpi.target_raw, *(target.raw for target in targets)]
        rows["kpis"].append(
            {
                "code": kpi.code,
                "level": schema.word_for(schema.LEVEL_WORDS, kpi.level),
                "of": _attachment_code(kpi),
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
    plan = _load_plan(slug)
    progress = plan_progress(plan.pk, public=public)
    by_id = {item.kpi.id: item for item in progress.kpis}
    stored = plan_stored_progress(plan.pk, public=public)  # each actual's stored mark
    goals = list(
        Goal.objects.filter(plan=plan).prefetch_related(
            Prefetch("directions", queryset=PolicyDirection.objects.order_by("order", "id"))
        )
    )
    projects = list(_projects(plan))
    kpis = list(_kpis(plan, public=public))
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
                "of": _attachment_code(kpi),
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
