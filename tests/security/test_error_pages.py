"""Error pages with production settings (DEBUG off): our layout, Japanese by default, a way home.

400, 403, 404, 500 and 503 each render the site's own page with the right status, in Japanese
unless the visitor chose English, with a link to the public home page. A locked or unreachable
database gives 503 with Retry-After, and the next request works again without a restart.
"""

import logging
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from kpi_tracker.middleware import RETRY_AFTER_SECONDS

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def production(settings, client):
    """DEBUG off, and the test client answers with the error page instead of re-raising."""
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def home_link(html: str, text: str) -> bool:
    return f'<a href="{reverse("plans:plan-list")}">{text}</a>' in html


def bad_host(client, monkeypatch, **headers):
    return client.get("/", HTTP_HOST="attacker.example", **headers)


def staff_page_without_role(client, monkeypatch, **headers):
    user = get_user_model().objects.create_user("visitor", "visitor@example.jp", "a-strong-password-123")
    client.force_login(user)
    return client.get(reverse("dashboard:index"), **headers)


def missing_page(client, monkeypatch, **headers):
    return client.get("/no-such-page/", **headers)


def broken_view(client, monkeypatch, **headers):
    def explode(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("public.views.plans_overview", explode)
    return client.get(reverse("plans:plan-list"), **headers)


def locked_database(client, monkeypatch, **headers):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("public.views.plans_overview", locked)
    return client.get(reverse("plans:plan-list"), **headers)


# (request(client, monkeypatch, **headers), status, Japanese heading, English heading)
CASES = {
    "400": (bad_host, 400, "リクエストを処理できません", "Bad request"),
    "403": (staff_page_without_role, 403, "アクセスが許可されていません", "Access denied"),
    "404": (missing_page, 404, "ページが見つかりません", "Page not found"),
    "500": (broken_view, 500, "サーバーエラー", "Server error"),
    "503": (locked_database, 503, "一時的に利用できません", "Temporarily unavailable"),
}


@pytest.mark.parametrize("case", CASES)
def test_error_page_is_ours_in_japanese_with_a_link_home(production, monkeypatch, case):
    request, status, japanese, english = CASES[case]
    response = request(production, monkeypatch)
    html = response.content.decode()
    assert response.status_code == status
    assert f"{case}.html" in [template.name for template in response.templates]
    assert '<html lang="ja">' in html
    assert f"<h1>{japanese}</h1>" in html
    assert english not in html
    assert home_link(html, "トップページへ戻る")
    assert "css/site.css" in html


@pytest.mark.parametrize("case", CASES)
def test_error_page_is_in_english_when_the_visitor_asks_for_english(production, monkeypatch, case):
    request, status, japanese, english = CASES[case]
    response = request(production, monkeypatch, **ENGLISH)
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="en">' in html
    assert f"<h1>{english}</h1>" in html
    assert japanese not in html
    assert home_link(html, "Back to the home page")


def test_error_page_follows_the_language_the_visitor_chose_with_the_language_form(production):
    production.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = missing_page(production, None).content.decode()
    assert "<h1>Page not found</h1>" in html


def test_forbidden_page_links_to_the_login_to_come_back_with_another_account(production, settings):
    html = staff_page_without_role(production, None).content.decode()
    login = resolve_url(settings.LOGIN_URL)
    next_page = urlencode({"next": reverse("dashboard:index")})
    assert "権限のある別のアカウントをお持ちの場合は" in html
    assert f'<a href="{login}?{next_page}">別のアカウントでログイン</a>' in html


def test_failed_csrf_check_shows_our_page(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>フォームを送信できませんでした</h1>" in html
    assert home_link(html, "トップページへ戻る")


def test_locked_database_asks_to_retry_and_is_logged(production, monkeypatch, caplog):
    with caplog.at_level(logging.ERROR, logger="kpi_tracker.middleware"):
        response = locked_database(production, monkeypatch)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "しばらく待ってからもう一度お試しください" in response.content.decode()
    assert any("database is locked" in record.getMessage() for record in caplog.records)


def test_database_down_gives_503_too(production, monkeypatch):
    def gone(**kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("public.views.plans_overview", gone)
    response = production.get(reverse("plans:plan-list"))
    assert response.status_code == 503
    assert response.has_header("Retry-After")


def test_next_request_after_a_locked_database_works_again(production, monkeypatch, seed):
    assert locked_database(production, monkeypatch).status_code == 503
    monkeypatch.undo()
    response = production.get(reverse("plans:plan-list"))
    assert response.status_code == 200
    assert "小郡市" in response.content.decode()


def test_broken_connection_is_closed_so_the_next_request_reconnects(production, monkeypatch):
    connection = connections["default"]
    connection.ensure_connection()
    closed = []
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    monkeypatch.setattr(connection, "close", lambda: closed.append(connection.alias))
    assert locked_database(production, monkeypatch).status_code == 503
    assert closed == ["default"]


def test_connection_that_still_answers_is_kept(production, monkeypatch):
    """SQLite that was only locked: closing would cost a reconnect for nothing."""
    connection = connections["default"]
    connection.ensure_connection()
    closed = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(connection.alias))
    assert locked_database(production, monkeypatch).status_code == 503
    assert closed == []
