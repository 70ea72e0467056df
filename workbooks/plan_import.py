"""Create or update a plan from workbook rows: all or nothing.

``validate_plan_rows`` reads every row, parsing values and years through ``notation``, and
collects every problem with its sheet, row, column and value (in Japanese). Only when there is
none does ``save_plan`` write, in one ``transaction.atomic()``, matching existing rows by their
codes so that ids, edit history and links from other plans survive an update. Writes are bulk:
the number of queries depends on the number of tables, not of rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans import access
from plans.choices import ActualStatus
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
from plans.rules.tallies import parse_printed_tally
from plans.services import progress
from workbooks import schema
from workbooks.plan_workbook import ImportRefused, Problem

SPLIT = schema.LIST_SEPARATORS  # 「、」, commas, line breaks; never 「・」 (保育所・幼稚園課 is one name)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

UNIT_MAX_CHARS = Kpi._meta.get_field("unit").max_length


split_list = schema.split_list


def split_codes(text: str) -> list[str]:
    """Direction codes: `①、⑫`, `1(1), 2(4)`; also `①⑫` written without a separator."""
    parts = [part.strip() for part in re.split(r"[、,，\s]+", text or "") if part.strip()]
    codes = []
    for part in parts:
        if all("①" <= character <= "⑳" for character in part):
            codes += list(part)
        else:
            codes.append(part)
    return codes


@dataclass
class ParsedPlan:
    """Everything a valid workbook says, as model field values keyed by their codes."""

    plan: dict
    partners: list[str]
    predecessor_slug: str
    scale: list[dict] = field(default_factory=list)
    goals: dict[int, dict] = field(default_factory=dict)
    directions: dict[str, dict] = field(default_factory=dict)
    packages: dict[int, dict] = field(default_factory=dict)
    projects: dict[str, dict] = field(default_factory=dict)
    listings: dict[tuple[int, str], dict] = field(default_factory=dict)
    budgets: dict[tuple[str, int], dict] = field(default_factory=dict)
    reviews: dict[tuple[str, int], dict] = field(default_factory=dict)
    kpis: dict[str, dict] = field(default_factory=dict)
    yearly_targets: dict[tuple[str, int], dict] = field(default_factory=dict)
    actuals: dict[tuple[str, int], dict] = field(default_factory=dict)
    ratings: dict[tuple[str, str, int], dict] = field(default_factory=dict)
    tallies: list[dict] = field(default_factory=list)
    municipality_names: set[str] = field(default_factory=set)
    department_names: set[str] = field(default_factory=set)


class _Checker:
    """Collects problems while reading rows, so that all of them are reported at once."""

    def __init__(self):
        self.problems: list[Problem] = []

    def fail(self, sheet: schema.Sheet, row: dict | None, key: str, message: str) -> None:
        column = sheet.column(key).header if key else ""
        value = (row or {}).get(key, "") if key else ""
        self.problems.append(Problem(sheet.title, (row or {}).get("_row"), column, value, message))

    def required(self, sheet, row, key) -> str:
        value = (row.get(key) or "").strip()
        if not value:
            self.fail(sheet, row, key, "必須の値が空です。")
        return value

    def integer(self, sheet, row, key) -> int | None:
        text = self.required(sheet, row, key)
        if not text:
            return None
        normalized = notation.normalize_text(text)
        if not normalized.isdigit():
            self.fail(sheet, row, key, "整数を入力してください。")
            return None
        return int(normalized)

    def year(self, sheet, row, key, *, required=True) -> int | None:
        text = (row.get(key) or "").strip()
        if not text:
            if required:
                self.fail(sheet, row, key, "年度が空です。")
            return None
        try:
            return notation.parse_year(text)
        except ValueError as error:
            self.fail(sheet, row, key, str(error))
            return None

    def word(self, sheet, row, key, words: dict[str, str], *, default: str | None = None) -> str | None:
        text = (row.get(key) or "").strip()
        if not text and default is not None:
            return default
        if text in words:
            return words[text]
        if text in words.values():
            return text
        self.fail(sheet, row, key, f"次のどれかを入力してください: {' / '.join(word for word in words if word)}")
        return None

    def yes(self, row, key) -> bool:
        return (row.get(key) or "").strip() in schema.YES_WORDS

    def value(self, sheet, row, key, *, keep_unreadable: bool, target: bool = False) -> notation.ParsedValue | None:
        """A value as written; unreadable text is an error unless the row keeps it for attention.

        A target may be written in words (`全国平均以上`: no value, at least; notation.parse_target).
        """
        text = row.get(key) or ""
        try:
            return notation.parse_target(text) if target else notation.parse_value(text)
        except ValueError as error:
            if keep_unreadable:
                return notation.ParsedValue(raw=text, value=None, status=ActualStatus.UNPARSED)
            self.fail(sheet, row, key, f"{error} 読めない値を残す場合は「要確認」を指定してください。")
            return None

    def unique(self, sheet, row, key, seen: set, identity) -> bool:
        if identity in seen:
            self.fail(sheet, row, key, "同じものが2回以上あります。")
            return False
        seen.add(identity)
        return True


def _year_range(plan: dict, kpi: dict) -> tuple[int, int]:
    """The years a KPI's actuals and yearly targets may fall in."""
    first = min(year for year in (plan["first_year"], kpi.get("baseline_year")) if year)
    last = max(year for year in (plan["last_year"], kpi.get("target_year")) if year)
    return first, last


def _total_years(check: _Checker, sheet: schema.Sheet, row: dict) -> int | None:
    """合計年数: how many years the baseline and the target add up (`5`, `5年`); empty for single years."""
    text = notation.normalize_text(row.get("total_years") or "").removesuffix("間").removesuffix("年").strip()
    if not text:
        return None
    if not text.isdigit() or not 2 <= int(text) <= 50:
        check.fail(sheet, row, "total_years", "合計年数は2〜50の整数で書いてください（単年の値なら空欄）。")
        return None
    return int(text)


def validate_plan_rows(rows: dict) -> ParsedPlan:
    """Parse and check every row; raise ImportRefused listing every problem."""
    check = _Checker()
    sheet = schema.PLAN
    row = {**rows.get("plan", {}), "_row": None}
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

    sheet, seen = schema.RATING_SCALE, set()
    for order, row in enumerate(rows.get("rating_scale", [])):
        label = check.required(sheet, row, "label")
        canonical = re.sub(r"[\s、,・/]", "", notation.normalize_text(row.get("canonical", "")).upper())
        if not re.fullmatch(r"[A-E]{1,5}", canonical):
            check.fail(sheet, row, "canonical", "標準評価は A〜E の文字で書いてください（例: A,B）。")
        if check.unique(sheet, row, "label", seen, label):
            parsed.scale.append(
                {"label": label, "meaning": row.get("meaning", ""), "canonical": canonical, "order": order}
            )

    sheet = schema.GOALS
    for row in rows.get("goals", []):
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

    sheet = schema.DIRECTIONS
    for order, row in enumerate(rows.get("directions", [])):
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

    sheet = schema.PACKAGES
    for row in rows.get("packages", []):
        number = check.integer(sheet, row, "number")
        if number is not None and check.unique(sheet, row, "number", set(parsed.packages), number):
            parsed.packages[number] = {
                "number": number,
                "title": check.required(sheet, row, "title"),
                "summary": row.get("summary", ""),
            }

    sheet = schema.PROJECTS
    for order, row in enumerate(rows.get("projects", [])):
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

    sheet = schema.LISTINGS
    for order, row in enumerate(rows.get("listings", [])):
        package = check.integer(sheet, row, "package")
        project = check.required(sheet, row, "project")
        if package is not None and package not in parsed.packages:
            check.fail(sheet, row, "package", "この番号の政策パッケージがありません。")
        if project and project not in parsed.projects:
            check.fail(sheet, row, "project", "この事業コードの事業がありません。")
        if check.unique(sheet, row, "project", set(parsed.listings), (package, project)):
            parsed.listings[(package, project)] = {"is_repeat": check.yes(row, "repeat"), "order": order}

    sheet = schema.BUDGETS
    for row in rows.get("budgets", []):
        project, year = check.required(sheet, row, "project"), check.year(sheet, row, "year")
        if project and project not in parsed.projects:
            check.fail(sheet, row, "project", "この事業コードの事業がありません。")
        amount = check.value(sheet, row, "amount", keep_unreadable=False)
        if year and check.unique(sheet, row, "year", set(parsed.budgets), (project, year)) and amount:
            parsed.budgets[(project, year)] = {"amount": amount.value, "amount_raw": amount.raw}

    sheet = schema.REVIEWS
    for row in rows.get("reviews", []):
        project, year = check.required(sheet, row, "project"), check.year(sheet, row, "year")
        if project and project not in parsed.projects:
            check.fail(sheet, row, "project", "この事業コードの事業がありません。")
        carried_raw = notation.normalize_text(row.get("carried_out", ""))
        carried = {"○": True, "〇": True, "◯": True, "×": False, "x": False, "": None}.get(carried_raw, "bad")
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

    sheet = schema.KPIS
    attachments = {
        "plan": {""},
        "goal": {str(number) for number in parsed.goals},
        "direction": set(parsed.directions),
        "package": {str(number) for number in parsed.packages},
        "project": set(parsed.projects),
    }
    for order, row in enumerate(rows.get("kpis", [])):
        code = check.required(sheet, row, "code")
        level = check.word(sheet, row, "level", schema.LEVEL_WORDS)
        of = (
            notation.normalize_text(row.get("of", ""))
            if level in ("goal", "package")
            else (row.get("of") or "").strip()
        )
        if level and of not in attachments[level]:
            check.fail(sheet, row, "of", f"この{schema.word_for(schema.LEVEL_WORDS, level)}がありません。")
        keep = check.yes(row, "keep_unreadable")
        baseline = check.value(sheet, row, "baseline", keep_unreadable=keep)
        target = check.value(sheet, row, "target", keep_unreadable=keep, target=True)
        predecessor = (row.get("predecessor") or "").strip()
        link = check.word(sheet, row, "link", schema.LINK_WORDS, default="") if predecessor else ""
        if predecessor and predecessor not in predecessor_codes and parsed.predecessor_slug:
            check.fail(sheet, row, "predecessor", "前期計画にこのKPIコードがありません。")
        elif predecessor and not parsed.predecessor_slug:
            check.fail(sheet, row, "predecessor", "計画シートに前期計画がありません。")
        if predecessor and not link:
            check.fail(sheet, row, "link", "前期KPIコードがあるときは引継ぎ区分（継続 / 移動 / 置換）が必要です。")
        next_plan = (row.get("next_plan") or "").strip()
        if next_plan not in ("", "削除"):
            check.fail(sheet, row, "next_plan", "次期の扱いは 削除 か空欄です。")
        department = (row.get("department") or "").strip()
        if department:
            parsed.department_names.add(department)
        unit = (row.get("unit") or "").strip() or next((v.unit for v in (target, baseline) if v and v.unit), "")
        if len(unit) > UNIT_MAX_CHARS:  # read from the target's text when the 単位 cell is empty
            check.fail(sheet, row, "unit", f"単位「{notation.quote(unit)}」が長すぎます（{UNIT_MAX_CHARS}文字まで）。")
        direction = check.word(sheet, row, "direction", schema.DIRECTION_WORDS)
        baseline_value = baseline.value if baseline else None
        target_value = target.value if target else None
        if target and target.maintain:
            # `維持` / `…を維持`: keep the baseline (the number written, if any, is that level).
            direction = "maintain"
            target_value = baseline_value if target_value is None else target_value
        baseline_year = check.year(sheet, row, "baseline_year", required=False)
        baseline_year_assumed = baseline_year is None and baseline_value is not None and first_year is not None
        if baseline_year_assumed:
            baseline_year = first_year - 1  # no baseline year printed: the year before the plan starts
        fields = {
            "code": code,
            "level": level,
            "of": of,
            "name": check.required(sheet, row, "name"),
            "unit": unit,
            "direction": direction,
            "is_cumulative": check.yes(row, "cumulative") or bool(baseline and baseline.cumulative),
            "year_kind": check.word(sheet, row, "year_kind", schema.YEAR_KIND_WORDS, default="fiscal"),
            "is_numerical_target": check.yes(row, "numerical_target"),
            "department": department,
            "baseline_year": baseline_year,
            "baseline_year_assumed": baseline_year_assumed,
            "baseline_value": baseline_value,
            "baseline_raw": row.get("baseline", ""),
            "baseline_note": row.get("baseline_note", ""),
            "target_year": check.year(sheet, row, "target_year", required=False) or last_year,
            "target_value": target_value,
            "target_raw": row.get("target", ""),
            "target_note": row.get("target_note", ""),
            "target_at_least": bool(target and target.at_least),
            "total_years": _total_years(check, sheet, row),
            "predecessor": predecessor,
            "predecessor_link": link or "",
            "predecessor_label": row.get("link_label", "") if predecessor else "",
            "dropped_in_next_plan": next_plan == "削除",
            "dropped_label": row.get("next_plan_label", "") if next_plan else "",
            "note": row.get("note", ""),
            "order": order,
            "keep_unreadable": keep,
        }
        if code and check.unique(sheet, row, "code", set(parsed.kpis), code):
            parsed.kpis[code] = fields

    def kpi_year(sheet, row) -> tuple[dict | None, int | None]:
        code = check.required(sheet, row, "kpi")
        kpi = parsed.kpis.get(code)
        if code and kpi is None:
            check.fail(sheet, row, "kpi", "このKPIコードのKPIがありません。")
        year = check.year(sheet, row, "year")
        if kpi and year and first_year and last_year:
            low, high = _year_range(parsed.plan, kpi)
            if not low <= year <= high:
                check.fail(
                    sheet,
                    row,
                    "year",
                    f"計画の期間外の年度です（{notation.format_year(low)}〜{notation.format_year(high)}）。",
                )
                year = None
        return kpi, year

    sheet = schema.YEARLY_TARGETS
    for row in rows.get("yearly_targets", []):
        kpi, year = kpi_year(sheet, row)
        target = check.value(sheet, row, "value", keep_unreadable=bool(kpi and kpi["keep_unreadable"]), target=True)
        if (
            kpi
            and year
            and target
            and check.unique(sheet, row, "year", set(parsed.yearly_targets), (kpi["code"], year))
        ):
            parsed.yearly_targets[(kpi["code"], year)] = {
                "value": kpi["baseline_value"] if target.maintain and target.value is None else target.value,
                "raw": target.raw,
                "at_least": target.at_least,
            }

    sheet = schema.ACTUALS
    for row in rows.get("actuals", []):
        kpi, year = kpi_year(sheet, row)
        status_word = check.word(sheet, row, "status", schema.STATUS_WORDS, default="")
        actual = check.value(sheet, row, "value", keep_unreadable=status_word == ActualStatus.UNPARSED)
        if actual is None:
            continue
        status = actual.status
        if actual.value is not None and status_word not in ("", ActualStatus.MEASURED, None):
            check.fail(sheet, row, "status", "値があるときは状態を空欄（または 測定済）にしてください。")
        elif actual.value is None and status_word and status_word != ActualStatus.MEASURED:
            status = status_word
        elif actual.value is None and status_word == ActualStatus.MEASURED:
            check.fail(sheet, row, "status", "測定済なのに値がありません。")
        if kpi and year and check.unique(sheet, row, "year", set(parsed.actuals), (kpi["code"], year)):
            parsed.actuals[(kpi["code"], year)] = {
                "value": actual.value,
                "raw": actual.raw,
                "status": status,
                "is_preliminary": actual.preliminary,
                "survey_year": actual.survey_year,
                "cumulative_to_year": actual.cumulative_to_year,
                "note": row.get("note", ""),
            }

    sheet = schema.RATINGS
    for row in rows.get("ratings", []):
        kpi, year = check.required(sheet, row, "kpi"), check.year(sheet, row, "year")
        if kpi and kpi not in parsed.kpis:
            check.fail(sheet, row, "kpi", "このKPIコードのKPIがありません。")
        kind = check.word(sheet, row, "kind", schema.RATING_KIND_WORDS)
        label = check.required(sheet, row, "label")
        if kpi and year and kind and check.unique(sheet, row, "label", set(parsed.ratings), (kpi, kind, year)):
            parsed.ratings[(kpi, kind, year)] = {"label": label, "as_of": row.get("as_of", "")}

    sheet = schema.TALLIES
    for row in rows.get("tallies", []):
        scope = check.word(sheet, row, "scope", schema.SCOPE_WORDS)
        of = (row.get("of") or "").strip()
        if scope == "goal" and notation.normalize_text(of) not in {str(number) for number in parsed.goals}:
            check.fail(sheet, row, "of", "この基本目標がありません。")
        if scope == "direction" and of not in parsed.directions:
            check.fail(sheet, row, "of", "この施策の方向性がありません。")
        counts = {}
        for key in ("marks", "outlooks"):
            try:
                counts[key] = parse_printed_tally(row.get(key, ""))
            except ValueError as error:
                check.fail(sheet, row, key, str(error))
        parsed.tallies.append(
            {
                "scope": scope,
                "of": of,
                "year": check.year(sheet, row, "year"),
                "kpi_count": check.integer(sheet, row, "kpi_count"),
                "mark_counts": counts.get("marks", {}),
                "outlook_counts": counts.get("outlooks", {}),
            }
        )

    if check.problems:
        raise ImportRefused(check.problems)
    return parsed


# --- writing ------------------------------------------------------------------------------------


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
    """Write a validated plan in one transaction (see module docstring)."""
    with transaction.atomic():
        towns = {}
        for name in sorted(parsed.municipality_names):
            defaults = municipalities.known(name)
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

        _sync(
            RatingLabel,
            _index(plan.rating_labels.all(), "label"),
            {entry["label"]: {**entry, "plan": plan} for entry in parsed.scale},
            result,
        )
        _sync(
            Goal, _index(plan.goals.all(), "number"), {n: {**g, "plan": plan} for n, g in parsed.goals.items()}, result
        )
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
        _set_project_links(parsed, projects, directions, towns, departments)
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

        predecessors = _index(Kpi.objects.filter(plan=plan.predecessor), "code") if plan.predecessor_id else {}
        attachment = {
            "goal": ("goal_id", goals),
            "direction": ("policy_direction_id", directions),
            "package": ("package_id", packages),
            "project": ("project_id", projects),
        }
        wanted_kpis = {}
        for code, fields in parsed.kpis.items():
            values = {
                key: value
                for key, value in fields.items()
                if key not in ("of", "department", "predecessor", "keep_unreadable")
            }
            values.update(goal_id=None, policy_direction_id=None, package_id=None, project_id=None, plan=plan)
            if fields["level"] != "plan":
                field_name, targets = attachment[fields["level"]]
                key = int(fields["of"]) if fields["level"] in ("goal", "package") else fields["of"]
                values[field_name] = targets[key].pk
            values["department_id"] = departments[fields["department"]].pk if fields["department"] else None
            values["predecessor_id"] = predecessors[fields["predecessor"]].pk if fields["predecessor"] else None
            wanted_kpis[code] = values
        _sync(Kpi, _index(plan.kpis.all(), "code"), wanted_kpis, result, user)
        kpis = _index(plan.kpis.all(), "code")

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
        progress.recompute_plan(plan.pk)
    return result


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


def check_may_import(parsed: ParsedPlan, user) -> None:
    """Planners import plans their municipality leads, keep them with it, and name only known
    municipalities; nobody else but superusers."""
    if user is None or user.is_superuser:
        return
    existing = Plan.objects.filter(slug=parsed.plan["slug"]).select_related("municipality").first()
    municipality = access.municipality_of(user)
    allowed = (
        access.PLANNER in access.roles_of(user)
        and municipality is not None
        and municipality.name == parsed.plan["municipality"]  # a plan stays with its lead
        and (existing is None or (access.can_change_plan(user, existing) and existing.municipality == municipality))
    )
    if not allowed:
        raise PermissionDenied("この計画を取り込む権限がありません（自分の自治体が策定する計画だけを取り込めます）。")
    unknown = sorted(parsed.municipality_names - set(Municipality.objects.values_list("name", flat=True)))
    if unknown:
        names = "、".join(unknown)
        raise PermissionDenied(
            f"登録されていない自治体があります（{names}）。自治体の登録はシステム管理者に依頼してください。"
        )


def import_plan_rows(rows: dict, *, user=None) -> ImportResult:
    """Validate workbook rows and, only if all are valid and the user may, write the plan."""
    parsed = validate_plan_rows(rows)
    check_may_import(parsed, user)
    return save_plan(parsed, user=user)


def import_plan_workbook(content: bytes, *, user=None) -> ImportResult:
    """Import a plan workbook (.xlsx bytes): all or nothing, every problem reported at once."""
    from workbooks.plan_workbook import read_workbook

    rows, problems = read_workbook(content)
    if problems:
        raise ImportRefused(problems)
    return import_plan_rows(rows, user=user)
