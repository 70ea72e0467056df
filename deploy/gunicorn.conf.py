"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py kpi_tracker.wsgi`.

Each value can be set in the environment. A request that runs past the timeout is ended (the
worker is replaced) rather than holding a worker; workers are recycled after a number of requests
so that no slow leak builds up; request lines and headers are capped like the uploads are.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # seconds a request may take
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))  # then the worker is replaced
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
