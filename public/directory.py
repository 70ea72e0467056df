"""The way into the plans at national scale: prefectures, their municipalities, a municipality's plans.

The home page lists the 47 prefectures with how many municipalities and plans each has (two
grouped counts), and finds municipalities by a part of their name; a prefecture's page lists its
municipalities a page at a time; a municipality's page lists the plans it leads or takes part in,
each with its stored plan tally (``ProgressTally``, citizens' view) in the year its page opens on.
No page lists every plan of the nation or reads an actual of another municipality: every read is
grouped or bounded by the municipality (or prefecture) at hand, so the number of queries does not
grow with the nation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from plans.choices import TallyScope
from plans.models import Municipality, Plan, ProgressTally, ProgressView
from plans.rules.tallies import Tally
from plans.rules.text import fold_for_search
from plans.selectors.base import stored_rows
from plans.selectors.review import data_dates
from public.summary import PlanHealth, data_as_of

MUNICIPALITIES_PER_PAGE = 50
MUNICIPALITY_MATCHES = 50  # the home page's municipality search shows at most this many
MAX_NAME_QUERY_LENGTH = 50

# JIS X 0401 prefecture codes and names, in code order (north to south).
PREFECTURES = (
    ("01", "北海道"),
    ("02", "青森県"),
    ("03", "岩手県"),
    ("04", "宮城県"),
    ("05", "秋田県"),
    ("06", "山形県"),
    ("07", "福島県"),
    ("08", "茨城県"),
    ("09", "栃木県"),
    ("10", "群馬県"),
    ("11", "埼玉県"),
    ("12", "千葉県"),
    ("13", "東京都"),
    ("14", "神奈川県"),
    ("15", "新潟県"),
    ("16", "富山県"),
    ("17", "石川県"),
    ("18", "福井県"),
    ("19", "山梨県"),
    ("20", "長野県"),
    ("21", "岐阜県"),
    ("22", "静岡県"),
    ("23", "愛知県"),
    ("24", "三重県"),
    ("25", "滋賀県"),
    ("26", "京都府"),
    ("27", "大阪府"),
    ("28", "兵庫県"),
    ("29", "奈良県"),
    ("30", "和歌山県"),
    ("31", "鳥取県"),
    ("32", "島根県"),
    ("33", "岡山県"),
    ("34", "広島県"),
    ("35", "山口県"),
    ("36", "徳島県"),
    ("37", "香川県"),
    ("38", "愛媛県"),
    ("39", "高知県"),
    ("40", "福岡県"),
    ("41", "佐賀県"),
    ("42", "長崎県"),
    ("43", "熊本県"),
    ("44", "大分県"),
    ("45", "宮崎県"),
    ("46", "鹿児島県"),
    ("47", "沖縄県"),
)
PREFECTURE_NAMES = dict(PREFECTURES)


@dataclass(frozen=True)
class PrefectureRow:
    code: str
    name: str
    municipalities: int
    plans: int


def prefecture_rows() -> list[PrefectureRow]:
    """The 47 prefectures with their municipalities and the plans those lead (two grouped counts)."""
    towns = dict(
        Municipality.objects.exclude(prefecture_code="")
        .values("prefecture_code")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("prefecture_code", "count")
    )
    plans = dict(
        Plan.objects.values("municipality__prefecture_code")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("municipality__prefecture_code", "count")
    )
    return [PrefectureRow(code, name, towns.get(code, 0), plans.get(code, 0)) for code, name in PREFECTURES]


def with_plan_counts(municipalities):
    """Municipalities with ``n_led`` and ``n_partner``: the plans each leads and those it takes
    part in (distinct counts: the two joins multiply each other's rows)."""
    return municipalities.annotate(
        n_led=Count("lead_plans", distinct=True), n_partner=Count("partner_plans", distinct=True)
    )


def municipality_matches(query: str) -> list[Municipality]:
    """Municipalities whose name or kana contains ``query`` (full- and half-width alike), in code
    order, at most ``MUNICIPALITY_MATCHES`` (one query), each with its ``prefecture_name``: names
    repeat across prefectures (府中市 in 東京都 and 広島県, 伊達市 in 北海道 and 福島県)."""
    words = unicodedata.normalize("NFKC", query[:MAX_NAME_QUERY_LENGTH]).split()
    if not words:
        return []
    condition = Q()
    for word in words:  # the name as written, the kana (stored in hiragana) whatever kana was typed
        condition &= Q(name__icontains=word) | Q(name_kana__icontains=fold_for_search(word))
    found = with_plan_counts(Municipality.objects.filter(condition)).order_by("code", "pk")
    matches = list(found[:MUNICIPALITY_MATCHES])
    for town in matches:
        town.prefecture_name = PREFECTURE_NAMES.get(town.prefecture_code, "")
    return matches


def prefecture_page(code: str, page_number) -> Page:
    """One page of a prefecture's municipalities in code order, each with its plan counts (two
    queries: the count and the page)."""
    municipalities = with_plan_counts(Municipality.objects.filter(prefecture_code=code)).order_by("code", "pk")
    return Paginator(municipalities, MUNICIPALITIES_PER_PAGE).get_page(page_number)


def plan_healths(plans: Iterable[Plan]) -> list[PlanHealth]:
    """These plans (loaded with their municipality and partners) with their health, as the home
    page's plan cards show it: the year the plan's page opens on (``data_as_of``) and the stored
    plan tally there. Queries, whatever the number of plans and KPIs: the years with a published
    actual, the stored plan tallies, and the data's dates (``data_dates``: four); every one of
    them filtered by these plans."""
    plans = list(plans)
    plan_ids = [plan.pk for plan in plans]
    measured: dict[int, list[int]] = {}
    for plan_id, year in (
        stored_rows(public=True)
        .filter(plan_id__in=plan_ids, actual__isnull=False)
        .order_by("plan_id", "year")
        .values_list("plan_id", "year")
        .distinct()
    ):
        measured.setdefault(plan_id, []).append(year)
    stored = {
        (row.plan_id, row.year): row
        for row in ProgressTally.objects.filter(
            plan_id__in=plan_ids, view=ProgressView.PUBLIC, scope=TallyScope.PLAN
        ).only("plan_id", "year", "kpi_count", "marks", "outlooks")
    }
    dates = data_dates(plans)
    healths = []
    for plan in plans:
        years = measured.get(plan.pk, [])
        as_of = data_as_of(dates[plan.pk], years)
        year = as_of.year or plan.report_year or plan.first_year
        row = stored.get((plan.pk, year))
        tally = Tally(row.kpi_count, row.marks, row.outlooks) if row else Tally()
        healths.append(PlanHealth(plan=plan, year=year, has_data=bool(years), tally=tally, as_of=as_of))
    return healths


def municipality_plans(municipality: Municipality) -> tuple[list[PlanHealth], list[PlanHealth]]:
    """The plans a municipality leads and those it takes part in as a partner, with their health."""
    plans = (
        Plan.objects.filter(Q(municipality=municipality) | Q(partners=municipality))
        .distinct()
        .select_related("municipality")
        .prefetch_related("partners")
        .order_by("first_year", "slug")
    )
    healths = plan_healths(plans)
    led = [health for health in healths if health.plan.municipality_id == municipality.pk]
    return led, [health for health in healths if health.plan.municipality_id != municipality.pk]
