"""Reads that scale out: public read-only requests read from a PostgreSQL read replica.

Installed only when ``DATABASE_REPLICA_URLS`` names replicas (``settings.py`` then adds the
aliases ``replica_1``, ``replica_2`` … and registers both classes below). Without replicas
nothing here runs and every query goes to ``default``.

What may read from a replica is decided per request, not per query: a replica lags the primary
by a moment, which a citizen reading a published page never notices, but a planner who has just
saved a value and reads it back would. So ``PublicReadOnlyMiddleware`` marks a request as public
read-only — GET or HEAD, outside the staff pages, the admin and the language switch, from a
visitor who is not logged in — and picks one replica for the whole request (round robin), so that
a page never mixes two replicas' moments. ``ReplicaRouter.db_for_read`` answers that replica
only while the mark is set; every write, every staff page and every logged-in visitor use the
primary.
"""

import itertools
from contextvars import ContextVar

from django.conf import settings

PRIMARY = "default"
REPLICA_PREFIX = "replica_"

# Paths whose reads must see the primary: staff work, the admin, and the language switch (a POST
# that sets a cookie, listed so that no part of it is ever served from a replica).
PRIMARY_PATH_PREFIXES = ("/staff/", "/admin/", "/i18n/")
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})

# Apps whose rows guard access: a fresh login's session and the login lockout (django-axes) are
# always read where they were written, never a moment late.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes"})

# The replica this request reads from, or None: the request is not public read-only.
_request_replica: ContextVar[str | None] = ContextVar("request_replica", default=None)


def replica_aliases() -> list[str]:
    """The configured replicas' aliases (``replica_1`` …), in order."""
    return sorted(alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX))


def current_replica() -> str | None:
    """The replica the current request reads from, None when it reads from the primary."""
    return _request_replica.get()


def is_public_read_only(request) -> bool:
    """A GET or HEAD on a public page by a visitor who is not logged in.

    ``request.user`` is read here, before the mark is set, so a logged-in visitor's session is
    read from the primary.
    """
    if request.method not in READ_ONLY_METHODS:
        return False
    if request.path_info.startswith(PRIMARY_PATH_PREFIXES):
        return False
    user = getattr(request, "user", None)
    if user is None:  # ahead of the sessions (the public fast path): no session, no login
        return settings.SESSION_COOKIE_NAME not in request.COOKIES
    return not user.is_authenticated


class PublicReadOnlyMiddleware:
    """Mark a public read-only request so that its reads go to one replica, chosen round robin.

    Placed twice: first of all, so that the public fast path's version read of a visitor without
    a session goes to the replica too, and after ``AuthenticationMiddleware``, where it asks whether
    the visitor is logged in. A request keeps the replica it was given first. The mark is removed
    when the response is returned; a streaming response's body, produced later, reads from the
    primary.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._replicas = itertools.cycle(replica_aliases() or [PRIMARY])

    def __call__(self, request):
        if current_replica() is not None or not is_public_read_only(request):
            return self.get_response(request)  # marked already (one replica a request), or not public
        token = _request_replica.set(next(self._replicas))
        try:
            return self.get_response(request)
        finally:
            _request_replica.reset(token)


class ReplicaRouter:
    """Reads of a marked request go to its replica; everything else goes to the primary."""

    def db_for_read(self, model, **hints):
        replica = _request_replica.get()
        if replica is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return replica

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas are copies of the primary: an object read from one may relate to the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas follow the primary's schema through replication; only the primary is migrated.
        return db == PRIMARY
