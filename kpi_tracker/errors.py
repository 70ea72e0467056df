"""Error views that give their page more than Django's default views do."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render, resolve_url


def permission_denied(request, exception):
    """403: our page, with a link to log in with another account and come back here.

    The link goes to ``LOGIN_URL`` (which shows its form to a logged-in user too), with ``next``.
    """
    query = urlencode({"next": request.get_full_path()})
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{query}"
    return render(request, "403.html", {"login_url": login_url}, status=403)
