"""KPI search: NFKC on both sides, kana folded, a part of a word matches (public.search)."""

import pytest

from public.search import SearchEntry, find, highlight, normalize_for_search, query_terms

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
