"""Middleware: a 503 page instead of a 500 when the database is locked or down; a 400 for a NUL
character in a URL."""

import logging

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)
security_logger = logging.getLogger("django.security.NulCharacter")
API_PREFIX = "/api/"

# Seconds a client is asked to wait: longer than SQLite's busy timeout, short for a restart.
RETRY_AFTER_SECONDS = 30


def close_broken_connections() -> None:
    """Close every open database connection that no longer answers.

    The next query on a closed connection opens a new one, so the app recovers by itself once the
    database is back, without a restart. A connection that still answers (SQLite that was only
    locked) is kept.
    """
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()


class DatabaseUnavailableMiddleware:
    """Answer 503 with ``Retry-After`` when a view meets ``OperationalError`` or ``InterfaceError``.

    These mean the database cannot be used right now (SQLite "database is locked", PostgreSQL
    down or restarting), not that the request is wrong: the error is logged, broken connections
    are closed, and the visitor sees 503.html. The page is rendered without the request, as the
    context processors would query the database again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception, exc_info=exception)
        return database_unavailable()


def database_unavailable() -> HttpResponse:
    """The 503 page with ``Retry-After``, after closing the connections that no longer answer."""
    close_broken_connections()
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class RefuseNulCharactersMiddleware:
    """Answer 400 (logged as a suspicious operation) when the path or the query string holds a NUL
    character (``%00``). No page takes one, and PostgreSQL refuses it in any string it is given
    ("A string literal cannot contain NUL (0x00) characters"), so without this a search, a filter
    or a code in a URL would be a server error on PostgreSQL only. First in the chain: a substring
    test, before the public fast path keys its cache by the URL; so the page is made here, in the
    visitor's language (cookie or Accept-Language, as LocaleMiddleware would choose), and the API
    answers JSON as its document declares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" not in request.path and "%00" not in request.META.get("QUERY_STRING", ""):
            return self.get_response(request)
        security_logger.error("NUL character in %s %r", request.method, request.path)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": "The request holds a NUL character (%00)."}, status=400)
        with translation.override(translation.get_language_from_request(request)):
            return HttpResponseBadRequest(render_to_string("400.html"))
