"""HTTP caching of the public side (public.caching): strong ETags, Last-Modified, Cache-Control and
304; a publication shows at once; staff and visitors with a flash message never share a cached
page; a cached page gives each visitor their own CSRF token and no nonce its CSP header lacks."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from plans.models import Plan
from plans.rules.municipalities import full_code
from plans.services import publication
from plans.services.versions import bump_plans, forget_versions, plan_version
from public import fastpath
from tests.factories import MunicipalityFactory, plan_with_kpis
from tests.logins import PLANNER, make_staff

pytestmark = pytest.mark.django_db

PLAN_URLS = [
    "/plans/cached/",
    "/plans/cached/goals/1/",
    "/plans/cached/kpis/K1/",
    "/plans/cached/downloads/",
    "/plans/cached/downloads/kpi.csv",
    "/api/v1/plans/cached/",
]
NATION_URLS = ["/", "/search/?q=指標", "/legend/", "/opendata/", "/api/v1/plans/", "/prefectures/40/"]


@pytest.fixture
def plan() -> Plan:
    town = MunicipalityFactory(name="キャッシュ町", code=full_code("40999"), prefecture_code="40")
    plan = plan_with_kpis(6, slug="cached", years=(2020, 2021), published=(2020,), municipality=town)
    bump_plans([plan.pk])  # as the services' recompute does: a version and its moment
    plan.refresh_from_db()
    return plan


@pytest.mark.parametrize("url", PLAN_URLS + NATION_URLS)
def test_every_public_response_carries_a_strong_etag_last_modified_and_cache_control(client, plan, url):
    response = client.get(url)
    assert response.status_code == 200
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])  # strong: no W/
    assert response["Last-Modified"] == http_date(plan.data_changed_at.timestamp())
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "must-revalidate"} <= directives
    assert any(re.fullmatch(r"max-age=\d+", part) and int(part[8:]) <= 300 for part in directives)
    assert client.get(url)["ETag"] == response["ETag"]  # served again from the cache


@pytest.mark.parametrize("url", PLAN_URLS + NATION_URLS)
def test_a_current_copy_gets_304_by_etag_or_by_date_and_a_stale_one_the_page(client, plan, url):
    first = client.get(url)
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"0123"').status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(plan.data_changed_at.timestamp() - 60)).status_code == 200


def k1_published_in_2021(client) -> bool:
    """Whether the plan's CSV has K1's 2021 actual (103人, against the stated 120)."""
    csv = client.get("/plans/cached/downloads/kpi.csv").content.decode("utf-8-sig")
    return any(",K1," in row and ",2021,R3年度,120,計画に記載,103,103人,測定済," in row for row in csv.splitlines())


def test_a_publication_shows_at_once(client, plan):
    before = client.get("/plans/cached/")
    assert before.context["as_of"].year == 2020
    assert client.get("/plans/cached/")["ETag"] == before["ETag"]  # cached
    home_before = client.get("/")["ETag"]
    assert not k1_published_in_2021(client)

    publication.publish_year(plan, 2021)

    after = client.get("/plans/cached/")
    assert after["ETag"] != before["ETag"]
    assert after.context["as_of"].year == 2021  # rendered again, with the new year
    assert client.get("/plans/cached/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    assert client.get("/")["ETag"] != home_before  # the pages that span plans follow too
    assert k1_published_in_2021(client)


def test_staff_never_get_the_cached_anonymous_page_nor_leave_theirs(client, plan):
    planner = make_staff("planner-cache", PLANNER, municipality=plan.municipality.name)
    anonymous = client.get("/plans/cached/")
    assert b"/staff/logout/" not in anonymous.content
    staff = Client()
    staff.force_login(planner)
    theirs = staff.get("/plans/cached/")
    assert theirs.status_code == 200
    assert b"/staff/logout/" in theirs.content  # rendered for them, not the anonymous copy
    assert "private" in theirs["Cache-Control"] and "public" not in theirs["Cache-Control"]
    assert "Cookie" in theirs["Vary"]
    assert not theirs.has_header("ETag")
    other = Client().get("/plans/cached/kpis/K2/")  # nothing of the staff page was kept
    staff.get("/plans/cached/kpis/K2/")
    assert b"/staff/logout/" not in Client().get("/plans/cached/kpis/K2/").content
    assert other["ETag"] == Client().get("/plans/cached/kpis/K2/")["ETag"]


def test_a_page_with_a_flash_message_is_neither_cached_nor_served_from_the_cache(client, plan):
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "お知らせZQ9")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    shown = client.get("/")
    assert "お知らせZQ9" in shown.content.decode()
    assert "private" in shown["Cache-Control"]
    assert "お知らせZQ9" not in Client().get("/").content.decode()


def test_a_cached_page_gives_each_visitor_their_own_working_csrf_token(plan):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        html = visitor.get("/plans/cached/").content.decode()
        (token,) = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert visitor.cookies["csrftoken"].value
        tokens.append(token)
    assert tokens[0] != tokens[1]
    assert first.get("/plans/cached/")["ETag"] == second.get("/plans/cached/")["ETag"]  # one cached page
    switch = {"language": "en", "next": "/plans/cached/"}
    assert first.post("/i18n/setlang/", {**switch, "csrfmiddlewaretoken": tokens[0]}).status_code == 302
    assert second.post("/i18n/setlang/", {**switch, "csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert (
        Client(enforce_csrf_checks=True)
        .post("/i18n/setlang/", {**switch, "csrfmiddlewaretoken": tokens[0]})
        .status_code
        == 403
    )


@pytest.mark.parametrize("url", ["/plans/cached/", "/", "/plans/cached/kpis/K1/"])
def test_a_cached_page_carries_no_nonce_its_csp_header_lacks(client, plan, url):
    client.get(url)
    cached = client.get(url)
    policy = cached["Content-Security-Policy"]
    assert "script-src" in policy
    nonces = set(re.findall(r'nonce="([^"]+)"', cached.content.decode()))
    assert all(f"'nonce-{nonce}'" in policy for nonce in nonces)


def test_languages_are_cached_apart_and_head_and_post_behave(client, plan):
    japanese = client.get("/legend/", HTTP_ACCEPT_LANGUAGE="ja")
    english = client.get("/legend/", HTTP_ACCEPT_LANGUAGE="en")
    assert japanese["Content-Language"] == "ja" and english["Content-Language"] == "en"
    assert japanese["ETag"] != english["ETag"]
    head = client.head("/plans/cached/")
    assert head.status_code == 200 and head.has_header("ETag")
    assert client.post("/plans/cached/").status_code == 405
    assert client.get("/plans/no-such-plan/").status_code == 404


FAST_URLS = ["/plans/cached/", "/plans/cached/goals/1/", "/plans/cached/kpis/K1/", "/", "/api/v1/plans/cached/"]


@pytest.mark.parametrize("url", FAST_URLS)
def test_a_cached_page_is_answered_ahead_of_the_stack_with_the_headers_the_stack_gave_it(
    plan, url, django_assert_num_queries
):
    rendered = Client().get(url)
    with django_assert_num_queries(0):
        fast = Client().get(url)
    assert fast.status_code == 200
    assert fast.context is None  # no template rendered: the fast path answered (public.fastpath)
    assert dict(fast.items()) == dict(rendered.items())  # ETag, Last-Modified, Vary, CSP, X-Frame-Options…
    assert fast["Content-Length"] == str(len(fast.content))
    assert fast["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in fast["Content-Security-Policy"]


@pytest.mark.parametrize("url", FAST_URLS)
def test_the_fast_path_answers_304_with_the_security_headers_and_no_body(plan, url, django_assert_num_queries):
    etag = Client().get(url)["ETag"]
    with django_assert_num_queries(0):
        again = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again.has_header("Last-Modified")
    assert again["X-Content-Type-Options"] == "nosniff" and again.has_header("Content-Security-Policy")
    assert not again.cookies  # no token in a 304, none handed out


def test_a_fast_path_visitor_keeps_their_csrf_cookie_and_a_new_one_gets_a_working_one(plan):
    Client().get("/plans/cached/")  # kept
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get("/plans/cached/").content.decode()
    cookie = visitor.cookies["csrftoken"].value
    (token,) = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert visitor.get("/plans/cached/").context is None
    assert visitor.cookies["csrftoken"].value == cookie  # the same secret, differently masked
    switch = {"language": "en", "next": "/plans/cached/", "csrfmiddlewaretoken": token}
    assert visitor.post("/i18n/setlang/", switch).status_code == 302


def test_a_visitor_with_a_session_cookie_goes_down_the_stack(client, plan):
    Client().get("/plans/cached/")
    client.cookies["sessionid"] = "anything"
    with CaptureQueriesContext(connection) as context:
        assert client.get("/plans/cached/").status_code == 200
    assert any("django_session" in query["sql"] for query in context.captured_queries)  # read: who is it?


def test_a_flash_message_is_shown_even_when_the_page_is_kept_for_the_fast_path(client, plan):
    Client().get("/")  # kept
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "お知らせFP7")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "お知らせFP7" in client.get("/").content.decode()
    assert "お知らせFP7" not in Client().get("/").content.decode()


def test_a_bump_committed_elsewhere_is_seen_at_once_and_the_versions_are_kept_again(
    client, plan, django_capture_on_commit_callbacks, django_assert_num_queries
):
    before = client.get("/plans/cached/kpis/K1/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        bump_plans([plan.pk])  # a new version, same data: a new page under a new key
    rendered = client.get("/plans/cached/kpis/K1/")
    assert rendered.context is not None  # not the old copy
    assert rendered["ETag"] != before
    with django_assert_num_queries(0):
        assert client.get("/plans/cached/kpis/K1/")["ETag"] == rendered["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        bump_plans([plan.pk])
    with django_assert_num_queries(1):  # a version read again after a bump: one query, then kept
        assert plan_version("cached") == plan_version("cached")


class CacheSpy:
    """The shared cache, with the keys each read asked for."""

    def __init__(self, real):
        self.real = real
        self.reads: list[list[str]] = []

    def get_many(self, keys):
        self.reads.append(list(keys))
        return self.real.get_many(keys)

    def get(self, key, *args):
        self.reads.append([key])
        return self.real.get(key, *args)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_worker_serves_its_own_copy_while_the_epoch_holds_and_reads_the_shared_one_after(plan, monkeypatch):
    visitor = Client()  # one handler: one worker's middleware and its memory
    first = visitor.get("/plans/cached/goals/1/")  # rendered and kept
    visitor.get("/plans/cached/goals/1/")  # read from the shared cache, kept in memory too
    spy = CacheSpy(fastpath.cache)
    monkeypatch.setattr(fastpath, "cache", spy)
    assert visitor.get("/plans/cached/goals/1/")["ETag"] == first["ETag"]
    assert [len(keys) for keys in spy.reads] == [2]  # the version and the epoch only, not the page
    spy.reads.clear()
    forget_versions()  # as a bump or a plan saved elsewhere does
    again = visitor.get("/plans/cached/goals/1/")
    assert again.context is None and again["ETag"] == first["ETag"]
    assert any(any(key.startswith("public-fast:") for key in keys) for keys in spy.reads)  # the shared copy


@pytest.mark.parametrize(
    ("sizes", "kept"),
    [
        ([10] * 8, "abcdefgh"),
        ([10] * 9, "bcdefghi"),  # beyond 80 bytes the least recently used goes
        ([10, 11, 10], "ac"),  # bigger than its share (80 // 8): never kept
    ],
)
def test_a_workers_memory_keeps_the_latest_bodies_within_its_bytes(sizes, kept):
    local = fastpath.LocalEntries(80)
    for name, size in zip("abcdefghi", sizes, strict=False):
        local.put(name, 1, fastpath.FastEntry("v", b"x" * size, (), '"e"', None, False))
    assert "".join(local.entries) == kept
    assert local.size == sum(len(entry.content) for _epoch, entry in local.entries.values())


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/robots.txt"])
def test_urls_that_are_never_kept_cost_the_fast_path_nothing(client, path):
    """A URL whose view is not cached by version (the API's OpenAPI document, robots.txt) is
    never looked up: no cache read, no version query, not once (schemathesis loads the
    OpenAPI document where the database is not open)."""
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries) == 0
