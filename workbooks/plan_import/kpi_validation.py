"""Read and check the KPI sheets of a plan workbook: KPIs, yearly targets, actuals, ratings, tallies.

Each reads after the plan's structure (``validation``), so that a KPI's attachment, a yearly
value's KPI and a tally's goal or direction can be checked against what the workbook defines.
"""

from __future__ import annotations

from plans.choices import ActualStatus
from plans.rules import notation
from plans.rules.tallies import parse_printed_tally
from plans.services.entry_checks import check_entry
from workbooks import schema
from workbooks.plan_import.checks import UNIT_MAX_CHARS, Checker, ParsedPlan


def kpis(check: Checker, parsed: ParsedPlan, rows: list[dict], predecessor_codes: set[str]) -> None:
    sheet = schema.KPIS
    attachments = {
        "plan": {""},
        "goal": {str(number) for number in parsed.goals},
        "direction": set(parsed.directions),
        "package": {str(number) for number in parsed.packages},
        "project": set(parsed.projects),
    }
    for order, row in enumerate(rows):
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
        predecessor, link = _predecessor(check, parsed, row, predecessor_codes)
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
        first_year = parsed.plan["first_year"]
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
            "target_year": check.year(sheet, row, "target_year", required=False) or parsed.plan["last_year"],
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


def _predecessor(check: Checker, parsed: ParsedPlan, row: dict, predecessor_codes: set[str]) -> tuple[str, str]:
    """前期KPIコード and 引継ぎ区分: the KPI of the predecessor plan this one continues, and how."""
    sheet = schema.KPIS
    predecessor = (row.get("predecessor") or "").strip()
    link = check.word(sheet, row, "link", schema.LINK_WORDS, default="") if predecessor else ""
    if predecessor and predecessor not in predecessor_codes and parsed.predecessor_slug:
        check.fail(sheet, row, "predecessor", "前期計画にこのKPIコードがありません。")
    elif predecessor and not parsed.predecessor_slug:
        check.fail(sheet, row, "predecessor", "計画シートに前期計画がありません。")
    if predecessor and not link:
        check.fail(sheet, row, "link", "前期KPIコードがあるときは引継ぎ区分（継続 / 移動 / 置換）が必要です。")
    return predecessor, link


def _total_years(check: Checker, sheet: schema.Sheet, row: dict) -> int | None:
    """合計年数: how many years the baseline and the target add up (`5`, `5年`); empty for single years."""
    text = notation.normalize_text(row.get("total_years") or "").removesuffix("間").removesuffix("年").strip()
    if not text:
        return None
    if not text.isdigit() or not 2 <= int(text) <= 50:
        check.fail(sheet, row, "total_years", "合計年数は2〜50の整数で書いてください（単年の値なら空欄）。")
        return None
    return int(text)


def _year_range(plan: dict, kpi: dict) -> tuple[int, int]:
    """The years a KPI's actuals and yearly targets may fall in."""
    first = min(year for year in (plan["first_year"], kpi.get("baseline_year")) if year)
    last = max(year for year in (plan["last_year"], kpi.get("target_year")) if year)
    return first, last


def _kpi_year(check: Checker, parsed: ParsedPlan, sheet: schema.Sheet, row: dict) -> tuple[dict | None, int | None]:
    """The KPI and the year a yearly row is for; the year only when it falls in the KPI's years."""
    code = check.required(sheet, row, "kpi")
    kpi = parsed.kpis.get(code)
    if code and kpi is None:
        check.fail(sheet, row, "kpi", "このKPIコードのKPIがありません。")
    year = check.year(sheet, row, "year")
    if kpi and year and parsed.plan["first_year"] and parsed.plan["last_year"]:
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


def yearly_targets(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.YEARLY_TARGETS
    for row in rows:
        kpi, year = _kpi_year(check, parsed, sheet, row)
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


def actuals(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.ACTUALS
    for row in rows:
        kpi, year = _kpi_year(check, parsed, sheet, row)
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
        value, raw = actual.value, actual.raw
        if kpi and actual.value is not None:
            value, raw = _in_kpi_unit(check, sheet, row, kpi, actual)
        if kpi and year and check.unique(sheet, row, "year", set(parsed.actuals), (kpi["code"], year)):
            parsed.actuals[(kpi["code"], year)] = {
                "value": value,
                "raw": raw,
                "status": status,
                "is_preliminary": actual.preliminary,
                "survey_year": actual.survey_year,
                "cumulative_to_year": actual.cumulative_to_year,
                "note": row.get("note", ""),
            }


def _in_kpi_unit(check: Checker, sheet: schema.Sheet, row: dict, kpi: dict, actual: notation.ParsedValue):
    """An actual read in its KPI's unit by the entry check every door uses (``check_entry``):
    `781,000人` for a 千人 KPI is 781千人, not 781,000千人; a unit of another kind is refused.

    A printed plan may itself write one year in another unit (小郡's `18,305件` among years in 人):
    a transcription keeps it as printed when its note says why.
    """
    result = check_entry(actual.raw, kpi["unit"])
    if result.errors and (row.get("note") or "").strip():
        return actual.value, actual.raw
    for error in result.errors:
        check.fail(sheet, row, "value", f"{error} 印刷どおりに残す場合は備考に理由を書いてください。")
    return result.value, result.raw


def ratings(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.RATINGS
    for row in rows:
        kpi, year = check.required(sheet, row, "kpi"), check.year(sheet, row, "year")
        if kpi and kpi not in parsed.kpis:
            check.fail(sheet, row, "kpi", "このKPIコードのKPIがありません。")
        kind = check.word(sheet, row, "kind", schema.RATING_KIND_WORDS)
        label = check.required(sheet, row, "label")
        if kpi and year and kind and check.unique(sheet, row, "label", set(parsed.ratings), (kpi, kind, year)):
            parsed.ratings[(kpi, kind, year)] = {"label": label, "as_of": row.get("as_of", "")}


def tallies(check: Checker, parsed: ParsedPlan, rows: list[dict]) -> None:
    sheet = schema.TALLIES
    for row in rows:
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
