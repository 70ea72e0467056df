"""Read and check every sheet of a plan workbook: one function a sheet, all sharing one Checker.

``validate_plan_rows`` reads the sheets in workbook order, parsing values and years through
``notation``, and collects every problem with its sheet, row, column and value (in Japanese)
before refusing; the KPI sheets are in ``kpi_validation``.
"""

from __future__ import annotations

import re

from plans.models import Kpi, Plan
from plans.rules import notation
from workbooks import schema
from workbooks.plan_import import kpi_validation
from workbooks.plan_import.checks import SLUG, Checker, ParsedPlan, split_codes, split_list
from workbooks.plan_workbook import ImportRefused


def validate_plan_rows(rows: dict) -> ParsedPlan:
    """Parse and check every row; raise ImportRefused listing every problem."""
    check = Checker()
    parsed, predecessor_codes = _plan(check, rows.get("plan", {}))
    _rating_scale(check, parsed, rows.get("rating_scale", []))
    _goals(check, parsed, rows.get("goals", []))
    _directions(check, parsed, rows.get("directions", []))
    _packages(check, parsed, rows.get("packages", []))
    _projects(check, parsed, rows.get("projects", []))
    _listings(check, parsed, rows.get("listings", []))
    _budgets(check, parsed, rows.get("budgets", []))
    _reviews(check, parsed, rows.get("reviews", []))
    kpi_validation.kpis(check, parsed, rows.get("kpis", []), predecessor_codes)
    kpi_validation.yearly_targets(check, parsed, rows.get("yearly_targets", []))
    kpi_validation.actuals(check, parsed, rows.get("actuals", []))
    kpi_validation.ratings(check, parsed, rows.get("ratings", []))
    kpi_validation.tallies(check, parsed, rows.get("tallies", []))
    if check.problems:
        raise ImportRefused(check.problems)
    return parsed


def _plan(check: Checker, plan_row: dict) -> tuple[ParsedPlan, set[str]]:
    """The 計画 sheet; with the KPI codes of the predecessor plan, which KPIs may continue."""
    sheet = schema.PLAN
    row = {**plan_row, "_row": None}
    slug = check.required(sheet, row, "slug")
    if slug and not SLUG.match(slug):
        check.fail(sheet, row, "slug", "英小文字・数字・ハイフンで書いてください（例: kurume-strategy-2）。")
    first_year = check.year(sheet, row, "first_year")
    last_year = check.year(sheet, row, "last_year")
    if first_year and last_year and first_year > last_year:
        check.fail(sheet, row, "last_year", "計画終了年度が開始年度より前です。")
    revised = (row.get("revised") or "").strip()
    parsed = ParsedPlan(
        plan={
            "slug": slug,
            "title": check.required(sheet, row, "title"),
            "kind": check.word(sheet, row, "kind", schema.KIND_WORDS),
            "first_year": first_year,
            "last_year": last_year,
            "revised_label": revised,
            "revised_on": notation.parse_era_month(revised) if revised else None,
            "report_year": check.year(sheet, row, "report_year", required=False),
            "source_document": row.get("source", ""),
            "note": row.get("note", ""),
            "municipality": check.required(sheet, row, "municipality"),
        },
        partners=split_list(row.get("partners", "")),
        predecessor_slug=(row.get("predecessor") or "").strip(),
    )
    parsed.municipality_names = {parsed.plan["municipality"], *parsed.partners} - {""}
    predecessor_codes: set[str] = set()
    if parsed.predecessor_slug:
        if parsed.predecessor_slug == slug:
            check.fail(sheet, row, "predecessor", "自分自身を前期計画にはできません。")
        elif not Plan.objects.filter(slug=parsed.predecessor_slug).exists():
            check.fail(sheet, row, "predecessor", "前期計画が見つかりません。先に前期計画を取り込んでください。")
        else:
            predecessor_codes = set(
                Kpi.objects.filter(plan__slug=parsed.predecessor_slug).values_list("code", flat=True)
            )
    return parsed, predecessor_codes


def _rating_scale(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet, seen = schema.RATING_SCALE, set()
    for order, row in enumerate(rows):
        label = check.required(sheet, row, "label")
        canonical = re.sub(r"[\s、,・/]", "", notation.normalize_text(row.get("canonical", "")).upper())
        if not re.fullmatch(r"[A-E]{1,5}", canonical):
            check.fail(sheet, row, "canonical", "標準評価は A〜E の文字で書いてください（例: A,B）。")
        if check.unique(sheet, row, "label", seen, label):
            parsed.scale.append(
                {"label": label, "meaning": row.get("meaning", ""), "canonical": canonical, "order": order}
            )


def _goals(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.GOALS
    for row in rows:
        number = check.integer(sheet, row, "number")
        if number is None or not check.unique(sheet, row, "number", set(parsed.goals), number):
            continue
        parsed.goals[number] = {
            "number": number,
            "kind_label": row.get("kind_label", ""),
            "title": check.required(sheet, row, "title"),
            "basic_direction": row.get("basic_direction", ""),
            "aim": row.get("aim", ""),
        }


def _directions(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.DIRECTIONS
    for order, row in enumerate(rows):
        code = check.required(sheet, row, "code")
        goal = check.integer(sheet, row, "goal")
        if goal is not None and goal not in parsed.goals:
            check.fail(sheet, row, "goal", "この番号の基本目標がありません。")
        if code and check.unique(sheet, row, "code", set(parsed.directions), code):
            parsed.directions[code] = {
                "code": code,
                "goal": goal,
                "title": check.required(sheet, row, "title"),
                "summary": row.get("summary", ""),
                "group": row.get("group", ""),
                "order": order,
            }


def _packages(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.PACKAGES
    for row in rows:
        number = check.integer(sheet, row, "number")
        if number is not None and check.unique(sheet, row, "number", set(parsed.packages), number):
            parsed.packages[number] = {
                "number": number,
                "title": check.required(sheet, row, "title"),
                "summary": row.get("summary", ""),
            }


def _projects(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.PROJECTS
    for order, row in enumerate(rows):
        code = check.required(sheet, row, "code")
        directions = split_codes(row.get("directions", ""))
        for direction in directions:
            if direction not in parsed.directions:
                check.fail(sheet, row, "directions", f"施策の方向性「{direction}」がありません。")
        municipality_names = split_list(row.get("municipalities", ""))
        department_names = split_list(row.get("departments", ""))
        parsed.municipality_names |= set(municipality_names)
        parsed.department_names |= set(department_names)
        if code and check.unique(sheet, row, "code", set(parsed.projects), code):
            parsed.projects[code] = {
                "fields": {
                    "code": code,
                    "title": check.required(sheet, row, "title"),
                    "group": row.get("group", ""),
                    "purpose": row.get("purpose", ""),
                    "main_actions": row.get("main_actions", ""),
                    "lead_role": row.get("lead_role", ""),
                    "partner_role": row.get("partner_role", ""),
                    "sections": "、".join(split_list(row.get("sections", ""))),
                    "note": row.get("note", ""),
                    "order": order,
                },
                "directions": directions,
                "municipalities": municipality_names,
                "departments": department_names,
            }


def _listings(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.LISTINGS
    for order, row in enumerate(rows):
        package = check.integer(sheet, row, "package")
        project = check.required(sheet, row, "project")
        if package is not None and package not in parsed.packages:
            check.fail(sheet, row, "package", "この番号の政策パッケージがありません。")
        if project and project not in parsed.projects:
            check.fail(sheet, row, "project", "この事業コードの事業がありません。")
        if check.unique(sheet, row, "project", set(parsed.listings), (package, project)):
            parsed.listings[(package, project)] = {"is_repeat": check.yes(row, "repeat"), "order": order}


def _budgets(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.BUDGETS
    for row in rows:
        project, year = check.required(sheet, row, "project"), check.year(sheet, row, "year")
        if project and project not in parsed.projects:
            check.fail(sheet, row, "project", "この事業コードの事業がありません。")
        amount = check.value(sheet, row, "amount", keep_unreadable=False)
        if year and check.unique(sheet, row, "year", set(parsed.budgets), (project, year)) and amount:
            parsed.budgets[(project, year)] = {"amount": amount.value, "amount_raw": amount.raw}


CARRIED_OUT = {"○": True, "〇": True, "◯": True, "×": False, "x": False, "": None}


def _reviews(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.REVIEWS
    for row in rows:
        project, year = check.required(sheet, row, "project"), check.year(sheet, row, "year")
        if project and project not in parsed.projects:
            check.fail(sheet, row, "project", "この事業コードの事業がありません。")
        carried_raw = notation.normalize_text(row.get("carried_out", ""))
        carried = CARRIED_OUT.get(carried_raw, "bad")
        if carried == "bad":
            check.fail(sheet, row, "carried_out", "実施は ○ か × で書いてください。")
            carried = None
        if year and check.unique(sheet, row, "year", set(parsed.reviews), (project, year)):
            parsed.reviews[(project, year)] = {
                "carried_out": carried,
                "carried_out_raw": row.get("carried_out", "") if carried is not None else "",
                "done": row.get("done", ""),
                "summary": row.get("summary", ""),
                "rating_label": row.get("rating", ""),
            }
