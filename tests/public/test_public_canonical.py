"""Every page of a list is its own page for search engines and for sharing: a page after the first
and a filtered catalogue keep their parameters in the canonical URL and carry their own title; a
page of search results asks not to be indexed (its links may be followed)."""

import re

import pytest

from public import opendata
from tests.public.test_opendata_catalogue import town_plans

pytestmark = pytest.mark.django_db

NOINDEX = '<meta name="robots" content="noindex, follow">'


def head(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return {
        "canonical": re.search(r'<link rel="canonical" href="([^"]*)">', html).group(1),
        "og_url": re.search(r'<meta property="og:url" content="([^"]*)">', html).group(1),
        "title": re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip(),
        "noindex": NOINDEX in html,
    }


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(opendata, "PLANS_PER_PAGE", 2)


def test_a_catalogue_page_after_the_first_keeps_its_filter_and_number_in_its_canonical_url(client, small_pages):
    town_plans(5)
    first = head(client, "/opendata/?prefecture=47")
    assert first["canonical"] == first["og_url"] == "http://testserver/opendata/?prefecture=47"
    assert "沖縄県" in first["title"] and "ページ" not in first["title"]
    second = head(client, "/opendata/?prefecture=47&page=2")
    assert second["canonical"] == "http://testserver/opendata/?prefecture=47&amp;page=2"
    assert second["title"] != first["title"] and "2ページ目" in second["title"]
    assert not first["noindex"] and not second["noindex"]
    plain = head(client, "/opendata/")
    assert plain["canonical"] == "http://testserver/opendata/"  # page 1 and no filter: the bare URL
    assert plain["title"] != first["title"]
    assert head(client, "/opendata/?page=1")["canonical"] == "http://testserver/opendata/"


def test_a_search_of_the_catalogue_is_not_indexed(client):
    town_plans(2)
    assert head(client, "/opendata/?q=目録町")["noindex"]


def test_a_prefecture_page_after_the_first_is_its_own_page(client, monkeypatch):
    from public import directory

    monkeypatch.setattr(directory, "MUNICIPALITIES_PER_PAGE", 2)
    town_plans(3)
    first = head(client, "/prefectures/47/")
    assert first["canonical"] == "http://testserver/prefectures/47/"
    assert first["title"].startswith("沖縄県の市区町村")
    second = head(client, "/prefectures/47/?page=2")
    assert second["canonical"] == "http://testserver/prefectures/47/?page=2"
    assert "2ページ目" in second["title"]


def test_search_results_and_the_municipality_search_are_not_indexed_but_the_empty_forms_are(client, seed):
    assert not head(client, "/search/")["noindex"]
    results = head(client, "/search/?q=子育て")
    assert results["noindex"] and results["canonical"].endswith("/search/?q=%E5%AD%90%E8%82%B2%E3%81%A6")
    assert not head(client, "/")["noindex"]
    assert head(client, "/?municipality=久留米")["noindex"]


def test_the_prefecture_and_municipality_pages_speak_english_when_asked(client, seed):
    from plans.models import Plan

    client.cookies["django_language"] = "en"
    municipality = Plan.objects.get(slug="kurume-strategy-2").municipality
    assert head(client, f"/municipalities/{municipality.code}/")["title"].startswith("Strategy plans of 久留米市")
    assert head(client, "/prefectures/40/")["title"].startswith("Municipalities of 福岡県")
