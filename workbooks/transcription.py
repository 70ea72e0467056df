"""Seed-plan transcriptions (YAML, fixtures/sources/) -> plan workbook rows, and their checks.

A transcription keeps every value's printed text (see fixtures/sources/TRANSCRIPTION.md).
``check_against_source`` proves each printed string occurs in the source document; ``to_rows``
turns the nested YAML into the flat rows of the plan workbook, the one format every plan
enters by. Needs only PyYAML, so fixtures/sources/check_transcription.py can use it without
Django.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from plans.rules.notation import parse_target, parse_value
from workbooks import schema

PRINTED_FIELDS = {
    "title",
    "name",
    "value",
    "year",
    "label",
    "kind_label",
    "basic_direction",
    "summary",
    "aim",
    "purpose",
    "main_actions",
    "lead_role",
    "partner_role",
    "done",
    "rating",
    "carried_out",
    "amount",
    "department",
    "group",
}
PRINTED_LISTS = {"municipalities", "departments", "sections"}
LEVELS = {"plan", "goal", "direction", "package", "project"}
DIRECTIONS = {"increase", "decrease", "maintain"}
_WHITESPACE_OR_TAG = re.compile(r"<[^>]*>|\s+")
SEP = schema.LIST_SEPARATOR  # never 「・」: 保育所・幼稚園課 and 計画・準備係 are one name each


def squeeze(text: str) -> str:
    """Text without whitespace or HTML tags, for comparing a transcription with its source."""
    return _WHITESPACE_OR_TAG.sub("", text)


def load(paths: list[Path]) -> dict:
    """Merge a plan's transcription files (``<slug>.yaml`` or ``<slug>.<part>.yaml``) in name order."""
    merged: dict = {}
    for path in sorted(paths):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            else:
                merged[key] = value
    return merged


def transcription_files(directory: Path) -> dict[str, list[Path]]:
    """{slug: [files]} for every transcription in a directory."""
    plans: dict[str, list[Path]] = {}
    for path in sorted(directory.glob("*.yaml")):
        plans.setdefault(path.name.split(".")[0], []).append(path)
    return plans


def _printed_strings(node, path="", field=None):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _printed_strings(value, f"{path}.{key}", key)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _printed_strings(value, f"{path}[{index}]", field)
    elif isinstance(node, str) and node.strip() and (field in PRINTED_FIELDS or field in PRINTED_LISTS):
        yield path, node


def corrected_source(data: dict, sources: Path) -> tuple[str, list[str]]:
    """The source text with the transcription's corrections applied, and problems with them."""
    problems = []
    source = (sources / data["plan"]["source"]).read_text(encoding="utf-8")
    for correction in data.get("corrections", []):
        printed, corrected = correction.get("printed", ""), correction.get("corrected", "")
        if squeeze(printed) not in squeeze(source):
            problems.append(f"correction {printed!r} does not occur in the source")
        if not correction.get("reason"):
            problems.append(f"correction {printed!r} gives no reason")
        source = source.replace(printed, corrected)
    return source, problems


def missing_from_source(data: dict, sources: Path) -> list[str]:
    """Every printed string of the transcription that is not in its (corrected) source."""
    plan = data.get("plan") or {}
    if not plan.get("source") or not (sources / plan["source"]).exists():
        return [f"plan.source {plan.get('source')!r} is not a file in {sources}"]
    source, problems = corrected_source(data, sources)
    haystack = squeeze(source)
    # The plan block is metadata (slug, title as the issue names it), not printed text.
    checked = {key: value for key, value in data.items() if key not in ("corrections", "plan", "rating_scale")}
    for path, text in _printed_strings(checked):
        if squeeze(text) not in haystack:
            problems.append(f"{path}: {text[:60]!r} is not in the source")
    return problems


def structure_problems(data: dict) -> list[str]:
    """Codes that refer to nothing, duplicates, unknown levels or directions."""
    problems = []
    goals = {goal["number"] for goal in data.get("goals", [])}
    directions: set[str] = set()
    for direction in data.get("directions", []):
        if direction["code"] in directions:
            problems.append(f"direction {direction['code']!r} is listed twice")
        directions.add(direction["code"])
        if direction.get("goal") not in goals:
            problems.append(f"direction {direction['code']!r}: goal {direction.get('goal')!r} is not a goal")
    packages = {package["number"] for package in data.get("packages", [])}
    projects: set[str] = set()
    for project in data.get("projects", []):
        if project["code"] in projects:
            problems.append(f"project {project['code']!r} is listed twice")
        projects.add(project["code"])
        problems += [
            f"project {project['code']!r}: direction {code!r} is not a direction"
            for code in project.get("directions", [])
            if code not in directions
        ]
        problems += [
            f"project {project['code']!r}: package {listing.get('package')!r} is not a package"
            for listing in project.get("packages", [])
            if listing.get("package") not in packages
        ]
    targets = {
        "goal": {str(goal) for goal in goals},
        "direction": directions,
        "package": {str(package) for package in packages},
        "project": projects,
        "plan": {""},
    }
    kpis: set[str] = set()
    for kpi in data.get("kpis", []):
        code = kpi.get("code")
        if code in kpis:
            problems.append(f"kpi {code!r} is listed twice")
        kpis.add(code)
        level, of = kpi.get("level"), str(kpi.get("of", "") or "")
        if level not in LEVELS:
            problems.append(f"kpi {code!r}: level {level!r}")
        elif of not in targets[level]:
            problems.append(f"kpi {code!r}: {level} {of!r} does not exist")
        total_years = kpi.get("total_years")
        if total_years is not None and (not isinstance(total_years, int) or total_years < 2):
            problems.append(f"kpi {code!r}: total_years {total_years!r} is not a number of years (2 or more)")
        if kpi.get("direction") not in DIRECTIONS:
            problems.append(f"kpi {code!r}: direction {kpi.get('direction')!r}")
        if not kpi.get("name"):
            problems.append(f"kpi {code!r} has no name")
        years = [actual.get("year") for actual in kpi.get("actuals", [])]
        if len(years) != len(set(years)):
            problems.append(f"kpi {code!r}: an actual year is listed twice {years}")
    return problems


def check(data: dict, sources: Path) -> list[str]:
    return missing_from_source(data, sources) + structure_problems(data)


# --- YAML -> workbook rows ---------------------------------------------------------------------


def _text(value) -> str:
    """A cell's text: lists of printed paragraphs are joined by line breaks, None is empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    if isinstance(value, bool):
        return "○" if value else ""
    return str(value)


def _joined(values) -> str:
    return SEP.join(_text(value) for value in values or [])


def _yes(value) -> str:
    return "○" if value else ""


def _readable(text: str, *, target: bool = False) -> bool:
    """Whether the importer reads ``text`` (a target may be in words: `全国平均以上`)."""
    try:
        parse_target(text) if target else parse_value(text)
    except ValueError:
        return False
    return True


def _marks_text(counts: dict | None) -> str:
    return " ".join(f"{label} {count}" for label, count in (counts or {}).items())


def to_rows(data: dict) -> dict:
    """The plan workbook's rows ({"plan": {...}, sheet key: [row, ...]}) from a transcription."""
    plan = data["plan"]
    rows: dict = {
        "plan": {
            "slug": plan["slug"],
            "title": plan["title"],
            "kind": schema.word_for(schema.KIND_WORDS, plan.get("kind", "strategy")),
            "municipality": plan["municipality"],
            "partners": _joined(plan.get("partners")),
            "first_year": _text(plan["first_year"]),
            "last_year": _text(plan["last_year"]),
            "revised": _text(plan.get("revised")),
            "predecessor": _text(plan.get("predecessor")),
            "report_year": _text(plan.get("report_year")),
            "source": _text(plan.get("source")),
            "note": _text(plan.get("note")),
        }
    }
    rows["rating_scale"] = [
        {"label": entry["label"], "meaning": _text(entry.get("meaning")), "canonical": ",".join(entry["canonical"])}
        for entry in data.get("rating_scale", [])
    ]
    rows["goals"] = [
        {
            "number": _text(goal["number"]),
            "kind_label": _text(goal.get("kind_label")),
            "title": _text(goal["title"]),
            "basic_direction": _text(goal.get("basic_direction")),
            "aim": _text(goal.get("aim")),
        }
        for goal in data.get("goals", [])
    ]
    rows["directions"] = [
        {
            "code": _text(direction["code"]),
            "goal": _text(direction["goal"]),
            "title": _text(direction["title"]),
            "summary": _text(direction.get("summary")),
            "group": _text(direction.get("group")),
        }
        for direction in data.get("directions", [])
    ]
    rows["packages"] = [
        {"number": _text(package["number"]), "title": _text(package["title"]), "summary": _text(package.get("summary"))}
        for package in data.get("packages", [])
    ]
    rows["projects"], rows["listings"], rows["budgets"], rows["reviews"] = [], [], [], []
    for project in data.get("projects", []):
        code = _text(project["code"])
        rows["projects"].append(
            {
                "code": code,
                "title": _text(project["title"]),
                "group": _text(project.get("group")),
                "directions": _joined(project.get("directions")),
                "purpose": _text(project.get("purpose")),
                "main_actions": _text(project.get("main_actions")),
                "lead_role": _text(project.get("lead_role")),
                "partner_role": _text(project.get("partner_role")),
                "municipalities": _joined(project.get("municipalities")),
                "departments": _joined(project.get("departments")),
                "sections": _joined(project.get("sections")),
                "note": _text(project.get("note")),
            }
        )
        rows["listings"] += [
            {"package": _text(listing["package"]), "project": code, "repeat": _yes(listing.get("repeat"))}
            for listing in project.get("packages", [])
        ]
        rows["budgets"] += [
            {"project": code, "year": _text(budget["year"]), "amount": _text(budget["amount"])}
            for budget in project.get("budgets", [])
        ]
        rows["reviews"] += [
            {
                "project": code,
                "year": _text(review["year"]),
                "carried_out": _text(review.get("carried_out")),
                "done": _text(review.get("done")),
                "summary": _text(review.get("summary")),
                "rating": _text(review.get("rating")),
            }
            for review in project.get("reviews", [])
        ]
    rows["kpis"], rows["yearly_targets"], rows["actuals"], rows["ratings"] = [], [], [], []
    for kpi in data.get("kpis", []):
        code = _text(kpi["code"])
        baseline, target = kpi.get("baseline") or {}, kpi.get("target") or {}
        predecessor, next_plan = kpi.get("predecessor") or {}, kpi.get("next_plan") or {}
        values = [_text(baseline.get("value")), _text(target.get("value"))]
        values += [_text(item.get("value")) for item in kpi.get("yearly_targets", [])]
        rows["kpis"].append(
            {
                "code": code,
                "level": schema.word_for(schema.LEVEL_WORDS, kpi["level"]),
                "of": _text(kpi.get("of")),
                "name": _text(kpi["name"]),
                "unit": _text(kpi.get("unit")),
                "direction": schema.word_for(schema.DIRECTION_WORDS, kpi["direction"]),
                "cumulative": _yes(kpi.get("cumulative")),
                "year_kind": schema.word_for(schema.YEAR_KIND_WORDS, kpi.get("year_kind", "fiscal")),
                "numerical_target": _yes(kpi.get("numerical_target")),
                "department": _text(kpi.get("department")),
                "baseline_year": _text(baseline.get("year")),
                "baseline": values[0],
                "baseline_note": _text(baseline.get("note")),
                "target_year": _text(target.get("year")),
                "target": values[1],
                "target_note": _text(target.get("note")),
                "total_years": _text(kpi.get("total_years")),
                "predecessor": _text(predecessor.get("kpi")),
                "link": schema.word_for(schema.LINK_WORDS, predecessor["link"]) if predecessor else "",
                "link_label": _text(predecessor.get("label")),
                "next_plan": "削除" if next_plan.get("status") == "dropped" else "",
                "next_plan_label": _text(next_plan.get("label")),
                "keep_unreadable": _yes(
                    not _readable(values[0]) or not all(_readable(value, target=True) for value in values[1:])
                ),
                "note": _text(kpi.get("note")),
            }
        )
        rows["yearly_targets"] += [
            {"kpi": code, "year": _text(item["year"]), "value": _text(item["value"])}
            for item in kpi.get("yearly_targets", [])
        ]
        rows["actuals"] += [
            {
                "kpi": code,
                "year": _text(item["year"]),
                "value": _text(item.get("value")),
                "status": "" if _readable(_text(item.get("value"))) else "要確認",
                "note": _text(item.get("note")),
            }
            for item in kpi.get("actuals", [])
        ]
        rows["ratings"] += [
            {
                "kpi": code,
                "kind": schema.word_for(schema.RATING_KIND_WORDS, item["kind"]),
                "year": _text(item["year"]),
                "label": _text(item["label"]),
                "as_of": _text(item.get("as_of")),
            }
            for item in kpi.get("ratings", [])
        ]
    rows["tallies"] = [
        {
            "scope": schema.word_for(schema.SCOPE_WORDS, item["scope"]),
            "of": _text(item.get("of")),
            "year": _text(item["year"]),
            "kpi_count": _text(item["kpi_count"]),
            "marks": _marks_text(item.get("marks")),
            "outlooks": _marks_text(item.get("outlooks")),
        }
        for item in data.get("printed_tallies", [])
    ]
    return rows
