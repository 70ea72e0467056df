"""KPI search: NFKC on both sides, kana folded, a part of a word matches (public.search); in the
database on Kpi.search_text, a page at a time, in a number of queries that does not depend on the
hits; the trigram index on PostgreSQL."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Kpi
from plans.rules.text import SEARCH_TEXT_CHARS, search_key
from plans.services.versions import fill_search_text
from public.search import (
    PER_PAGE,
    SearchEntry,
    find,
    highlight,
    matching_kpis,
    normalize_for_search,
    query_terms,
)
from tests.factories import plan_with_kpis

ENTRIES = [
    SearchEntry("p1", "計画1", "久留米市", "G4-1", "子育てしやすいと思う市民の割合", "%"),
    SearchEntry("p1", "計画1", "久留米市", "P3-3", "MICE 開催支援件数", "件"),
    SearchEntry("p2", "計画2", "小郡市", "G1", "久留米市の 15 歳以上 80 歳未満の滞在人口", "人"),
    SearchEntry("p2", "計画2", "小郡市", "2(3)-1", "コミュニティセンター利用者数", "人"),
    SearchEntry("p2", "計画2", "小郡市", "2(3)-2", "ｶﾞｲﾄﾞﾌﾞｯｸ配布数", "部"),
    SearchEntry("p3", "計画3", "うきは市", "1-1", "子育て支援センター利用者数", "人"),
]


def codes(query):
    return [hit.entry.code for hit in find(query, ENTRIES)]


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("ＭＩＣＥ", "mice"),
        ("１５歳", "15歳"),
        ("ｺﾐｭﾆﾃｨ", "こみゅにてぃ"),
        ("コミュニティ", "こみゅにてぃ"),
        ("ｶﾞｲﾄﾞ", "がいど"),
        ("15 歳以上　80 歳", "15歳以上80歳"),
        ("子育て", "子育て"),
    ],
)
def test_normalize_for_search(text, normalized):
    assert normalize_for_search(text) == normalized


def test_a_part_of_a_word_matches():
    assert codes("子育て") == ["G4-1", "1-1"]


@pytest.mark.parametrize("query", ["ＭＩＣＥ", "mice", "Mice", "ｍｉｃｅ"])
def test_full_width_and_half_width_and_case_match_alike(query):
    assert codes(query) == ["P3-3"]


@pytest.mark.parametrize("query", ["ｺﾐｭﾆﾃｨ", "こみゅにてぃ", "コミュニティ"])
def test_half_width_katakana_and_hiragana_find_katakana(query):
    assert codes(query) == ["2(3)-1"]


def test_full_width_katakana_finds_half_width_katakana_with_voiced_marks():
    assert codes("ガイドブック") == ["2(3)-2"]


def test_stray_spaces_in_printed_names_do_not_matter():
    assert codes("１５歳以上８０歳") == ["G1"]


def test_every_word_must_occur():
    assert codes("子育て 支援") == ["1-1"]
    assert codes("子育て　センター") == ["1-1"]  # full-width space separates words too
    assert codes("子育て 観光") == []


def test_names_that_start_with_the_query_come_first():
    assert codes("利用者数") == ["2(3)-1", "1-1"]
    assert codes("コミュニティセンター") == ["2(3)-1"]
    entries = [
        SearchEntry("p", "計画", "市", "A", "市民の子育て満足度"),
        SearchEntry("p", "計画", "市", "B", "子育て世帯数"),
    ]
    assert [hit.entry.code for hit in find("子育て", entries)] == ["B", "A"]


@pytest.mark.parametrize("query", ["", "   ", "\u3000"])
def test_an_empty_query_finds_nothing(query):
    assert query_terms(query) == []
    assert codes(query) == []


def test_highlight_marks_the_matched_part_of_the_name_as_printed():
    pieces = highlight("子育てしやすいと思う市民の割合", query_terms("子育て"))
    assert [(piece.text, piece.matched) for piece in pieces] == [("子育て", True), ("しやすいと思う市民の割合", False)]


def test_highlight_keeps_half_width_text_as_printed():
    pieces = highlight("ｶﾞｲﾄﾞﾌﾞｯｸ配布数", query_terms("ガイド"))
    assert [(piece.text, piece.matched) for piece in pieces] == [("ｶﾞｲﾄﾞ", True), ("ﾌﾞｯｸ配布数", False)]


def test_highlight_of_several_words():
    pieces = highlight("MICE 開催支援件数", query_terms("支援 ｍｉｃｅ"))
    assert "".join(piece.text for piece in pieces) == "MICE 開催支援件数"
    assert [piece.text for piece in pieces if piece.matched] == ["MICE", "支援"]


def test_a_very_long_query_is_cut():
    assert len("".join(query_terms("あ" * 500))) == 100


# --- in the database: Kpi.search_text, pages of PER_PAGE, bounded queries ----------------------


def searchable_plan(names, slug="searched"):
    """A plan whose KPIs bear ``names``, with their search keys filled as the import fills them."""
    plan = plan_with_kpis(len(names), slug=slug, names=names, published=(2020,))
    fill_search_text(Kpi.objects.filter(plan=plan))
    return plan


@pytest.mark.django_db
def test_the_database_matches_the_same_kpis_as_the_rule():
    plan = searchable_plan([entry.name for entry in ENTRIES])
    for query in (
        "子育て",
        "ＭＩＣＥ",
        "mice",
        "こみゅにてぃ",
        "ｺﾐｭﾆﾃｨ",
        "ガイド",
        "15歳 80",
        "利用者 センター",
        "存在しない",
    ):
        found = [kpi.name for kpi in matching_kpis(query).filter(plan=plan)]  # the seed plans may be loaded
        expected = [hit.entry.name for hit in find(query, ENTRIES)]
        assert sorted(found) == sorted(expected), query


@pytest.mark.django_db
def test_names_that_start_with_the_query_come_first_in_the_database():
    plan = searchable_plan(["市民の子育て満足度", "子育て支援センター数", "病児保育と子育て"])
    assert [kpi.name for kpi in matching_kpis("子育て").filter(plan=plan)] == [
        "子育て支援センター数",
        "市民の子育て満足度",
        "病児保育と子育て",
    ]


@pytest.mark.django_db
def test_the_search_page_shows_fifty_hits_a_page_with_links_to_the_others(client):
    searchable_plan([f"検索試験{index:03d}" for index in range(120)] + ["観光客数"])
    first = client.get("/search/", {"q": "検索試験"})
    html = first.content.decode()
    assert first.context["page_obj"].paginator.count == 120
    assert len(first.context["hits"]) == PER_PAGE
    assert "120件" in html and "1〜50件目を表示" in html
    assert 'href="?q=%E6%A4%9C%E7%B4%A2%E8%A9%A6%E9%A8%93&amp;page=3"' in html
    assert "<mark>検索試験</mark>000" in html
    last = client.get("/search/", {"q": "検索試験", "page": 3})
    assert [hit.entry.name for hit in last.context["hits"]] == [f"検索試験{index:03d}" for index in range(100, 120)]
    assert '<ol class="results" start="101">' in last.content.decode()
    assert client.get("/search/", {"q": "検索試験", "page": "many"}).context["page_obj"].number == 1


@pytest.mark.django_db
def test_the_api_search_pages_too(client):
    searchable_plan([f"検索試験{index:03d}" for index in range(60)])
    body = client.get("/api/v1/kpis/", {"q": "検索試験", "page": 2}).json()
    assert (body["count"], body["page"], body["pages"], body["per_page"]) == (60, 2, 2, PER_PAGE)
    assert [result["name"] for result in body["results"]] == [f"検索試験{index:03d}" for index in range(50, 60)]
    assert client.get("/api/v1/kpis/", {"q": "検索試験", "page": 0}).status_code == 422


@pytest.mark.django_db
def test_the_search_costs_the_same_queries_for_few_and_many_hits(client):
    def cost(url):
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    searchable_plan([f"検索試験{index:03d}" for index in range(3)], slug="few")
    few = [cost("/search/?q=検索試験"), cost("/api/v1/kpis/?q=検索試験")]
    searchable_plan([f"検索試験{index:03d}" for index in range(300)], slug="many")
    assert [cost("/search/?q=検索試験"), cost("/api/v1/kpis/?q=検索試験")] == few


@pytest.mark.django_db
def test_fill_search_text_keeps_the_key_of_each_name_and_writes_only_changes():
    plan = searchable_plan(["ＫＰＩ ｶﾞｲﾄﾞ"])
    kpi = Kpi.objects.get(plan=plan)
    assert kpi.search_text == search_key("ＫＰＩ ｶﾞｲﾄﾞ") == "kpiがいど"
    assert fill_search_text([kpi]) == 0
    kpi.name = "観光 ガイド"
    assert fill_search_text([kpi]) == 1
    assert Kpi.objects.get(pk=kpi.pk).search_text == "観光がいど"


def test_the_seed_import_fills_every_search_key(seed):
    keys = list(Kpi.objects.values_list("name", "search_text"))
    assert keys and all(text == search_key(name)[:SEARCH_TEXT_CHARS] for name, text in keys)


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only")


@postgresql_only
@pytest.mark.django_db
def test_the_trigram_index_exists_and_serves_the_search_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'plans_kpi_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition and "search_text" in definition
    searchable_plan([f"指標{index}" for index in range(200)] + ["子育て支援センター数"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_kpi")
        # A test table is small: ask what the planner would do on a large one, without whole scans.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = Kpi.objects.filter(search_text__contains="子育て支援").order_by().explain()
    assert "plans_kpi_search_trgm" in plan
