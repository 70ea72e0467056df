"""A NUL character (``%00``) in a query parameter: PostgreSQL refuses it in a string literal
(psycopg2: "A string literal cannot contain NUL (0x00) characters."), which would be a server
error on every page that searches or filters by what a visitor typed, or looks up a code from its
path. A NUL anywhere in the path or the query string is refused with our 400 page, before any
view (kpi_tracker.middleware.RefuseNulCharactersMiddleware), on SQLite and PostgreSQL alike."""

import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/?municipality=%00",
    "/?municipality=%E4%B9%85%00%E7%95%99",
    "/search/?q=%00",
    "/search/?q=%E5%AD%90%00%E8%82%B2",
    "/search/?q=a&page=%00",
    "/opendata/?q=%00",
    "/opendata/?prefecture=4%000",
    "/opendata/?page=%00",
    "/prefectures/40/?page=%00",
    "/api/v1/plans/?q=%00",
    "/api/v1/kpis/?q=%00",
    "/api/v1/kpis/?q=%E5%AD%90%00",
    "/plans/kurume-strategy-2/?year=%00",
    "/sitemap-kpis.xml?p=%00",
    "/municipalities/40%00203/",
    "/prefectures/%00/",
    "/plans/kurume-strategy-2/kpis/%00/",
    "/api/v1/plans/%00/",
    "/staff/login/?next=/%00",
]


@pytest.mark.parametrize("url", URLS)
def test_a_nul_in_a_url_is_a_bad_request_with_our_page_never_a_server_error(client, seed, url):
    response = client.get(url)
    assert response.status_code == 400, url
    if url.startswith("/api/"):  # JSON, the 400 the OpenAPI document declares
        assert response.json() == {"detail": "The request holds a NUL character (%00)."}
    else:
        assert "リクエスト" in response.content.decode()  # our own 400 page, in Japanese


def test_the_api_document_declares_the_400(client):
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        assert "400" in operations["get"]["responses"], path


def test_text_without_a_nul_still_searches(client, seed):
    assert client.get("/search/", {"q": "子育て"}).status_code == 200
    assert client.get("/", {"municipality": "久留米"}).status_code == 200


def test_the_400_page_speaks_the_visitors_language_whatever_the_last_request_spoke(client):
    from django.utils import translation

    with translation.override("en"):  # a worker thread whose previous request was in English
        assert "リクエスト" in client.get("/search/?q=%00").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/search/?q=%00")
    assert english.status_code == 400 and "Bad request" in english.content.decode()
