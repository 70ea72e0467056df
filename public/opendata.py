"""Open data: the published part of a plan as CSV (long format), as the plan workbook and as JSON.

Only published data leaves through here: the actuals (and project reviews) of the years a
planner published (``PublishedYear``), with the marks, rates and outlooks stored for the citizens'
view (``KpiYearProgress``), which counts those alone.

The CSV follows the national rules for machine-readable government data
(行政データにおける機械可読性に関するルール, 「機械判読可能なデータの表記方法の統一ルール」):

* long format, one row per KPI and year; one value per cell, no merged or decorative cells;
* numbers without units or thousands separators, the unit in its own column;
* no value is a blank cell, never 0, and the status column says why (集計中, 未把握, 記載なし);
* a Western year column beside the era label (`2023`, `R5年度`);
* the national local-government code (全国地方公共団体コード, six digits) of each municipality;
* UTF-8 with a byte order mark (so that Excel opens it in Japanese), CRLF line ends.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.functional import lazy

from plans import selectors
from plans.choices import ActualStatus, Mark
from plans.models import Actual, Goal, Kpi, Plan, PolicyDirection, Project, PublishedYear
from plans.presentation import format_rate
from plans.rules.progress import KpiProgress, KpiValues
from plans.rules.text import fold_for_search
from plans.selectors.progress import (
    kpi_values,
    plan_stored_progress,
    progress_from_row,
    series_years,
    unstored_progress,
)
from workbooks import schema
from workbooks.plan_export import attachment_code, plan_document, plan_rows, year_text
from workbooks.plan_workbook import write_workbook
from workbooks.safety import csv_bytes

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"
# Interpolated yearly targets are exact fractions: written at the KPI's precision (the decimal places
# its values are written with, ``KpiValues.places``), else to four decimals.
INTERPOLATED_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class CsvColumn:
    key: str
    header: str  # Japanese, as the file's first row
    help: str  # Japanese, for the column list on the download page
    example: str = ""


def _japanese_legend(choices) -> str:
    """`○ 達成（100％以上） △ …`: each value and its label from plans.choices, in Japanese as the other
    column help is, whatever the page's language."""
    with translation.override("ja"):
        return " ".join(f"{member.value} {member.label}" for member in choices)


CSV_COLUMNS = (
    CsvColumn(
        "municipality_code", "全国地方公共団体コード", "計画を策定した自治体の6桁のコード（検査数字を含む）", "402036"
    ),
    CsvColumn("municipality", "地方公共団体名", "計画を策定した自治体の名称", "久留米市"),
    CsvColumn("plan_id", "計画ID", "計画の識別子（URL・APIと共通）", "kurume-strategy-1"),
    CsvColumn("plan_title", "計画名", "計画の名称（記載どおり）", "第1期 久留米市地方創生総合戦略"),
    CsvColumn("goal_number", "基本目標番号", "指標が属する基本目標の番号（政策パッケージ等の指標は空欄）", "4"),
    CsvColumn("goal_title", "基本目標名", "基本目標の名称", "安心して結婚・出産・子育てができる環境をつくる"),
    CsvColumn(
        "level", "指標の区分", "計画 / 基本目標 / 施策の方向性 / パッケージ / 事業 のどれに付く指標か", "基本目標"
    ),
    CsvColumn(
        "attached_to", "区分の番号", "指標が付く基本目標・施策の方向性・パッケージ・事業の番号（記載どおり）", "4"
    ),
    CsvColumn("kpi_code", "指標コード", "計画内で指標を識別するコード", "G4-1"),
    CsvColumn("kpi_name", "指標名", "指標の名称（記載どおり）", "子育てしやすいと思う市民の割合"),
    CsvColumn("unit", "単位", "数値の単位（数値の列には単位を付けません）", "%"),
    CsvColumn("direction", "目指す方向", "増加 / 減少 / 維持", "増加"),
    CsvColumn("year_kind", "年の区分", "年度（4月〜翌3月）/ 年（暦年）", "年度"),
    CsvColumn("cumulative", "累計値", "1: 値が累計、0: 各年の値", "0"),
    CsvColumn("department", "担当課", "指標を担当する課（記載がなければ空欄）", "企画調整課"),
    CsvColumn("baseline_year", "基準年（西暦）", "基準値の年", "2014"),
    CsvColumn("baseline_year_label", "基準年（和暦）", "基準値の年（和暦）", "H26年度"),
    CsvColumn("baseline", "基準値", "基準値（数値のみ。読めない場合は空欄）", "70.8"),
    CsvColumn("baseline_raw", "基準値（計画の表記）", "計画に書かれたとおりの基準値", "70.8%"),
    CsvColumn("target_year", "目標年（西暦）", "最終目標の年", "2019"),
    CsvColumn("target_year_label", "目標年（和暦）", "最終目標の年（和暦）", "H31年度"),
    CsvColumn("target", "最終目標値", "最終目標値（数値のみ。読めない場合は空欄）", "80"),
    CsvColumn("target_raw", "最終目標値（計画の表記）", "計画に書かれたとおりの最終目標値", "80.0%"),
    CsvColumn("at_least", "以上（維持型）", "1: 目標値以上を保つ型の目標、0: それ以外", "0"),
    CsvColumn("year", "年（西暦）", "この行の年。基準値の次の年から目標年まで1年1行", "2017"),
    CsvColumn("year_label", "年（和暦）", "この行の年（和暦）", "H29年度"),
    CsvColumn(
        "year_target", "年度目標値", "この年の目標値（計画に記載がなければ基準値と最終目標値を結ぶ直線上の値）", "75"
    ),
    CsvColumn("year_target_source", "年度目標値の根拠", "計画に記載 / 直線補間 / 空欄（目標なし）", "計画に記載"),
    CsvColumn("actual", "実績値", "公表された実績値（数値のみ）。値がなければ空欄で、0 とは区別します", "78"),
    CsvColumn("actual_raw", "実績値（計画の表記）", "書かれたとおりの実績値（注記を含む）", "78.0%"),
    CsvColumn(
        "actual_status", "実績の状態", "測定済 / 集計中 / 未把握 / 記載なし / 要確認。実績の行がない年は空欄", "測定済"
    ),
    CsvColumn("preliminary", "速報値", "1: 速報値、0: 確定値。実績がない年は空欄", "0"),
    CsvColumn("actual_note", "実績の注記", "調査年・累計の範囲など、値に付いた注記", ""),
    CsvColumn("rate", "達成率（%）", "（実績値 − 基準値）÷（年度目標値 − 基準値）× 100。小数第1位まで", "190.4"),
    CsvColumn("mark", "進捗度", lazy(lambda: _japanese_legend(Mark), str)(), "○"),
    CsvColumn("outlook", "見通し", "この年までの実績による最終目標の見通し A〜E（- は実績なし）", "A"),
    CsvColumn("official_rating", "計画の評価（記載どおり）", "計画がこの年に印刷した評価（見込み）", "A"),
)
CSV_HEADERS = tuple(column.header for column in CSV_COLUMNS)


def csv_number(value: Decimal | int | None, places: int | None = None) -> str:
    """A number as the file writes it: plain digits, no separators or unit; blank for no value.

    With ``places`` (the KPI's precision) exactly that many decimals, rounded half up: an
    interpolated 17958.666… of a KPI counted in whole 人 is `17959`, 63.000000 written `63.0%` is `63.0`.
    """
    if value is None:
        return ""
    if places is not None:
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = format(rounded, "f")
        return text.removeprefix("-") if rounded == 0 else text
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _flag(value: bool) -> str:
    return "1" if value else "0"


def kpi_csv_rows(kpi: KpiValues, *, attributes: dict[str, str], progress: Mapping[int, KpiProgress]) -> list[dict]:
    """Pure: one row per year of the KPI (its table's years; one row without a year if it has none).

    ``attributes`` are the KPI's descriptive cells (municipality, plan, names, raw texts); the
    year cells are the KPI's stored standing in each year (``progress``, by year: the target,
    rate, mark and outlook as stored) beside the actual as written. No rule runs here.
    """
    fiscal = kpi.fiscal
    years = series_years(kpi)
    if not years:
        return [{**attributes, **dict.fromkeys(_YEAR_KEYS, "")}]
    rows = []
    for year in years:
        standing = progress.get(year) or unstored_progress(kpi, year)
        target = standing.year_target.value
        if target is not None and not standing.year_target.stated and kpi.places is None:
            target = target.quantize(INTERPOLATED_PLACES)
        actual = kpi.actuals.get(year)
        detail = kpi.actual_details.get(year)
        rows.append(
            {
                **attributes,
                "year": str(year),
                "year_label": year_text(year, fiscal=fiscal),
                "year_target": csv_number(target, kpi.places),
                "year_target_source": (
                    "" if target is None else "計画に記載" if standing.year_target.stated else "直線補間"
                ),
                "actual": csv_number(actual, kpi.places),
                "actual_raw": detail.raw if detail else "",
                "actual_status": schema.word_for(_STATUS_WORDS, detail.status) if detail else "",
                "preliminary": _flag(detail.preliminary) if detail else "",
                "actual_note": detail.note if detail else "",
                "rate": format_rate(standing.rate).rstrip("%")
                if standing.rate is not None and actual is not None
                else "",
                "mark": standing.mark,
                "outlook": standing.outlook,
                "official_rating": kpi.official_outlooks.get(year, ""),
            }
        )
    return rows


_YEAR_KEYS = (
    "year",
    "year_label",
    "year_target",
    "year_target_source",
    "actual",
    "actual_raw",
    "actual_status",
    "preliminary",
    "actual_note",
    "rate",
    "mark",
    "outlook",
    "official_rating",
)
_STATUS_WORDS = {word: key for word, key in schema.STATUS_WORDS.items() if word}


def _kpi_attributes(plan, kpi, places: int | None = None) -> dict[str, str]:
    fiscal = kpi.year_kind == "fiscal"
    goal = kpi.goal if kpi.goal_id else kpi.policy_direction.goal if kpi.policy_direction_id else None
    return {
        "municipality_code": plan.municipality.code or "",
        "municipality": plan.municipality.name,
        "plan_id": plan.slug,
        "plan_title": plan.title,
        "goal_number": str(goal.number) if goal else "",
        "goal_title": goal.title if goal else "",
        "level": schema.word_for(schema.LEVEL_WORDS, kpi.level),
        "attached_to": attachment_code(kpi),
        "kpi_code": kpi.code,
        "kpi_name": kpi.name,
        "unit": kpi.unit,
        "direction": schema.word_for(schema.DIRECTION_WORDS, kpi.direction),
        "year_kind": schema.word_for(schema.YEAR_KIND_WORDS, kpi.year_kind),
        "cumulative": _flag(kpi.is_cumulative),
        "department": kpi.department.name if kpi.department_id else "",
        "baseline_year": str(kpi.baseline_year or ""),
        "baseline_year_label": year_text(kpi.baseline_year, fiscal=fiscal),
        "baseline": csv_number(kpi.baseline_value, places),
        "baseline_raw": kpi.baseline_raw,
        "target_year": str(kpi.target_year or ""),
        "target_year_label": year_text(kpi.target_year, fiscal=fiscal),
        "target": csv_number(kpi.target_value, places),
        "target_raw": kpi.target_raw,
        "at_least": _flag(kpi.target_at_least),
    }


def plan_csv_rows(slug: str) -> list[dict]:
    """The published rows of a plan's CSV, from the stored progress of the citizens' view
    (queries: the plan, its stored progress, and the four of the KPIs)."""

    plan = Plan.objects.select_related("municipality").get(slug=slug)
    stored = plan_stored_progress(plan.pk, public=True)
    rows: list[dict] = []
    for kpi in selectors.kpis_with_values(plan.pk, public=True):
        values = kpi_values(kpi)
        progress = {year: progress_from_row(values, row) for year, row in stored.get(kpi.pk, {}).items()}
        rows += kpi_csv_rows(values, attributes=_kpi_attributes(plan, kpi, values.places), progress=progress)
    return rows


def write_csv(rows: Iterable[dict]) -> bytes:
    """UTF-8 with BOM, CRLF, a header row of Japanese column names, then the rows."""
    return csv_bytes([CSV_HEADERS, *([row.get(column.key, "") for column in CSV_COLUMNS] for row in rows)])


def plan_csv(slug: str) -> bytes:
    return write_csv(plan_csv_rows(slug))


def public_workbook(slug: str) -> bytes:
    """The plan workbook (.xlsx) of the published data, in the format ``import_plan`` reads."""

    return write_workbook(plan_rows(slug, public=True))


def public_document(slug: str) -> dict:
    """The plan JSON document of the published data (what ``GET /api/v1/plans/{slug}/`` serves)."""
    return plan_document(slug, public=True)


def catalogue_entries(plans: list[Plan]) -> list[dict]:
    """These plans (from ``_catalogue_plans``) with the counts of their documents: two queries at most.

    The counts of a plan change only with its data version (every write that moves its public
    data bumps it), so each plan's counts are kept in the shared cache under its version and only
    the plans whose version moved since are counted again, in one query (a correlated subquery per
    kind of row: the number of plans does not change the number of queries and joins do not
    multiply the counts). A page of the catalogue (``catalogue_page``: the open-data page and
    ``GET /api/v1/plans/``) then counts at most its own plans, and a plan again only once its
    version has moved.
    """
    if not plans:
        return []
    keys = {plan.pk: f"opendata:counts:{plan.pk}:{plan.data_version}" for plan in plans}
    known = cache.get_many(list(keys.values()))
    missing = [plan_id for plan_id, key in keys.items() if key not in known]
    if missing:
        counted = dict(plan_counts(missing))
        fresh = {keys[plan_id]: counted.get(plan_id, dict.fromkeys(COUNT_KINDS, 0)) for plan_id in missing}
        cache.set_many(fresh, CATALOGUE_COUNTS_SECONDS)
        known.update(fresh)
    return [
        {
            "slug": plan.slug,
            "title": plan.title,
            "municipality": plan.municipality.name,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "counts": known[keys[plan.pk]],
        }
        for plan in plans
    ]


def _catalogue_plans(condition: Q):
    """The plans of the catalogue matching ``condition`` (``catalogue_condition``) in the order it
    lists them: the lead municipality's code, the first year, the slug."""
    return (
        Plan.objects.filter(condition)
        .select_related("municipality")
        .only("slug", "title", "first_year", "last_year", "data_version", "municipality__name")
        .order_by("municipality__code", "first_year", "slug")
    )


PLANS_PER_PAGE = 50  # the open-data page and GET /api/v1/plans/ list this many plans a page
MAX_CATALOGUE_QUERY_LENGTH = 100


def catalogue_condition(prefecture: str = "", query: str = "") -> Q:
    """Plans led by a municipality of ``prefecture`` (a JIS code, or "" for every one) whose title or
    lead municipality's name (or kana) holds every word of ``query`` (full- and half-width alike)."""
    condition = Q()
    if prefecture:
        condition &= Q(municipality__prefecture_code=prefecture)
    for typed in query[:MAX_CATALOGUE_QUERY_LENGTH].split():
        word = unicodedata.normalize("NFKC", typed)  # titles are written either way: 第１期, 第1期
        condition &= (
            Q(title__icontains=word)
            | Q(title__icontains=typed)
            | Q(municipality__name__icontains=word)
            | Q(municipality__name_kana__icontains=fold_for_search(word))
        )
    return condition


@dataclass(frozen=True)
class CataloguePage:
    page: Page  # of plans
    entries: list[dict]  # the page's plans with their counts (``catalogue_entries``)


def catalogue_page(page_number, *, prefecture: str = "", query: str = "") -> CataloguePage:
    """One page of the catalogue (``PLANS_PER_PAGE`` plans), narrowed to a prefecture and by words:
    what the open-data page and ``GET /api/v1/plans/`` list.

    Queries, whatever the nation's size: the number of matching plans, the page's plans, their kept
    counts and (for the plans whose version moved) one count of those plans alone. A page number
    that is not a number is the first page, one beyond the last the last (``Paginator.get_page``).
    """
    paginator = Paginator(_catalogue_plans(catalogue_condition(prefecture, query)), PLANS_PER_PAGE)
    page = paginator.get_page(page_number)
    return CataloguePage(page, catalogue_entries(list(page.object_list)))


def prefecture_plan_counts() -> dict[str, int]:
    """How many plans the municipalities of each prefecture lead (one grouped count)."""
    return dict(
        Plan.objects.values("municipality__prefecture_code")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("municipality__prefecture_code", "count")
    )


COUNT_KINDS = ("goals", "directions", "projects", "kpis", "actuals")
CATALOGUE_COUNTS_SECONDS = 7 * 24 * 3600  # keyed by the plan's version: never stale, only evicted


def plan_counts(plan_ids: list[int]) -> list[tuple[int, dict]]:
    """The counts of these plans' documents, in one query."""

    def count(queryset, plan_field: str):
        grouped = queryset.filter(**{plan_field: OuterRef("pk")}).order_by().values(plan_field)
        return Coalesce(
            Subquery(grouped.annotate(total=Count("pk")).values("total")[:1], output_field=IntegerField()), Value(0)
        )

    published = PublishedYear.objects.filter(plan_id=OuterRef("kpi__plan_id"), year=OuterRef("year"))
    rows = (
        Plan.objects.filter(pk__in=plan_ids)
        .order_by()
        .values_list(
            "pk",
            count(Goal.objects.all(), "plan"),
            count(PolicyDirection.objects.all(), "plan"),
            count(Project.objects.all(), "plan"),
            count(Kpi.objects.all(), "plan"),
            count(Actual.objects.filter(status=ActualStatus.MEASURED).filter(Exists(published)), "kpi__plan"),
        )
    )
    return [(plan_id, dict(zip(COUNT_KINDS, numbers, strict=True))) for plan_id, *numbers in rows]
