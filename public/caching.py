"""HTTP caching of open data: responses kept per URL and data version, with a strong ETag."""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag

from public import opendata

# Open data is cached on the server for CACHE_SECONDS (keyed by the data version, so a change
# is never hidden) and by browsers and proxies for HTTP_MAX_AGE, then revalidated by ETag.
CACHE_SECONDS = 600
HTTP_MAX_AGE = 300
_KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def public_cache(view):
    """Serve a GET response of open data from the cache, with a strong ETag and Cache-Control.

    The key is the full URL and ``opendata.public_data_version()``; only 200 responses are
    kept. A request whose If-None-Match names the current ETag gets 304 Not Modified.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        version = opendata.public_data_version()
        key = "public:" + hashlib.sha256(f"{request.get_full_path()}\n{version}".encode()).hexdigest()
        stored = cache.get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
            stored = (response.content, headers)
            cache.set(key, stored, CACHE_SECONDS)
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["ETag"] = quote_etag(hashlib.sha256(content).hexdigest()[:32])
        patch_cache_control(response, public=True, max_age=HTTP_MAX_AGE)
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return wrapper
