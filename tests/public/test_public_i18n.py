"""The public pages made for the whole nation speak the visitor's language: Japanese by default,
English when the language switcher (its cookie) asks for it. The prefecture page, the home page's
municipality search and prefecture list, and the page links carry no hard-coded Japanese."""

import pytest

from plans.rules.municipalities import full_code
from public import directory
from tests.factories import MunicipalityFactory
from tests.public.test_opendata_catalogue import town_plans

pytestmark = pytest.mark.django_db

PREFECTURE_PAGE = "/prefectures/47/?page=2"
TOWN_SEARCH = "/?municipality=目録"
NO_PLAN_SEARCH = "/?municipality=空白"

# What each page says, in each language (the names of places are data, the same in both).
WORDS = {
    PREFECTURE_PAGE: {
        "ja": [
            "<h1>沖縄県の市区町村</h1>",
            "6市区町村（3〜4件目）",
            "計画 1件",
            'aria-label="ページ"',
            'rel="prev">前へ</a>',
            'rel="next">次へ</a>',
            "都道府県の一覧へ",
        ],
        "en": [
            "<h1>Municipalities of 沖縄県</h1>",
            "6 municipalities, 3–4 shown",
            "1 plan it leads",
            'aria-label="Pages"',
            'rel="prev">Previous</a>',
            'rel="next">Next</a>',
            "To the list of prefectures",
        ],
    },
    TOWN_SEARCH: {
        "ja": [
            'aria-label="市区町村の検索"',
            "市区町村を名前で探す",
            'placeholder="例：久留米、おごおり"',
            "「目録」に当てはまる市区町村：2件（先頭の2件。もっと長く入力すると絞り込めます）",
            "都道府県から探す",
            "6市区町村・計画5件",
        ],
        "en": [
            'aria-label="Municipality search"',
            "Find a municipality by name",
            'placeholder="e.g. 久留米, おごおり"',
            "2 municipalities match “目録” (the first 2 shown: type more of the name to narrow them down)",
            "Find by prefecture",
            "6 municipalities · 5 plans",
        ],
    },
    NO_PLAN_SEARCH: {
        "ja": ["「空白」に当てはまる市区町村：1件</h2>", "計画なし"],
        "en": ["1 municipality matches “空白”</h2>", "No plan"],
    },
}
# The Japanese the templates used to hard-code, none of which an English page may show.
HARD_CODED = [
    "の市区町村",
    "件目",
    "計画 ",
    "計画なし",
    "ページ",
    "前へ",
    "次へ",
    "都道府県の一覧へ",
    "都道府県から探す",
    "市区町村の検索",
    "名前で探す",
    "例：",
    "当てはまる",
    "先頭の",
    "市区町村・計画",
]


@pytest.fixture
def nation(monkeypatch):
    """沖縄県 with five towns of a plan each and one without, two a page; two search matches at most."""
    monkeypatch.setattr(directory, "MUNICIPALITIES_PER_PAGE", 2)
    monkeypatch.setattr(directory, "MUNICIPALITY_MATCHES", 2)
    town_plans(5)
    MunicipalityFactory(name="空白村", code=full_code("47999"), prefecture_code="47", name_kana="くうはくそん")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_national_pages_speak_the_visitors_language(client, nation, language):
    if language == "en":
        client.cookies["django_language"] = "en"  # what the language switcher sets
    for url, words in WORDS.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        for text in words[language]:
            assert text in html, (url, text)
        if language == "en":
            for text in HARD_CODED:
                assert text not in html, (url, text)
