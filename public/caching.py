"""HTTP caching of the public side: every page, the API and the downloads rendered once per
(URL, language, data version), then served from the cache that every worker shares.

Public data changes only when something is published or approved, and each such write bumps the
plan's ``data_version`` (``plans.services.versions``). So a response can be kept until the version
moves: a page of one plan keys on that plan's version, a page that spans plans on the national
version, both kept in the cache (``plans.services.versions``: a query only when a bump has made
them unknown). A publication is therefore shown at once: the next request looks under a new key.
``CACHE_SECONDS`` only bounds how long a text edit that bumps nothing (a municipality's name) can
stay unseen.

Each response carries a strong ETag (the hash of the stored body), Last-Modified (the data's
``data_changed_at``) and ``Cache-Control: public, max-age=…, must-revalidate``; If-None-Match and
If-Modified-Since get 304. Only anonymous GET and HEAD requests answered 200 are cached, and never
a page that shows a flash message (it would be shown to everyone). A logged-in member of staff
gets the same page rendered for them, marked private and ``Vary: Cookie``.

What differs per visitor in a public page: the CSRF token of the language switcher (and no CSP
nonce: the policy allows 'self' scripts and styles only, there is no inline script). The body is
stored with a placeholder in place of the token and each response gets the visitor's own token
(``get_token``, which also sets their cookie and ``Vary: Cookie``), so a cached page never hands
one visitor's token to another.

An anonymous visitor without a session is usually answered before any of this runs: the
response is marked for ``public.fastpath`` (``FAST_PATH_ATTRIBUTE``), whose middleware keeps it
with its final headers and serves it again ahead of the whole middleware stack.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from plans.services.versions import DataVersion, national_version, plan_version

# Kept on the server until the version moves (and at most this long). Browsers and proxies keep
# a copy but ask again every time (max-age 0, must-revalidate): a 304 by ETag costs one query,
# and a publication shows on the very next request, not a minute later.
CACHE_SECONDS = 3600
PAGE_MAX_AGE = 0
HTTP_MAX_AGE = 0
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"__PUBLIC_CACHE_CSRF_TOKEN__"
# A shared response carries (StoredResponse, DataVersion) under this attribute for public.fastpath.
FAST_PATH_ATTRIBUTE = "public_cache_stored"
# A request the fast path will keep the response of: the wrapper neither reads nor writes its own
# copy (the fast path's is the one served; one cache write a render instead of two).
FAST_PATH_REQUEST_ATTRIBUTE = "public_fast_path"


@dataclass(frozen=True)
class StoredResponse:
    """A rendered public response as the cache keeps it: the body with the CSRF placeholder."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    has_csrf_token: bool


def version_of(kwargs) -> DataVersion | None:
    """A plan's version for a URL that names a plan (``slug``), else the national one."""
    if "slug" in kwargs:
        return plan_version(kwargs["slug"])
    return national_version()


def cache_key(request, version: DataVersion) -> str:
    """The URL as asked (scheme, host, path and query), the page's language and the data version."""
    text = f"{request.build_absolute_uri()}\n{getattr(request, 'LANGUAGE_CODE', '')}\n{version.key}"
    return "public:" + hashlib.sha256(text.encode()).hexdigest()


def _store(response) -> StoredResponse:
    content = _CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    headers = tuple((name, response[name]) for name in _KEPT_HEADERS if response.has_header(name))
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    return StoredResponse(content, headers, etag, CSRF_PLACEHOLDER in content)


def _is_private(request) -> bool:
    """Logged in, or a flash message waiting to be shown: rendered for this visitor alone."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return len(get_messages(request)) > 0  # counting does not mark them shown


def _render(view, request, args, kwargs):
    response = view(request, *args, **kwargs)
    if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
        response = response.render()
    return response


def public_cache(view=None, *, max_age: int = HTTP_MAX_AGE):
    """Serve an anonymous GET of a public view from the shared cache (see the module docstring).

    Usable bare (``@public_cache``, open data: ``max_age=HTTP_MAX_AGE``) or with a max-age
    (``public_cache(view, max_age=PAGE_MAX_AGE)`` for the HTML pages in ``public.urls``).
    """
    if view is None:
        return lambda function: public_cache(function, max_age=max_age)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if _is_private(request):
            response = _render(view, request, args, kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Cookie",))
            return response
        version = version_of(kwargs)
        if version is None:  # no such plan: the view answers 404, nothing to keep
            return view(request, *args, **kwargs)
        key = cache_key(request, version)
        kept_by_fast_path = getattr(request, FAST_PATH_REQUEST_ATTRIBUTE, False)
        stored = None if kept_by_fast_path else cache.get(key)
        if stored is None:
            response = _render(view, request, args, kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            stored = _store(response)
            if not kept_by_fast_path:
                cache.set(key, stored, CACHE_SECONDS)
        response = HttpResponse(stored.content)
        for name, value in stored.headers:
            response[name] = value
        response["ETag"] = stored.etag
        if version.changed_at is not None:
            response["Last-Modified"] = http_date(version.changed_at.timestamp())
        patch_cache_control(response, public=True, max_age=max_age, must_revalidate=True)
        conditional = get_conditional_response(
            request,
            etag=stored.etag,
            last_modified=int(version.changed_at.timestamp()) if version.changed_at else None,
            response=response,
        )
        if conditional is not response:  # 304: the visitor's copy (with its own token) is current
            return conditional
        if stored.has_csrf_token:
            response.content = stored.content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        setattr(response, FAST_PATH_ATTRIBUTE, (stored, version))
        return response

    return wrapper
