"""Settings for the KPI tracker, read from the environment.

Defaults suit a laptop: DEBUG on, SQLite under ``var/``. In production set ``DEBUG=0``,
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL`` (PostgreSQL).
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # /sitemap.xml (public/sitemaps.py)
    "django_filters",
    "django_tables2",
    "ninja",  # its own copy of Swagger UI for /api/v1/docs (without it, ninja loads it from a CDN)
    "simple_history",
    "axes",
    "csp",
    "plans",
    "workbooks",
    "public",
    "staff",  # after django.contrib.auth: its admin.py replaces the User and Group admins
]

MIDDLEWARE = [
    # A NUL character in the path or query string (which PostgreSQL refuses in any string) is a 400.
    "kpi_tracker.middleware.RefuseNulCharactersMiddleware",
    # Then: an anonymous visitor's cached public page is answered before the rest runs, and a
    # shared page is kept with the headers all of the rest gave it (public/fastpath.py).
    "public.fastpath.PublicFastPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A 503 page (not a 500) when a view meets a locked or unreachable database.
    "kpi_tracker.middleware.DatabaseUnavailableMiddleware",
    # AxesMiddleware last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kpi_tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staff.context_processors.staff_navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "kpi_tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Simultaneous writers queue instead of failing: a busy timeout (seconds), and write
    # transactions that take the lock when they begin (BEGIN IMMEDIATE), so that two saves of one
    # actual run one after the other and the second meets the version check, not "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=int(os.environ.get("SQLITE_BUSY_TIMEOUT", "10")),
        transaction_mode="IMMEDIATE",
    )
    # The test database is a file too (one per test process), so that tests meet SQLite's real
    # locking between connections; an in-memory shared-cache database locks tables differently.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
        "SQLITE_TEST_NAME", str(Path(tempfile.gettempdir()) / f"kpi-tracker-test-{os.getpid()}.sqlite3")
    )

# Read replicas (PostgreSQL streaming replication): DATABASE_REPLICA_URLS, comma-separated, become
# replica_1, replica_2 …; public read-only requests read from them (kpi_tracker/db_router.py),
# writes and staff pages use the primary. The test database of a replica is the primary's.
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica_{_number}"] = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES[f"replica_{_number}"]["TEST"] = {"MIRROR": "default"}
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["kpi_tracker.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "kpi_tracker.db_router.PublicReadOnlyMiddleware",
    )
    # ahead of the public fast path, which reads the replicas too
    MIDDLEWARE.insert(
        MIDDLEWARE.index("public.fastpath.PublicFastPathMiddleware"), "kpi_tracker.db_router.PublicReadOnlyMiddleware"
    )


def cache_from_url(url: str) -> dict:
    """The cache ``CACHE_URL`` names: shared by every worker and app server, except locmem and dummy.

    ``db://`` or ``db://TABLE`` (``manage.py createcachetable``), ``file:///PATH``,
    ``redis://HOST:PORT/N`` or ``rediss://`` (needs the ``redis`` package),
    ``memcached://HOST:PORT[,HOST:PORT]`` (needs ``pymemcache``), ``locmem://`` (one process),
    ``dummy://`` (no cache).
    """
    scheme, _, rest = url.partition("://")
    backends = "django.core.cache.backends."
    if scheme == "db":
        return {"BACKEND": backends + "db.DatabaseCache", "LOCATION": rest.strip("/") or "kpi_tracker_cache"}
    if scheme == "file":
        return {"BACKEND": backends + "filebased.FileBasedCache", "LOCATION": rest}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": backends + "redis.RedisCache", "LOCATION": url}
    if scheme in {"memcached", "pymemcache"}:
        return {"BACKEND": backends + "memcached.PyMemcacheCache", "LOCATION": rest.strip("/").split(",")}
    if scheme == "locmem":
        return {"BACKEND": backends + "locmem.LocMemCache", "LOCATION": rest}
    if scheme == "dummy":
        return {"BACKEND": backends + "dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL: unknown scheme {scheme!r} (db, file, redis, memcached, locmem, dummy).")


# Without CACHE_URL: in production the database (one cache for every gunicorn worker and every app
# server; `make run` and deploy/ run createcachetable), in development the process's memory.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL") or ("locmem://" if DEBUG else "db://"))}
# The database and file caches keep 300 entries unless told (beyond that a write culls a third):
# too few for a nation's public pages, each kept once per version and language.
if CACHES["default"]["BACKEND"].endswith((".DatabaseCache", ".FileBasedCache")):
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "50000"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Limits on what people upload and type. Each refusal is a clear message in Japanese and writes
# nothing; each limit can be set in the environment.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))  # one uploaded file
# An xlsx is a zip: its unpacked size is capped too (a zip bomb is small on the wire).
UPLOAD_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("UPLOAD_MAX_UNCOMPRESSED_BYTES", str(40 * 1024 * 1024)))
UPLOAD_MAX_SHEETS = int(os.environ.get("UPLOAD_MAX_SHEETS", "30"))
UPLOAD_MAX_ROWS = int(os.environ.get("UPLOAD_MAX_ROWS", "20000"))  # per sheet
UPLOAD_MAX_CELL_CHARS = int(os.environ.get("UPLOAD_MAX_CELL_CHARS", "10000"))  # any one cell
NOTE_MAX_CHARS = int(os.environ.get("NOTE_MAX_CHARS", "2000"))  # an actual's note, however it is entered
PROBLEMS_SHOWN = int(os.environ.get("PROBLEMS_SHOWN", "100"))  # longer problem lists are summarised
# Django's own caps on a request: the body (uploads are capped above) and the number of fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "kpi_tracker.uploads.CappedUploadHandler",  # refuses a body over UPLOAD_MAX_BYTES as it arrives
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FIELDS", "10000"))

# Mail (invitations, reminders): printed on the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kpi-tracker@localhost")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "plans:plan-list"

# Lock an account and address out after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# The client's address (X-Forwarded-For only behind our proxy), and the lockout page: 429, Japanese.
AXES_CLIENT_IP_CALLABLE = "kpi_tracker.axes_hooks.client_ip_address"
AXES_LOCKOUT_CALLABLE = "kpi_tracker.axes_hooks.lockout_response"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "plans" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# Uploaded evidence (根拠資料): never served as public media; a staff view checks who asks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(VAR_DIR / "media")))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024)))
EVIDENCE_EXTENSIONS = ("pdf", "xlsx", "csv", "png", "jpg", "jpeg", "docx", "txt")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# In development serve straight from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Content Security Policy: our own origin only, never a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Behind our reverse proxy: trust its X-Forwarded-Proto, and take the client's address from the
# X-Forwarded-For entry TRUSTED_PROXY_COUNT places from the right (what our own proxies appended).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
