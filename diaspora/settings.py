"""Settings, read from the environment in this one module.

With nothing set the app runs on SQLite with Celery tasks executed in-process.
DATABASE_URL selects PostgreSQL, CELERY_BROKER_URL a Redis broker (and cache).
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# .env holds this checkout's secret only; DEBUG is never read from a file that
# outlives the command that wrote it (bin/run sets it for its own process).
environ.Env.read_env(env("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Production has no default secret. bin/run writes a random one into .env for
# the embedded default; only DEBUG falls back to a fixed development key.
if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_filters",
    "django_celery_beat",
    "accounts",
    "profiles",
    "matching",
    "agreements",
    "rounds",
    "notifications",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.two_factor_required_for_staff",
    "diaspora.middleware.private_pages_not_stored",
]

ROOT_URLCONF = "diaspora.urls"

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
                "accounts.context_processors.roles",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "diaspora.wsgi.application"
# Django's form renderer with <select> written in Python (same HTML, faster).
FORM_RENDERER = "diaspora.forms_renderer.FormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each gunicorn worker keeps its database connection for this many seconds
# (checked before reuse) instead of opening one per request: on PostgreSQL a
# connection is a new server process. 0 closes it after every request.
if "conn_max_age" not in env("DATABASE_URL", default=""):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The scientist_portrait index carries the id (INCLUDE) for PostgreSQL's
# index-only scans; SQLite builds it without, as intended: no warning for that.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process that serves (rate limits count across
# gunicorn workers): Redis when configured (a Redis outage degrades to cache
# misses, never to an error page), otherwise a table in the database. Only the
# single-process development server (DEBUG) keeps it in memory.
REDIS_URL = env("REDIS_URL", default=env("CELERY_BROKER_URL", default=""))
if REDIS_URL.startswith("redis"):
    CACHES = {"default": {"BACKEND": "diaspora.cache.ForgivingRedisCache", "LOCATION": REDIS_URL}}
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "diaspora_cache",
        }
    }

# Sessions live in the database only (Django's default engine), not in the
# cache: the cache forgives Redis errors, so a logout during a Redis blip would
# leave a cached copy of the session that opens the account again afterwards.

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth 65: email is the login, verified before anything else.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Client addresses for rate limits: X-Forwarded-For is trusted only behind this
# many proxies (each appends one address); 0 means REMOTE_ADDR, so a client
# cannot rotate its own header to escape the limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Failed logins are limited per address for 5 minutes at most, and a correct
# password clears the count, so nobody locks another person out for long.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
if env.bool("DJANGO_DISABLE_RATE_LIMITS", default=False):
    ACCOUNT_RATE_LIMITS = False

# Two-factor login (an authenticator app, with recovery codes) for everyone;
# coordinators and staff must set it up before any page but their account's.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Red Diáspora MX"
MFA_REQUIRED_FOR_STAFF = env.bool("DJANGO_MFA_REQUIRED_FOR_STAFF", default=True)

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["diaspora.formats"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("DJANGO_MANIFEST_STATIC", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST", default="")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Red Diáspora <no-reply@example.org>")

# Celery: a Redis broker when configured, otherwise tasks run in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process whose resident memory went past this (KiB) is replaced once its
# task ends: the refit of a full rematch reads every profile, and the process
# that ran it should not keep that memory for the chunks that follow.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_500_000
)
CELERY_TASK_ACKS_LATE = True
# A task whose worker process dies is put back on the queue, not acknowledged.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis gives an unacknowledged message to another worker after this long: longer
# than the longest task (its hard time limit), or a task still running would be
# delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60,
    "socket_connect_timeout": 2,
}
# With the broker down a save must answer at once (its rescoring stays pending in
# the database): fail fast instead of retrying for seconds.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
    "socket_connect_timeout": 2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs, synced into django_celery_beat's tables by its DatabaseScheduler.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "matching-nightly-full-rematch": {
        "task": "matching.tasks.nightly_full_rematch",
        "schedule": crontab(hour=3, minute=15),  # nightly, CELERY_TIMEZONE
        "options": {"expires": 60 * 60 * 12},
    },
    "matching-recover-runs": {
        "task": "matching.tasks.recover_match_runs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "matching-requeue-pending-rescoring": {
        "task": "matching.tasks.requeue_pending_rescoring",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The dashboard's figures are kept per day: the first coordinator of the
    # day finds them computed.
    "agreements-dashboard-new-day": {
        "task": "agreements.tasks.refresh_dashboard_figures",
        "schedule": crontab(hour=0, minute=1),
        "options": {"expires": 60 * 60},
    },
}
# The weekly digest and the email sweep are stored schedules (notifications
# migration 0002), editable in the admin like the daily follow-ups.

# Matcher weights: the total score is the weighted mean of the components
# (documented in README). Language is a hard filter, not a weight.
MATCH_WEIGHTS = {
    "field": env.float("MATCH_WEIGHT_FIELD", default=0.6),
    "goals": env.float("MATCH_WEIGHT_GOALS", default=0.2),
    "timeline": env.float("MATCH_WEIGHT_TIMELINE", default=0.25),
    "network": env.float("MATCH_WEIGHT_NETWORK", default=0.1),
}
# Parts of the field component (renormalised over the parts both sides
# have): SNII areas, keywords, lexical text match (TF-IDF), closeness in
# meaning (sentence encoders) for texts in two languages and, lighter, in one.
# Chosen on the evaluation sets (README, "How the matcher scores a pair").
MATCH_FIELD_PARTS = {
    "areas": env.float("MATCH_FIELD_AREAS", default=0.2),
    "keywords": env.float("MATCH_FIELD_KEYWORDS", default=0.2),
    "text": env.float("MATCH_FIELD_TEXT", default=0.25),
    "semantic": env.float("MATCH_FIELD_SEMANTIC", default=2.0),
    "semantic_same": env.float("MATCH_FIELD_SEMANTIC_SAME", default=0.05),
}
MATCH_TOP_K = env.int("MATCH_TOP_K", default=20)
MATCH_CHUNK_SIZE = env.int("MATCH_CHUNK_SIZE", default=500)
# At most this many pairs (scientists x open projects) per chunk: a chunk's score
# block takes about 85 bytes a pair, so 5 M pairs keep a worker process near
# 0.5 GB for the block whatever the number of projects (500 x 10,000; with
# 50,000 open projects a chunk holds 100 scientists).
MATCH_CHUNK_PAIRS = env.int("MATCH_CHUNK_PAIRS", default=5_000_000)
# Seconds one chunk of a full rematch may take (its task's soft time limit); a
# chunk started longer ago than this by a task no worker runs is queued again.
MATCH_CHUNK_TIME_LIMIT = env.int("MATCH_CHUNK_TIME_LIMIT", default=10 * 60)

# Follow-up: an agreement with no activity for this many days is stalled.
AGREEMENT_STALL_DAYS = env.int("AGREEMENT_STALL_DAYS", default=45)
MILESTONE_DUE_SOON_DAYS = env.int("MILESTONE_DUE_SOON_DAYS", default=7)
# The coordinators' dashboard keeps its figures this long (0: always recomputed);
# a saved agreement, milestone, introduction or interest refreshes them at once.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)
# Seconds after a save that changes them before a worker computes the
# network's dashboard figures again (0: only when a coordinator asks).
DASHBOARD_REFRESH_SECONDS = env.int("DASHBOARD_REFRESH_SECONDS", default=5)

SITE_NAME = "Red Diáspora MX"
# allauth would otherwise prefix its emails' subjects with the request's host.
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Scheme and host of every link in every email (no trailing slash): notifications,
# digests, introductions and allauth's verification and password emails alike.
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
# Pages shown when something is wrong use the site's layout and language.
CSRF_FAILURE_VIEW = "diaspora.views.csrf_failure"

# HTTPS is the production default: redirect, HSTS and Secure cookies are on
# unless DEBUG. Behind a proxy that terminates TLS, set
# DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (the proxy must set
# that header itself and drop any value sent by the client).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
_proxy_ssl_header = env("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: only this site's own files (htmx, Chart.js and the
# styles are vendored); no inline script or style, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}
