"""django-axes hooks: the client's address behind our reverse proxy, and the lockout page.

Axes locks out a username from an address (``AXES_LOCKOUT_PARAMETERS``). Behind the proxy every
request comes from the proxy's address, so the address must be the client's, taken from what our
own proxy wrote, never from what the client wrote.
"""

import ipaddress

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil


def forwarded_client(forwarded_for: str, proxy_count: int) -> str | None:
    """The client address that ``proxy_count`` trusted proxies appended to ``X-Forwarded-For``.

    Each proxy appends the address it received the request from, so the client is the entry
    ``proxy_count`` places from the right; entries further left were written by the client and
    may be forged. None when the header is too short or that entry is not an address.
    """
    entries = [entry.strip() for entry in forwarded_for.split(",")]
    if proxy_count < 1 or len(entries) < proxy_count:
        return None
    candidate = entries[-proxy_count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip_address(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the client's address.

    With ``BEHIND_PROXY`` on, the address our ``TRUSTED_PROXY_COUNT`` proxies appended to
    ``X-Forwarded-For``; otherwise (or if the header lacks it) ``REMOTE_ADDR``, which a client
    cannot forge.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    if not getattr(settings, "BEHIND_PROXY", False):
        return remote_addr
    forwarded = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), settings.TRUSTED_PROXY_COUNT)
    return forwarded or remote_addr


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the 429 page in the site's layout, with how long to wait.

    The wait is ``AXES_COOLOFF_TIME`` (each further failed attempt starts it again), also sent as
    ``Retry-After`` in seconds.
    """
    cool_off = get_cool_off(request)
    now = timezone.now()
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "wait": timeuntil(now + cool_off, now) if cool_off else "",
    }
    response = render(request, "429.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
