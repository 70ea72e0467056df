"""The fast path: an anonymous GET or HEAD of a cached public page answered ahead of the whole
middleware stack, with one cache read (``cache.get_many``: one query with the database cache).

``public.caching`` renders each public page once per URL, language and data version. Serving
such a page through the stack still costs sessions, authentication, CSRF, messages, locale,
axes, CSP, whitenoise and the version check, about ten times the page's own work on a hit. This
middleware, placed first, does two things:

- on the way out, it keeps a shared public response (one ``public_cache`` marked with
  ``FAST_PATH_ATTRIBUTE``) with its *final* headers, after every other middleware added its own
  (Content-Language, Vary, the CSP and the other security headers), keyed on the URL as asked
  and the language the locale middleware would choose, tagged with the data version it was
  rendered for;
- on the way in, for a visitor who can only get the shared page (no session cookie, no flash
  message cookie, not a staff, admin or language-switch path), it reads that response with the
  URL's current data version and the versions' epoch (``plans.services.versions``) in one
  ``get_many`` (after a bump, which makes every kept version unknown, the version is read again:
  one query, then kept); when the version is current it answers at once: 304 to a matching
  If-None-Match or If-Modified-Since, else the body with the visitor's own CSRF token in place
  of the placeholder (the cookie set as the CSRF middleware sets it).

Each worker also keeps the bodies it served in its own memory (``LOCAL_BYTES`` at most, least
recently used dropped first), with the versions' epoch they were served at: while the epoch and
the version have not moved, a hit reads only those two small values from the shared cache, not
the page (a 70 KB page is about 95 KB of base64 in the database cache). Any bump, any plan saved
or deleted, a cleared cache moves the epoch, and the next hit reads the shared copy again.

Anything else (a miss, a stale version, an unknown URL, a cache or database error) goes down the
stack as before, which renders, answers and lets this middleware keep the result. A publication
bumps the version, so the next request misses and renders the new page.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from plans.services.versions import (
    EPOCH_KEY,
    NATIONAL_VERSION_KEY,
    current_version,
    national_version,
    plan_version,
    plan_version_key,
)
from public.caching import CACHE_SECONDS, CSRF_PLACEHOLDER, FAST_PATH_ATTRIBUTE, FAST_PATH_REQUEST_ATTRIBUTE

# Paths whose answers depend on who asks or change state: always down the stack.
_SKIPPED_PREFIXES = ("/staff/", "/admin/", "/i18n/")
# Headers a 304 does not repeat (the body's own); every other kept header it carries.
_BODY_HEADERS = {"content-type", "content-length", "content-disposition"}


# The most page bytes a worker keeps in its own memory (see the docstring).
LOCAL_BYTES = 32 * 1024 * 1024
# The most lookups (where a request's page is kept) a worker remembers; forgotten all at once beyond.
LOOKUPS = 4096
# What a lookup depends on besides the path, the language cookie and the proxy's scheme header
# (SECURE_PROXY_SSL_HEADER): the URI's scheme, host, script name and query, and the
# Accept-Language header the locale middleware reads.
_LOOKUP_META = (
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "QUERY_STRING",
    "HTTP_ACCEPT_LANGUAGE",
)


@dataclass(frozen=True)
class FastEntry:
    """A shared public response as the fast path keeps it: the body with the CSRF placeholder,
    every header the stack gave it (but Content-Length, which the token changes) and the data
    version it was rendered for."""

    version_key: str
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: int | None
    has_csrf_token: bool


@dataclass(frozen=True)
class Lookup:
    entry_key: str
    version_key: str
    slug: str | None  # the plan the URL names, or None: the nation's version
    view_name: str  # the URL pattern's name: only views that were ever kept are looked up


class LocalEntries:
    """The bodies a worker served lately, least recently used dropped first beyond ``limit`` bytes:
    entry key → (the epoch they were served at, the entry)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[str, tuple[int, FastEntry]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[int, FastEntry] | None:
        with self.lock:
            held = self.entries.get(key)
            if held is not None:
                self.entries.move_to_end(key)
            return held

    def put(self, key: str, epoch: int, entry: FastEntry) -> None:
        if len(entry.content) > self.limit // 8:
            return
        with self.lock:
            previous = self.entries.pop(key, None)
            if previous is not None:
                self.size -= len(previous[1].content)
            self.entries[key] = (epoch, entry)
            self.size += len(entry.content)
            while self.size > self.limit:
                _key, (_epoch, dropped) = self.entries.popitem(last=False)
                self.size -= len(dropped.content)


class PublicFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.local = LocalEntries(LOCAL_BYTES)
        self.language_in_path = is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]
        self.skipped = (*_SKIPPED_PREFIXES, "/" + settings.STATIC_URL.lstrip("/"))
        # The URL patterns whose responses this worker has kept: a URL of another pattern (robots.txt,
        # the sitemap, the API's own OpenAPI document) is never looked up, so it costs no cache read
        # or version query. A pattern joins on its first kept response.
        self.kept_views: set[str] = set()
        # Each request's lookup by everything it depends on (``_LOOKUP_META``, the path, the language
        # cookie): resolving the URL, choosing the language and hashing them cost more than the
        # rest of a hit but for the cache read, and visitors ask for the same few URLs.
        self.lookups: dict[tuple, Lookup | None] = {}
        self.lookup_meta = _LOOKUP_META + tuple(settings.SECURE_PROXY_SSL_HEADER or ())[:1]

    def __call__(self, request):
        lookup = self._lookup(request)
        if lookup is not None and lookup.view_name in self.kept_views:
            try:
                entry = self._current_entry(lookup)
            except DatabaseError:  # the stack answers (503 page) as it would without us
                entry = None
            if entry is not None:
                return self._serve(request, entry)
            setattr(request, FAST_PATH_REQUEST_ATTRIBUTE, True)
        response = self.get_response(request)
        if lookup is not None:
            self._keep(lookup, response)
        return response

    def _lookup(self, request) -> Lookup | None:
        """Where this request's shared response would be kept, or None when it may not be shared."""
        if request.method not in ("GET", "HEAD") or request.path_info.startswith(self.skipped):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
            return None  # perhaps staff, perhaps a flash message: the stack decides
        key = (
            *map(request.META.get, self.lookup_meta),
            request.path_info,
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
        )
        try:
            return self.lookups[key]
        except KeyError:
            pass
        if len(self.lookups) >= LOOKUPS:
            self.lookups.clear()
        lookup = self.lookups[key] = self._new_lookup(request)
        return lookup

    def _new_lookup(self, request) -> Lookup | None:
        """``_lookup`` of a request not seen before: its URL resolved, its language chosen."""
        try:
            uri = request.build_absolute_uri()
            match = resolve(request.path_info)
        except (DisallowedHost, Resolver404):
            return None
        language = translation.get_language_from_request(request, check_path=self.language_in_path)
        digest = hashlib.sha256(f"{uri}\n{language}".encode()).hexdigest()
        slug = match.kwargs.get("slug")
        version_key = plan_version_key(slug) if slug is not None else NATIONAL_VERSION_KEY
        return Lookup("public-fast:" + digest, version_key, slug, match.view_name)

    def _current_entry(self, lookup: Lookup) -> FastEntry | None:
        """The kept response if it is of the URL's current data version, else None: one
        ``get_many``; after a bump (any plan's) the version is read again (one query, then kept)
        and so is the shared copy if this worker's own is of another epoch."""
        local = self.local.get(lookup.entry_key)
        keys = [lookup.version_key, EPOCH_KEY]
        held = cache.get_many(keys if local is not None else [lookup.entry_key, *keys])
        version = current_version(held, lookup.version_key)
        epoch = held.get(EPOCH_KEY)
        if version is None:
            version = plan_version(lookup.slug) if lookup.slug is not None else national_version()
            if version is None:
                return None
            epoch = cache.get(EPOCH_KEY)
        if local is not None and local[0] == epoch and local[1].version_key == version.key:
            return local[1]
        entry = cache.get(lookup.entry_key) if local is not None else held.get(lookup.entry_key)
        if entry is None or entry.version_key != version.key:
            return None
        if epoch is not None:
            self.local.put(lookup.entry_key, epoch, entry)
        return entry

    def _keep(self, lookup: Lookup, response) -> None:
        """Keep a shared response (never one that sets a session or message cookie)."""
        marked = getattr(response, FAST_PATH_ATTRIBUTE, None)
        if marked is None or response.status_code != 200 or response.streaming:
            return
        if settings.SESSION_COOKIE_NAME in response.cookies or CookieStorage.cookie_name in response.cookies:
            return
        stored, version = marked
        headers = tuple((name, value) for name, value in response.items() if name.lower() != "content-length")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        entry = FastEntry(version.key, stored.content, headers, stored.etag, last_modified, stored.has_csrf_token)
        with contextlib.suppress(DatabaseError):  # kept next time, then
            cache.set(lookup.entry_key, entry, CACHE_SECONDS)
        self.kept_views.add(lookup.view_name)

    def _serve(self, request, entry: FastEntry):
        response = HttpResponse()
        for name, value in entry.headers:
            response[name] = value
        conditional = get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )
        if conditional is not response:  # 304 with the security headers the stack would add
            for name, value in entry.headers:
                if name.lower() not in _BODY_HEADERS and name not in conditional:
                    conditional[name] = value
            return conditional
        content = entry.content
        if entry.has_csrf_token:
            self.csrf.process_request(request)  # the visitor's secret from their cookie, if valid
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
            self.csrf.process_response(request, response)  # sets (renews) the cookie
        response.content = content
        response["Content-Length"] = str(len(content))
        return response
