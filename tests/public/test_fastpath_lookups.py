"""The fast path remembers where each request's page is kept (``PublicFastPathMiddleware._lookup``):
the URL resolved, the language chosen and the key hashed once per distinct request, and a
remembered lookup is the one a fresh middleware computes, whatever the request varies in."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from public import fastpath
from public.fastpath import PublicFastPathMiddleware


@pytest.fixture
def middleware(settings):
    settings.ALLOWED_HOSTS = ["testserver", "kpi.example.jp"]
    return PublicFastPathMiddleware(lambda request: HttpResponse())


VARIANTS = [
    {"path": "/plans/kurume-sogo/"},
    {"path": "/plans/kurume-sogo/", "HTTP_ACCEPT_LANGUAGE": "en"},
    {"path": "/plans/kurume-sogo/", "cookie": "en"},
    {"path": "/plans/kurume-sogo/", "HTTP_HOST": "kpi.example.jp"},
    {"path": "/plans/kurume-sogo/", "wsgi.url_scheme": "https"},
    {"path": "/plans/kurume-sogo/", "data": {"year": "2024"}},
    {"path": "/plans/ogori-sogo/"},
    {"path": "/"},
    {"path": "/", "HTTP_HOST": "evil.example"},  # not an allowed host: never shared
    {"path": "/no/such/page/"},  # no URL: never shared
]


def request_of(variant: dict):
    variant = dict(variant)
    path, data, cookie = variant.pop("path"), variant.pop("data", None), variant.pop("cookie", None)
    request = RequestFactory().get(path, data, **variant)
    if cookie is not None:
        request.COOKIES["django_language"] = cookie
    return request


def test_a_remembered_lookup_is_the_one_a_fresh_middleware_computes(middleware, settings):
    fresh = [PublicFastPathMiddleware(lambda request: HttpResponse())._lookup(request_of(v)) for v in VARIANTS]
    for _ in range(2):  # the second round from memory
        assert [middleware._lookup(request_of(variant)) for variant in VARIANTS] == fresh
    # English asked by the header or by the cookie: one page; every other variant its own
    assert fresh[1].entry_key == fresh[2].entry_key
    shared = [lookup for lookup in fresh if lookup is not None]
    assert len({lookup.entry_key for lookup in shared}) == len(shared) - 1 == len(VARIANTS) - 3
    assert fresh[-2:] == [None, None]


def test_each_distinct_request_is_resolved_once(middleware, monkeypatch):
    resolved = []
    real = fastpath.resolve
    monkeypatch.setattr(fastpath, "resolve", lambda path: resolved.append(path) or real(path))
    for _ in range(3):
        for variant in VARIANTS[:3]:
            middleware._lookup(request_of(variant))
    assert resolved == ["/plans/kurume-sogo/"] * 3


def test_what_is_never_shared_is_not_remembered(middleware):
    request = request_of({"path": "/plans/kurume-sogo/"})
    request.COOKIES["sessionid"] = "abc"
    assert middleware._lookup(request) is None
    assert middleware._lookup(RequestFactory().post("/plans/kurume-sogo/")) is None
    assert middleware.lookups == {}


def test_the_memory_is_bounded(middleware, monkeypatch):
    monkeypatch.setattr(fastpath, "LOOKUPS", 3)
    for number in range(10):
        middleware._lookup(request_of({"path": f"/plans/plan-{number}/"}))
        assert len(middleware.lookups) <= 3
