"""Error views that give their page more than Django's default views do."""

import sys
from urllib.parse import urlencode

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.shortcuts import render, resolve_url
from django.views.defaults import server_error as django_server_error

from kpi_tracker.middleware import database_unavailable


def permission_denied(request, exception):
    """403: our page, with a link to log in with another account and come back here.

    The link goes to ``LOGIN_URL`` (which shows its form to a logged-in user too), with ``next``.
    """
    query = urlencode({"next": request.get_full_path()})
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{query}"
    return render(request, "403.html", {"login_url": login_url}, status=403)


def server_error(request):
    """500, or 503 when the error is the database's: a locked or unreachable database met
    outside a view (saving the session, another middleware) is a wait, not a fault."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable()
    return django_server_error(request)
