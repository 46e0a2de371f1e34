"""Settings, read from the environment in this one module.

With nothing set the app runs on SQLite with Celery tasks executed in-process.
DATABASE_URL selects PostgreSQL, CELERY_BROKER_URL a Redis broker (and cache).
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default=env("CELERY_BROKER_URL", default=""))
if REDIS_URL.startswith("redis"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
if env.bool("DJANGO_DISABLE_RATE_LIMITS", default=False):
    ACCOUNT_RATE_LIMITS = False

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
CELERY_TASK_ACKS_LATE = True
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

# Follow-up: an agreement with no activity for this many days is stalled.
AGREEMENT_STALL_DAYS = env.int("AGREEMENT_STALL_DAYS", default=45)
MILESTONE_DUE_SOON_DAYS = env.int("MILESTONE_DUE_SOON_DAYS", default=7)

SITE_NAME = "Red Diáspora MX"
# allauth would otherwise prefix its emails' subjects with the request's host.
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Scheme and host of every link in every email (no trailing slash): notifications,
# digests, introductions and allauth's verification and password emails alike.
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
# Pages shown when something is wrong use the site's layout and language.
CSRF_FAILURE_VIEW = "diaspora.views.csrf_failure"

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}
