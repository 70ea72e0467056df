"""Finding KPIs by name across plans, the way Japanese readers type.

Both the query and the names are normalised the same way before comparing:

* NFKC, so full-width and half-width forms match alike (`ＫＰＩ` = `KPI`, `１５` = `15`,
  `ｺﾐｭﾆﾃｨ` = `コミュニティ`);
* case folded (`mice` finds `MICE`), katakana folded to hiragana (`こみゅにてぃ` finds
  `コミュニティ`), and spaces removed (names are printed with stray spaces: `15 歳以上`);
* a part of a word matches (`子育て` finds `子育てしやすいと思う市民の割合`); several words
  separated by spaces must all occur.

The normalising and highlighting are pure functions over plain values (``find`` is the rule as a
whole). The database does the matching: each KPI keeps the normalised key of its name
(``Kpi.search_text``, ``plans.rules.text.search_key``), each query term is a ``LIKE '%term%'``
on it (a pg_trgm GIN index on PostgreSQL, a scan on SQLite), and ``search_kpis`` returns one
page of hits (``PER_PAGE``); ``standings`` then reads the page's
stored marks, outlooks and latest actuals (``KpiYearProgress``, citizens' view). The number of
queries never depends on the number of hits. ``search_goals`` finds goals by label and title.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Max, Q, Value, When
from django.db.models.functions import Cast, Concat

from plans.models import Goal, Kpi
from plans.rules.text import fold_for_search, search_key
from plans.selectors.base import stored_rows

MAX_QUERY_LENGTH = 100
PER_PAGE = 50  # KPI hits per page
MAX_GOAL_HITS = 50
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}
_SOUND_MARKS = {"\uff9e", "\uff9f", "\u3099", "\u309a"}  # half-width and combining (semi-)voiced marks
_fold = fold_for_search
normalize_for_search = search_key


def query_terms(query: str) -> list[str]:
    """The normalised words of a query (split on half- and full-width spaces), longest first."""
    terms = {normalize_for_search(word) for word in _fold(query[:MAX_QUERY_LENGTH]).split()}
    return sorted((term for term in terms if term), key=len, reverse=True)


def _units(text: str) -> list[str]:
    """Characters with the sound marks that follow them (`ｶﾞ` is one unit, like `ガ`)."""
    units: list[str] = []
    for character in text:
        if units and (character in _SOUND_MARKS or unicodedata.combining(character)):
            units[-1] += character
        else:
            units.append(character)
    return units


def normalized_with_positions(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index in ``text`` it came from."""
    normalized, positions, index = [], [], 0
    for unit in _units(text):
        for character in normalize_for_search(unit):
            normalized.append(character)
            positions.append(index)
        index += len(unit)
    return "".join(normalized), positions


@dataclass(frozen=True)
class Piece:
    text: str
    matched: bool


def highlight(text: str, terms: Sequence[str]) -> list[Piece]:
    """``text`` cut into pieces, those that match a term marked, for showing with <mark>."""
    normalized, positions = normalized_with_positions(text)
    hits = [False] * len(text)
    for term in terms:
        start = normalized.find(term)
        while start >= 0:
            first, last = positions[start], positions[start + len(term) - 1]
            end = last + 1
            while end < len(text) and (text[end] in _SOUND_MARKS or unicodedata.combining(text[end])):
                end += 1
            for index in range(first, end):
                hits[index] = True
            start = normalized.find(term, start + 1)
    pieces: list[Piece] = []
    for character, hit in zip(text, hits, strict=True):
        if pieces and pieces[-1].matched == hit:
            pieces[-1] = Piece(pieces[-1].text + character, hit)
        else:
            pieces.append(Piece(character, hit))
    return pieces


@dataclass(frozen=True)
class SearchEntry:
    """What is searched and shown for one KPI."""

    plan_slug: str
    plan_title: str
    municipality: str
    code: str
    name: str
    unit: str = ""
    context: str = ""  # the goal, direction or package it belongs to, as shown under the name
    kpi_id: int | None = None
    plan_id: int | None = None
    fiscal: bool = True


@dataclass(frozen=True)
class Standing:
    """A KPI's stored standing, as its goal page's card shows it: the mark and outlook of the
    plan's latest published year with data, and the latest published actual up to it."""

    year: int
    mark: str
    outlook: str
    latest_year: int | None = None
    latest_actual: Decimal | None = None


@dataclass(frozen=True)
class SearchHit:
    entry: SearchEntry
    pieces: list[Piece]
    standing: Standing | None = field(default=None, compare=False)


def matches(terms: Sequence[str], name: str) -> bool:
    normalized = normalize_for_search(name)
    return bool(terms) and all(term in normalized for term in terms)


def find(query: str, entries: Iterable[SearchEntry]) -> list[SearchHit]:
    """Pure: the entries whose name contains every word of ``query``, names that start with the
    query first, then in the order given (plan by plan, as the plans print them)."""
    terms = query_terms(query)
    if not terms:
        return []
    whole = normalize_for_search(query[:MAX_QUERY_LENGTH])
    hits = [entry for entry in entries if matches(terms, entry.name)]
    hits.sort(key=lambda entry: not normalize_for_search(entry.name).startswith(whole))
    return [SearchHit(entry, highlight(entry.name, terms)) for entry in hits]


def entry_of(kpi: Kpi) -> SearchEntry:
    """A KPI loaded with its plan, municipality, goal, direction and package, as a search entry."""
    if kpi.policy_direction_id:
        context = f"{kpi.policy_direction.code} {kpi.policy_direction.title}"
    elif kpi.goal_id:
        context = f"{kpi.goal.kind_label}{kpi.goal.number} {kpi.goal.title}"
    elif kpi.package_id:
        context = f"{kpi.package.number}. {kpi.package.title}"
    else:
        context = ""
    return SearchEntry(
        plan_slug=kpi.plan.slug,
        plan_title=kpi.plan.title,
        municipality=kpi.plan.municipality.name,
        code=kpi.code,
        name=kpi.name,
        unit=kpi.unit,
        context=context.strip(),
        kpi_id=kpi.pk,
        plan_id=kpi.plan_id,
        fiscal=kpi.year_kind != "calendar",
    )


def matching_kpis(query: str):
    """The KPIs whose ``search_text`` contains every term of ``query``: names that start with the
    whole query first, then plan by plan as the plans print them. Every plan is searched, as its
    pages are public before anything is published (its KPIs and targets; the hits of a plan with
    nothing published say so).

    Each term is a ``LIKE '%term%'`` on the stored key: on PostgreSQL the trigram index
    ``plans_kpi_search_trgm`` serves it (terms of three characters or more), on SQLite it is a scan.
    """
    terms = query_terms(query)
    if not terms:
        return Kpi.objects.none()
    whole = normalize_for_search(query[:MAX_QUERY_LENGTH])
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return (
        Kpi.objects.filter(condition)
        .annotate(starts=Case(When(search_text__startswith=whole, then=Value(0)), default=Value(1)))
        .order_by("starts", "plan__municipality__code", "plan__first_year", "plan__slug", "order", "id")
    )


def standings(kpi_ids: Iterable[int]) -> dict[int, Standing]:
    """The stored public standing of these KPIs (three queries, whatever their number): each
    plan's latest published year with an actual, the KPIs' rows of that year, their latest
    rows with an actual. A plan with nothing published gives its KPIs no standing."""
    kpi_ids = list(kpi_ids)
    if not kpi_ids:
        return {}
    rows = stored_rows(public=True).filter(kpi_id__in=kpi_ids).order_by()
    measured = rows.filter(actual__isnull=False)
    years = dict(measured.values("plan_id").annotate(latest=Max("year")).values_list("plan_id", "latest"))
    if not years:
        return {}
    shown = Q()
    for plan_id, year in years.items():
        shown |= Q(plan_id=plan_id, year=year)
    latest = {
        kpi_id: (year, actual)
        for kpi_id, year, actual in measured.order_by("kpi_id", "year").values_list("kpi_id", "year", "actual")
    }  # ordered by year: the latest stays
    return {
        kpi_id: Standing(year, mark, outlook, *latest.get(kpi_id, (None, None)))
        for kpi_id, year, mark, outlook in rows.filter(shown).values_list("kpi_id", "year", "mark", "outlook")
    }


@dataclass(frozen=True)
class SearchPage:
    """One page of KPI hits and the paginator's page (``page.paginator.count`` hits in all)."""

    hits: list[SearchHit]
    page: Page


def search_kpis(query: str, page_number=1) -> SearchPage:
    """One page (``PER_PAGE``) of the KPIs whose name matches ``query`` (see the module docstring),
    each with its stored standing. Queries, whatever the number of hits: the count, the page's
    KPIs with their plan, goal, direction and package, and their standings (three)."""
    terms = query_terms(query)
    kpis = matching_kpis(query).select_related("plan__municipality", "goal", "policy_direction__goal", "package")
    page = Paginator(kpis, PER_PAGE).get_page(page_number)
    kpis = list(page.object_list)
    found = standings(kpi.pk for kpi in kpis)
    hits = [SearchHit(entry_of(kpi), highlight(kpi.name, terms), found.get(kpi.pk)) for kpi in kpis]
    return SearchPage(hits, page)


@dataclass(frozen=True)
class GoalHit:
    plan_slug: str
    plan_title: str
    municipality: str
    number: int
    label: str  # 基本目標1, 分野2 …
    title: str
    pieces: list[Piece]


def search_goals(query: str) -> list[GoalHit]:
    """Goals whose label and title (「基本目標2 …」) contain every word of ``query``, at most
    ``MAX_GOAL_HITS`` (one query).

    Goals keep no search key: the database matches each word as typed and in katakana (titles are
    printed in katakana, words typed in hiragana), case-insensitively, and the exact rule
    (``matches``) then checks the candidates.
    """
    terms = query_terms(query)
    if not terms:
        return []
    condition = Q()
    for term in terms:
        condition &= Q(text__icontains=term) | Q(text__icontains=term.translate(_HIRAGANA_TO_KATAKANA))
    goals = (
        Goal.objects.annotate(text=Concat("kind_label", Cast("number", CharField()), "title"))
        .filter(condition)
        .select_related("plan__municipality")
        .order_by("plan__municipality__code", "plan__first_year", "plan__slug", "number")
    )
    hits = []
    for goal in goals[:MAX_GOAL_HITS]:
        label = f"{goal.kind_label}{goal.number}"
        if matches(terms, f"{label} {goal.title}"):
            hits.append(
                GoalHit(
                    plan_slug=goal.plan.slug,
                    plan_title=goal.plan.title,
                    municipality=goal.plan.municipality.name,
                    number=goal.number,
                    label=label,
                    title=goal.title,
                    pieces=highlight(goal.title, terms),
                )
            )
    return hits
