"""The replica router: which requests may read from a replica, and what the settings build from the
environment (replicas, the router and its middleware only when replicas are named; the cache)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.module_loading import import_string

from kpi_tracker import db_router
from kpi_tracker.settings import cache_from_url
from plans.models import Actual, Plan

ROOT = Path(__file__).resolve().parents[2]


class LoggedIn:
    is_authenticated = True


def request(method: str, path: str, *, logged_in: bool = False):
    made = RequestFactory().generic(method, path)
    made.user = LoggedIn() if logged_in else AnonymousUser()
    return made


@pytest.mark.parametrize(
    ("method", "path", "logged_in", "public_read_only"),
    [
        ("GET", "/", False, True),
        ("HEAD", "/plans/ogori/", False, True),
        ("GET", "/plans/ogori/kpis/1(1)-1/", False, True),
        ("GET", "/api/v1/plans/ogori", False, True),
        ("GET", "/plans/ogori/downloads/kpi.csv", False, True),
        ("GET", "/", True, False),  # a logged-in visitor reads what was just written
        ("POST", "/search/", False, False),
        ("PUT", "/api/v1/plans/ogori", False, False),
        ("GET", "/staff/", False, False),
        ("GET", "/staff/login/", False, False),
        ("GET", "/admin/", False, False),
        ("GET", "/i18n/setlang/", False, False),
    ],
)
def test_only_anonymous_reads_of_public_pages_are_public_read_only(method, path, logged_in, public_read_only):
    assert db_router.is_public_read_only(request(method, path, logged_in=logged_in)) is public_read_only


@pytest.mark.parametrize(("cookies", "public_read_only"), [({}, True), ({"sessionid": "x"}, False)])
def test_ahead_of_the_sessions_a_visitor_without_a_session_cookie_is_public_read_only(cookies, public_read_only):
    made = RequestFactory().get("/plans/ogori/")
    made.COOKIES.update(cookies)
    assert db_router.is_public_read_only(made) is public_read_only


def _session_model():
    from django.contrib.sessions.models import Session

    return Session


@pytest.fixture
def two_replicas(monkeypatch):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica_1", "replica_2"])


def test_public_requests_take_the_replicas_in_turn_and_write_to_the_primary(two_replicas):
    router = db_router.ReplicaRouter()
    reads = []

    def view(_request):
        reads.append((router.db_for_read(Plan), router.db_for_read(_session_model()), router.db_for_write(Actual)))
        return HttpResponse()

    middleware = db_router.PublicReadOnlyMiddleware(view)
    for _ in range(3):
        middleware(request("GET", "/plans/ogori/"))
    assert reads == [
        ("replica_1", "default", "default"),  # sessions are never read from a replica
        ("replica_2", "default", "default"),
        ("replica_1", "default", "default"),
    ]
    assert db_router.current_replica() is None  # the mark ends with the request
    assert router.db_for_read(Plan) == "default"


@pytest.mark.parametrize(
    ("method", "path", "logged_in"),
    [("GET", "/staff/", False), ("POST", "/search/", False), ("GET", "/plans/ogori/", True)],
)
def test_staff_pages_writes_and_logged_in_visitors_read_the_primary(two_replicas, method, path, logged_in):
    router = db_router.ReplicaRouter()
    reads = []

    def view(_request):
        reads.append(router.db_for_read(Plan))
        return HttpResponse()

    db_router.PublicReadOnlyMiddleware(view)(request(method, path, logged_in=logged_in))
    assert reads == ["default"]


def test_the_mark_is_removed_when_the_view_fails(two_replicas):
    def view(_request):
        raise RuntimeError("the view failed")

    with pytest.raises(RuntimeError):
        db_router.PublicReadOnlyMiddleware(view)(request("GET", "/"))
    assert db_router.current_replica() is None


def test_only_the_primary_is_migrated_and_relations_cross_aliases():
    router = db_router.ReplicaRouter()
    assert router.allow_migrate("default", "plans") is True
    assert router.allow_migrate("replica_1", "plans") is False
    assert router.allow_relation(Plan(), Actual()) is True


def settings_from(**env) -> dict:
    """Settings built in a fresh process from ``env`` (the suite's own settings are already built)."""
    read = ("DATABASE_URL", "DATABASE_REPLICA_URLS", "CACHE_URL", "DEBUG", "SECRET_KEY")
    environment = {key: value for key, value in os.environ.items() if key not in read}
    environment.update(env, DJANGO_SETTINGS_MODULE="kpi_tracker.settings")
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'aliases': list(s.DATABASES), 'routers': s.DATABASE_ROUTERS, "
        "'middleware': s.MIDDLEWARE, 'replica_test': s.DATABASES.get('replica_2', {}).get('TEST'), "
        "'replica_host': s.DATABASES.get('replica_2', {}).get('HOST'), 'cache': s.CACHES['default']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_replica_urls_become_aliases_with_the_router_and_its_middleware_after_authentication():
    built = settings_from(
        DATABASE_URL="postgres://kpi@primary:5432/kpi_tracker",
        DATABASE_REPLICA_URLS="postgres://kpi@replica-a:5432/kpi_tracker, postgres://kpi@replica-b:5432/kpi_tracker",
    )
    assert built["aliases"] == ["default", "replica_1", "replica_2"]
    assert built["replica_host"] == "replica-b"
    assert built["replica_test"]["MIRROR"] == "default"  # tests never build a replica database
    assert built["routers"] == ["kpi_tracker.db_router.ReplicaRouter"]
    middleware = built["middleware"]
    authentication = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[authentication + 1] == "kpi_tracker.db_router.PublicReadOnlyMiddleware"
    # and ahead of the public fast path, whose version read goes to the replica too (only the
    # refusal of a NUL in the URL, which reads nothing, comes before it)
    assert middleware[:3] == [
        "kpi_tracker.middleware.RefuseNulCharactersMiddleware",
        "kpi_tracker.db_router.PublicReadOnlyMiddleware",
        "public.fastpath.PublicFastPathMiddleware",
    ]


def test_without_replicas_there_is_no_router_and_no_middleware():
    built = settings_from(DATABASE_URL="postgres://kpi@primary:5432/kpi_tracker", DATABASE_REPLICA_URLS="")
    assert built["aliases"] == ["default"]
    assert built["routers"] == []
    assert "kpi_tracker.db_router.PublicReadOnlyMiddleware" not in built["middleware"]


def test_production_shares_the_database_cache_by_default_and_development_keeps_it_in_memory():
    production = settings_from(DEBUG="0", SECRET_KEY="a-production-secret", CACHE_URL="")
    assert production["cache"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kpi_tracker_cache",
        "OPTIONS": {"MAX_ENTRIES": 50000},  # not Django's 300: a nation's pages
    }
    assert settings_from(DEBUG="1")["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("db://", "db.DatabaseCache", "kpi_tracker_cache"),
        ("db://page_cache", "db.DatabaseCache", "page_cache"),
        ("file:///var/cache/kpi-tracker", "filebased.FileBasedCache", "/var/cache/kpi-tracker"),
        ("redis://cache.internal:6379/1", "redis.RedisCache", "redis://cache.internal:6379/1"),
        ("rediss://cache.internal:6380/0", "redis.RedisCache", "rediss://cache.internal:6380/0"),
        ("memcached://m1:11211,m2:11211", "memcached.PyMemcacheCache", ["m1:11211", "m2:11211"]),
        ("locmem://", "locmem.LocMemCache", ""),
    ],
)
def test_cache_url_names_the_backend_and_its_location(url, backend, location):
    assert cache_from_url(url) == {"BACKEND": "django.core.cache.backends." + backend, "LOCATION": location}


def test_an_unknown_cache_scheme_is_refused():
    assert cache_from_url("dummy://") == {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("mongodb://cache")


@pytest.mark.parametrize(
    ("url", "client_class"),
    [("redis://127.0.0.1:1/0", "redis.client.Redis"), ("memcached://127.0.0.1:1", "pymemcache.client.hash.HashClient")],
)
def test_a_redis_or_memcached_cache_url_finds_its_client_installed(url, client_class):
    """The clients are in the lock files: a deployment that sets CACHE_URL to Redis or Memcached
    starts (no ImportError at the first request); a server that does not answer is a connection
    error, not a missing module."""
    config = cache_from_url(url)
    backend = import_string(config["BACKEND"])(config["LOCATION"], {})
    client = backend._cache.get_client() if "redis" in url else backend._cache  # built, not yet connected
    assert f"{type(client).__module__}.{type(client).__name__}" == client_class
