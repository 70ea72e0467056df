"""The printable report as a PDF: the HTML page's print version through WeasyPrint.

A formatter of the report: the view renders ``report_pdf.html`` from the same context as the
HTML page; this turns it into A4 pages (Noto Sans CJK JP from the system's fonts) without any
request leaving the process (``static_url_fetcher``).
"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders


def static_file_for(url: str) -> str | None:
    """The file on disk behind one of our static URLs (``/static/css/print.css``), or None."""
    path = unquote(urlparse(url).path)
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not path.startswith(prefix):
        return None
    return finders.find(path[len(prefix) :])


def static_url_fetcher():
    """WeasyPrint's URL fetcher for the report: our own static files, read from disk.

    The printable page links its stylesheets under ``STATIC_URL``; every other URL (another
    host, a file path) is refused, so rendering a PDF never makes a request.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # heavy optional library: loaded on use

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            found = static_file_for(url)
            if not found:
                raise ValueError(f"refusing to fetch {url!r}: only our static files are served to the PDF")
            with open(found, "rb") as handle:
                content = handle.read()
            content_type = "text/css; charset=utf-8" if found.endswith(".css") else "application/octet-stream"
            return URLFetcherResponse(url, content, {"Content-Type": content_type})

    return StaticFilesFetcher(fail_on_errors=False)


def report_pdf(html: str, *, base_url: str) -> bytes:
    """The printable report's HTML as a PDF (A4, Noto Sans CJK JP from the system's fonts)."""
    import weasyprint  # heavy optional library (Pango, fonts): loaded only when a PDF is asked for

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=static_url_fetcher()).write_pdf()
