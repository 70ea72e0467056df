"""Container health check: does gunicorn answer a cheap page? Exit 0 when it does, 1 when not.

    python deploy/healthcheck.py [URL]      (default http://127.0.0.1:8000/robots.txt)

It asks as the reverse proxy would: with a Host the app allows (the first of ALLOWED_HOSTS) and
``X-Forwarded-Proto: https`` (with BEHIND_PROXY=1 the app would otherwise redirect to https).
/robots.txt needs no database, so a database outage (the pages answer 503) does not make the
load balancer drop every app server at once; the database has a health check of its own.
Standard library only: it runs in the app's image without the app's settings.
"""

import os
import sys
import urllib.request

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/robots.txt"
hosts = [host.strip().lstrip(".") for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
headers = {"X-Forwarded-Proto": "https"}
if hosts and hosts[0] != "*":
    headers["Host"] = hosts[0]
try:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
