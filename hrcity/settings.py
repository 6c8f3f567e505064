"""Settings for Human Rights City Gwangju, read from the environment.

This one module is what production runs, and what the test suite runs too: the few names
tests must have otherwise are overridden in hrcity/test_settings.py, and nowhere else.

A development checkout needs nothing exported: `make run` writes a git-ignored `.env`
(DJANGO_DEBUG=1 and a secret of its own) that is read here; real environment variables win
over it. Production sets DJANGO_DEBUG=0 (the default), has no `.env`, and must then provide
DJANGO_SECRET_KEY; DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

import hashlib
import os
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hrcity.environment import env_bool, env_file_path, env_list, load_env_file
from hrcity.media import media_origins

BASE_DIR = Path(__file__).resolve().parent.parent

load_env_file(env_file_path(default=BASE_DIR / ".env"))

# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs a long random secret: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its admin classes win.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # /sitemap.xml (timeline/public/sitemaps.py) needs the app for its templates.
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "hrcity.apps.LoginProtectionConfig",  # django-axes, with a translated admin heading
    "csp",
    "django_filters",
    "import_export",
    # History of every record: who changed what, restore and recover (timeline/history.py).
    "reversion",
    # Long imports and exports run as tasks (timeline/jobs/): the Tasks framework's backport
    # and its database backend, so the database is the queue and `manage.py db_worker` the worker.
    "django_tasks",
    "django_tasks_db",
    "timeline",
]

MIDDLEWARE = [
    # Outermost, so that static files and cached pages get them too (hrcity/headers.py).
    "hrcity.headers.HeadWithoutBodyMiddleware",
    "hrcity.headers.ProtectiveHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that sets headers or cookies, so a cached page is stored as sent.
    "timeline.caching.pages.PublicPageCacheMiddleware",
    "hrcity.security.SiteCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Django's, except that /healthz answers whatever the Host (load balancers probe by IP).
    "hrcity.health.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hrcity.urls"
WSGI_APPLICATION = "hrcity.wsgi.application"

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
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging: a writer never blocks readers. In SQLite's default mode a long
    # write (a large import) locks out every page that reads the database once its changes
    # outgrow the page cache, and those pages fail after the 5-second timeout. Writers still
    # take turns (README, "Background jobs").
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DJANGO_DB_PREPARED_STATEMENTS", default=True
):
    # The public pages' repeated statements planned once per connection (hrcity/database.py).
    from hrcity.database import options as prepared_statement_options

    DATABASES["default"]["OPTIONS"] = prepared_statement_options(
        DATABASES["default"].get("OPTIONS", {})
    )
if os.environ.get("DJANGO_TEST_DB_NAME"):
    # Lets parallel test runs on one PostgreSQL server keep out of each other's way.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_DB_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------

# Cached public pages, remembered figures and the content version that retires them all
# (timeline/caching/) must be one cache for every process that serves the same database:
# a change saved by one gunicorn worker or a manage.py command must retire every worker's pages.
REDIS_URL = os.environ.get("REDIS_URL", "")


def cache_key_prefix(database: Mapping[str, Any]) -> str:
    """A key prefix naming the database, so another database on the same Redis or cache
    directory (a second site, a benchmark, a checkout beside this one) never shares a content
    version, a page or a remembered figure with this one."""
    identity = "|".join(
        str(database.get(part) or "") for part in ("ENGINE", "NAME", "HOST", "PORT")
    )
    return "hrcity-" + hashlib.sha256(identity.encode()).hexdigest()[:12]


CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    # Several servers: one Redis that all of them share.
    CACHES = {
        "default": {
            "BACKEND": "hrcity.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": cache_key_prefix(DATABASES["default"]),
        }
    }
else:
    # One server: files in one directory, shared by all its processes (run them as one user:
    # Django writes the files readable by their owner only). Chosen over DatabaseCache, which
    # would need `createcachetable` in every setup and, on SQLite, would make each cached page
    # a write contending for the one database lock with staff saves; a lost or culled file only
    # costs a re-render.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "KEY_PREFIX": cache_key_prefix(DATABASES["default"]),
            # Each write lists the directory to cull it; this bounds both the listing and
            # the disk used, while holding every page of a record of several thousand entries.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Anonymous visitors' public pages (timeline/caching/pages.py): kept this long on the server
# (0 turns the cache off; any change to the record retires them at once), and told to
# browsers (max-age) and to a CDN or proxy (s-maxage, which no change can retire early).
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", str(60 * 60 * 24)))
PAGE_CACHE_MAX_AGE = int(os.environ.get("DJANGO_PAGE_MAX_AGE", "60"))
PAGE_CACHE_S_MAXAGE = int(os.environ.get("DJANGO_PAGE_S_MAXAGE", "300"))
# After every change, a background job renders the most asked-for public pages again (home,
# the timeline, the changed milestones and their years...) and stores them, so the first
# visitor after an edit is served from the cache (timeline/jobs/warming.py). It needs a
# worker (`manage.py db_worker`) and a cache the worker shares with the app: Redis or the
# file cache, never a process's own memory.
TIMELINE_WARM_PAGES = env_bool("DJANGO_WARM_PAGES", default=True)
# Where visitors reach the site (scheme://host[:port]): the cache keeps a page per origin.
# Empty: the origins of the latest pages stored for visitors (timeline/caching/origins.py).
TIMELINE_WARM_ORIGINS = env_list("DJANGO_WARM_ORIGINS")

# --- Review and preview (timeline/admin/review.py, timeline/previews.py) ------

# How long a preview link that staff send each other works (it still needs a staff login).
PREVIEW_LINK_MAX_AGE = int(os.environ.get("DJANGO_PREVIEW_LINK_DAYS", "7")) * 24 * 60 * 60
# E-mail to the people concerned by a review step: publishers on a submission, the editor on
# a decision. SMTP when DJANGO_EMAIL_HOST is set; else printed to the console in development
# and dropped in production.
REVIEW_EMAIL = env_bool("DJANGO_REVIEW_EMAIL", default=True)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_TLS", default=True)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_EMAIL_FROM", "hrcity@localhost")

# --- Authentication ---------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# After signing in with no safe ``next`` address (a missing or foreign one), staff land on
# the admin's index, not Django's /accounts/profile/, which this site does not have.
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login protection (django-axes). Failures are counted in the database, so every app
# process behind the load balancer sees the same count.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "30")))
# Lock the pair (username, client address), not the address alone: behind a load balancer
# or a city office's NAT many staff share one address, and one attacker must not be able
# to lock them all out. (The trade-off: guessing across many usernames from one address
# is slowed per username only.)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A staff member who mistypes twice and then gets it right starts again from zero.
AXES_RESET_ON_SUCCESS = True
# 429 Too Many Requests (axes 8's default, pinned): the lockout is about rate, not rights.
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# X-Forwarded-For is trusted only when DJANGO_TRUSTED_PROXY_COUNT says how many proxies
# (each appending one address) stand in front of the app; by default the header is
# ignored, as any client can send it.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "hrcity.proxy.client_ip"
# No start-up banner: logs go to stdout, where `manage.py dumpdata > file` writes too.
AXES_VERBOSE = False

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "ko"
LANGUAGES = [
    ("ko", _("Korean")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "timeline" / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# Content columns: *_ko is the default; an empty language falls back to the other one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ko"
MODELTRANSLATION_LANGUAGES = ("ko", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ko", "en"), "ko": ("en",), "en": ("ko",)}
# The admin's Korean/English tabs need jQuery UI; modeltranslation defaults to a CDN copy,
# which a strict CSP blocks. Serve the vendored file (static path) and Django's own jQuery.
JQUERY_UI_URL = "timeline/vendor/jquery-ui/jquery-ui.min.js"
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"

# --- Static files -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))

# --- Media: images and documents staff upload -----------------------------------------

# Stored names are content hashes (timeline/media/names.py): a name always holds the same
# bytes, so writing one again overwrites nothing of value, and may be cached for ever.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
MEDIA_STORAGE: dict[str, Any]
if S3_BUCKET:
    # Several servers: one S3-compatible bucket (AWS, NCloud, MinIO, …) that all of them
    # write to, and that browsers read from directly (public-read by the bucket's policy).
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_S3_REGION") or None,
            # Empty: boto3's own chain (an instance role, AWS_* variables).
            "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("DJANGO_S3_PREFIX", "media"),
            # The public address of the files (a CDN, or the bucket's own host); the files
            # are public, so their URLs are plain, unsigned and cacheable.
            "custom_domain": os.environ.get("DJANGO_S3_PUBLIC_DOMAIN") or None,
            "url_protocol": os.environ.get("DJANGO_S3_PUBLIC_PROTOCOL", "https:"),
            "querystring_auth": False,
            "default_acl": None,  # public reads come from the bucket policy, not object ACLs
            "file_overwrite": True,  # same name, same bytes; saves a HEAD request per file
            "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
        },
    }
else:
    MEDIA_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"allow_overwrite": True},
    }
# Development (`make run`) serves MEDIA_ROOT itself; production's web server does.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=DEBUG) and not S3_BUCKET
# Uploads over these are refused with a message (timeline/media/checks.py); the web server in
# front must accept a request this large (nginx: client_max_body_size 60m).
TIMELINE_IMAGE_MAX_BYTES = int(os.environ.get("TIMELINE_IMAGE_MAX_BYTES", str(15 * 1024 * 1024)))
TIMELINE_IMAGE_MAX_PIXELS = int(os.environ.get("TIMELINE_IMAGE_MAX_PIXELS", "50000000"))
TIMELINE_DOCUMENT_MAX_BYTES = int(
    os.environ.get("TIMELINE_DOCUMENT_MAX_BYTES", str(50 * 1024 * 1024))
)

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# WhiteNoise's default lets any site read the static files from script (CORS). Nothing
# needs that: the site serves no web fonts, and a CDN in front serves the same origin.
WHITENOISE_ALLOW_ALL_ORIGINS = False

# --- Security ---------------------------------------------------------------

# Sent with every response, static files included (hrcity/headers.py).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# No page uses any of these; denying them all bounds what an injected script could do.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The admin's address; a less obvious one keeps password-guessing robots away.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *media_origins(MEDIA_URL, MEDIA_STORAGE)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}

# Production serves HTTPS only; DJANGO_HTTPS=0 is for trying the production stack on a
# laptop (`make serve`), where no TLS proxy sits in front.
HTTPS = not DEBUG and env_bool("DJANGO_HTTPS", default=True)
if HTTPS:
    # TLS ends at the proxy or load balancer, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Import/export ----------------------------------------------------------

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Background jobs (timeline/jobs/) ---------------------------------------

# The database is the queue: any app server enqueues, any `manage.py db_worker` runs a task,
# and each task is claimed by exactly one worker (a locked row). Tests run tasks at once, in
# the test's own process (hrcity/test_settings.py).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Admin imports of files larger than this (bytes), and staff exports of more rows than this,
# run as jobs with a progress page.
TIMELINE_IMPORT_JOB_BYTES = int(os.environ.get("DJANGO_IMPORT_JOB_BYTES", str(256 * 1024)))
TIMELINE_EXPORT_JOB_ROWS = int(os.environ.get("DJANGO_EXPORT_JOB_ROWS", "5000"))
# Exports, public downloads and imports handle this many rows at a time (a query each, with
# the keys in one IN list: below SQLite's historical 999-parameter limit), so their memory
# stays flat however many rows there are.
TIMELINE_TRANSFER_BATCH_ROWS = 900
# A running job's worker writes a heartbeat this often; a job whose heartbeat is older than
# the timeout is marked failed (its worker was killed or its server lost).
TIMELINE_JOB_HEARTBEAT_SECONDS = float(os.environ.get("DJANGO_JOB_HEARTBEAT_SECONDS", "5"))
TIMELINE_JOB_STALE_SECONDS = float(os.environ.get("DJANGO_JOB_STALE_SECONDS", "120"))
# How long the import log keeps an entry (who imported which file): `prune_imports` deletes
# older ones. The privacy page states it.
TIMELINE_IMPORT_LOG_DAYS = int(os.environ.get("DJANGO_IMPORT_LOG_DAYS", "730"))

# --- Logging ----------------------------------------------------------------

# Everything goes to stdout: JSON lines in production, for the platform's log collector;
# readable text while developing.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "hrcity.logging.JSONFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": sys.stdout,
            "formatter": "plain" if DEBUG else "json",
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}

# --- Site -------------------------------------------------------------------

TIMELINE_PAGE_SIZE = 20
DIRECTORY_PAGE_SIZE = 30
# A year's milestones, in the source's order; the record's busiest year has far fewer.
YEAR_PAGE_SIZE = 50
