"""Finding KPIs by name across plans, the way Japanese readers type.

Both the query and the names are normalised the same way before comparing:

* NFKC, so full-width and half-width forms match alike (`ＫＰＩ` = `KPI`, `１５` = `15`,
  `ｺﾐｭﾆﾃｨ` = `コミュニティ`);
* case folded (`mice` finds `MICE`), katakana folded to hiragana (`こみゅにてぃ` finds
  `コミュニティ`), and spaces removed (names are printed with stray spaces: `15 歳以上`);
* a part of a word matches (`子育て` finds `子育てしやすいと思う市民の割合`); several words
  separated by spaces must all occur.

Pure functions over plain values; ``search_kpis`` loads the names in one query (a few thousand
KPIs at most) and normalises in Python, so SQLite and PostgreSQL behave alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_QUERY_LENGTH = 100
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}
_SPACES = {ord(" "), ord("\t"), ord("\n"), ord("\r"), ord("\u3000")}
_SOUND_MARKS = {"\uff9e", "\uff9f", "\u3099", "\u309a"}  # half-width and combining (semi-)voiced marks


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_KATAKANA_TO_HIRAGANA)


def normalize_for_search(text: str) -> str:
    """NFKC, case fold, katakana to hiragana, no spaces: ``normalize_for_search("ｺﾄﾞﾓ 1") == "こども1"``."""
    return "".join(character for character in _fold(text) if ord(character) not in _SPACES)


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


@dataclass(frozen=True)
class SearchHit:
    entry: SearchEntry
    pieces: list[Piece]


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


def search_entries() -> list[SearchEntry]:
    """Every KPI of every plan, as search entries (one query)."""
    from plans.models import Kpi

    kpis = Kpi.objects.select_related("plan__municipality", "goal", "policy_direction__goal", "package").order_by(
        "plan__municipality__code", "plan__first_year", "plan__slug", "order", "id"
    )
    entries = []
    for kpi in kpis:
        if kpi.policy_direction_id:
            context = f"{kpi.policy_direction.code} {kpi.policy_direction.title}"
        elif kpi.goal_id:
            context = f"{kpi.goal.kind_label}{kpi.goal.number} {kpi.goal.title}"
        elif kpi.package_id:
            context = f"{kpi.package.number}. {kpi.package.title}"
        else:
            context = ""
        entries.append(
            SearchEntry(
                plan_slug=kpi.plan.slug,
                plan_title=kpi.plan.title,
                municipality=kpi.plan.municipality.name,
                code=kpi.code,
                name=kpi.name,
                unit=kpi.unit,
                context=context.strip(),
            )
        )
    return entries


def search_kpis(query: str) -> list[SearchHit]:
    """KPIs of every plan whose name matches ``query`` (see the module docstring)."""
    if not query_terms(query):
        return []
    return find(query, search_entries())
