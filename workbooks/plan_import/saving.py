"""Write a validated plan: all of it in one ``transaction.atomic()``, in bulk.

Existing rows are matched by their codes so that ids, edit history and links from other plans
survive an update; the number of queries depends on the number of tables, not of rows. The
stored progress is recomputed in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans.models import (
    Actual,
    Department,
    Goal,
    Kpi,
    Municipality,
    OfficialRating,
    Package,
    PackageListing,
    Plan,
    PolicyDirection,
    PrintedTally,
    Project,
    ProjectBudget,
    ProjectReview,
    RatingLabel,
    YearlyTarget,
)
from plans.rules import municipalities, notation
from plans.services import progress
from plans.services.versions import fill_search_text
from workbooks.plan_import.checks import ParsedPlan


@dataclass
class ImportResult:
    plan: Plan
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def add(self, created: int, updated: int, deleted: int) -> None:
        self.created += created
        self.updated += updated
        self.deleted += deleted


HISTORY_MODELS = {Kpi, YearlyTarget, Actual, OfficialRating, ProjectReview}


def _sync(model, existing: dict, wanted: dict, result: ImportResult, user=None) -> dict:
    """Make the rows ``existing`` (key -> instance) into ``wanted`` (key -> field values), in bulk.

    A versioned row (an actual) that changes gets a new version and update time, as any other
    write gives it, so that an entry form opened before the import cannot overwrite it silently.
    """
    to_create, to_update, changed_fields = [], [], set()
    versioned = any(field.name == "version" for field in model._meta.concrete_fields)
    now = timezone.now()
    for key, values in wanted.items():
        instance = existing.pop(key, None)
        if instance is None:
            to_create.append(model(**values))
            continue
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            if versioned:
                instance.version += 1
                instance.updated_at = now
                changed += ["version", "updated_at"]
            to_update.append(instance)
            changed_fields.update(changed)
    stale = [instance.pk for instance in existing.values()]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    history = model in HISTORY_MODELS
    if to_create:
        if history:
            bulk_create_with_history(to_create, model, batch_size=500, default_user=user)
        else:
            model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        if history:
            bulk_update_with_history(to_update, model, sorted(changed_fields), batch_size=500, default_user=user)
        else:
            model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    result.add(len(to_create), len(to_update), len(stale))
    return existing


def _index(queryset, *key_fields) -> dict:
    return {
        tuple(getattr(item, name) for name in key_fields) if len(key_fields) > 1 else getattr(item, key_fields[0]): item
        for item in queryset
    }


def save_plan(parsed: ParsedPlan, *, user=None) -> ImportResult:
    """Write a validated plan in one transaction (see the module docstring)."""
    with transaction.atomic():
        towns = {}
        for name in sorted(parsed.municipality_names):
            defaults = municipalities.known(name)
            if defaults.get("code"):  # the home page lists municipalities by prefecture
                defaults["prefecture_code"] = defaults["code"][:2]
            town, _created = Municipality.objects.get_or_create(name=name, defaults=defaults)
            towns[name] = town
        lead = towns[parsed.plan["municipality"]]
        plan_fields = {key: value for key, value in parsed.plan.items() if key != "municipality"}
        plan_fields["municipality"] = lead
        plan_fields["predecessor"] = Plan.objects.get(slug=parsed.predecessor_slug) if parsed.predecessor_slug else None
        plan, created = Plan.objects.select_for_update().update_or_create(
            slug=parsed.plan["slug"], defaults=plan_fields
        )
        result = ImportResult(plan=plan, created=int(created))
        plan.partners.set([towns[name] for name in parsed.partners])

        existing_departments = _index(Department.objects.filter(municipality=lead), "name")
        Department.objects.bulk_create(
            [
                Department(municipality=lead, name=name)
                for name in sorted(parsed.department_names - set(existing_departments))
            ]
        )
        departments = _index(Department.objects.filter(municipality=lead), "name")

        structure = _save_outline(parsed, plan, result)
        _set_project_links(parsed, structure["project"], structure["direction"], towns, departments)
        _save_project_rows(parsed, plan, structure["package"], structure["project"], result, user)
        kpis = _save_kpis(parsed, plan, structure, departments, result, user)
        _save_yearly_rows(parsed, plan, kpis, result, user)
        _save_tallies(parsed, plan, structure["goal"], structure["direction"])
        progress.recompute_plan(plan.pk)
    return result


def _save_outline(parsed: ParsedPlan, plan: Plan, result: ImportResult) -> dict[str, dict]:
    """Rating scale, goals, directions, packages and projects.

    Returns the stored goals, directions, packages and projects by their codes, keyed by the
    level a KPI attaches to.
    """
    _sync(
        RatingLabel,
        _index(plan.rating_labels.all(), "label"),
        {entry["label"]: {**entry, "plan": plan} for entry in parsed.scale},
        result,
    )
    _sync(Goal, _index(plan.goals.all(), "number"), {n: {**g, "plan": plan} for n, g in parsed.goals.items()}, result)
    goals = _index(plan.goals.all(), "number")
    _sync(
        PolicyDirection,
        _index(plan.directions.all(), "code"),
        {
            code: {**{k: v for k, v in d.items() if k != "goal"}, "plan": plan, "goal_id": goals[d["goal"]].pk}
            for code, d in parsed.directions.items()
        },
        result,
    )
    directions = _index(plan.directions.all(), "code")
    _sync(
        Package,
        _index(plan.packages.all(), "number"),
        {n: {**p, "plan": plan} for n, p in parsed.packages.items()},
        result,
    )
    packages = _index(plan.packages.all(), "number")
    _sync(
        Project,
        _index(plan.projects.all(), "code"),
        {code: {**p["fields"], "plan": plan} for code, p in parsed.projects.items()},
        result,
    )
    projects = _index(plan.projects.all(), "code")
    return {"goal": goals, "direction": directions, "package": packages, "project": projects}


def _save_project_rows(parsed: ParsedPlan, plan: Plan, packages: dict, projects: dict, result, user) -> None:
    """The projects' package listings, budgets and reviews."""
    _sync(
        PackageListing,
        _index(
            PackageListing.objects.filter(package__plan=plan).select_related("package", "project"),
            "package_id",
            "project_id",
        ),
        {
            (packages[package].pk, projects[project].pk): {
                **values,
                "package_id": packages[package].pk,
                "project_id": projects[project].pk,
            }
            for (package, project), values in parsed.listings.items()
        },
        result,
    )
    _sync(
        ProjectBudget,
        _index(ProjectBudget.objects.filter(project__plan=plan), "project_id", "year"),
        {
            (projects[code].pk, year): {**values, "project_id": projects[code].pk, "year": year}
            for (code, year), values in parsed.budgets.items()
        },
        result,
    )
    _sync(
        ProjectReview,
        _index(ProjectReview.objects.filter(project__plan=plan), "project_id", "year"),
        {
            (projects[code].pk, year): {**values, "project_id": projects[code].pk, "year": year}
            for (code, year), values in parsed.reviews.items()
        },
        result,
        user,
    )


KPI_ATTACHMENT_FIELDS = {
    "goal": "goal_id",
    "direction": "policy_direction_id",
    "package": "package_id",
    "project": "project_id",
}


def _save_kpis(parsed: ParsedPlan, plan: Plan, structure: dict, departments: dict, result, user) -> dict:
    """The KPIs, attached where the workbook says; returns the stored KPIs by code."""
    predecessors = _index(Kpi.objects.filter(plan=plan.predecessor), "code") if plan.predecessor_id else {}
    wanted_kpis = {}
    for code, fields in parsed.kpis.items():
        values = {
            key: value
            for key, value in fields.items()
            if key not in ("of", "department", "predecessor", "keep_unreadable")
        }
        values.update(goal_id=None, policy_direction_id=None, package_id=None, project_id=None, plan=plan)
        if fields["level"] != "plan":
            field_name, targets = KPI_ATTACHMENT_FIELDS[fields["level"]], structure[fields["level"]]
            key = int(fields["of"]) if fields["level"] in ("goal", "package") else fields["of"]
            values[field_name] = targets[key].pk
        values["department_id"] = departments[fields["department"]].pk if fields["department"] else None
        values["predecessor_id"] = predecessors[fields["predecessor"]].pk if fields["predecessor"] else None
        wanted_kpis[code] = values
    _sync(Kpi, _index(plan.kpis.all(), "code"), wanted_kpis, result, user)
    kpis = _index(plan.kpis.all(), "code")
    fill_search_text(kpis.values())  # created and renamed KPIs are found by the public search
    return kpis


def _save_yearly_rows(parsed: ParsedPlan, plan: Plan, kpis: dict, result: ImportResult, user) -> None:
    """Yearly targets, actuals and official ratings."""
    for model, wanted, key_fields in (
        (YearlyTarget, parsed.yearly_targets, ("kpi_id", "year")),
        (Actual, parsed.actuals, ("kpi_id", "year")),
    ):
        _sync(
            model,
            _index(model.objects.filter(kpi__plan=plan), *key_fields),
            {
                (kpis[code].pk, year): {**values, "kpi_id": kpis[code].pk, "year": year}
                for (code, year), values in wanted.items()
            },
            result,
            user,
        )
    _sync(
        OfficialRating,
        _index(OfficialRating.objects.filter(kpi__plan=plan), "kpi_id", "kind", "year"),
        {
            (kpis[code].pk, kind, year): {**values, "kpi_id": kpis[code].pk, "kind": kind, "year": year}
            for (code, kind, year), values in parsed.ratings.items()
        },
        result,
        user,
    )


def _save_tallies(parsed: ParsedPlan, plan: Plan, goals: dict, directions: dict) -> None:
    """The printed tallies: replaced as a whole."""
    PrintedTally.objects.filter(plan=plan).delete()
    PrintedTally.objects.bulk_create(
        [
            PrintedTally(
                plan=plan,
                scope=tally["scope"],
                goal=goals[int(notation.normalize_text(tally["of"]))] if tally["scope"] == "goal" else None,
                policy_direction=directions[tally["of"]] if tally["scope"] == "direction" else None,
                year=tally["year"],
                kpi_count=tally["kpi_count"],
                mark_counts=tally["mark_counts"],
                outlook_counts=tally["outlook_counts"],
            )
            for tally in parsed.tallies
        ]
    )


def _set_project_links(parsed, projects, directions, towns, departments) -> None:
    """Replace the projects' many-to-many links in three bulk writes."""
    project_ids = [project.pk for project in projects.values()]
    links = (
        (Project.directions.through, "policydirection_id", "directions", directions),
        (Project.municipalities.through, "municipality_id", "municipalities", towns),
        (Project.departments.through, "department_id", "departments", departments),
    )
    for through, target_field, key, targets in links:
        through.objects.filter(project_id__in=project_ids).delete()
        through.objects.bulk_create(
            [
                through(project_id=projects[code].pk, **{target_field: targets[name].pk})
                for code, project in parsed.projects.items()
                for name in dict.fromkeys(project[key])
            ]
        )
