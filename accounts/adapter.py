import datetime
from urllib.parse import urlsplit, urlunsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter

# The same (internal) rate-limit helper that the default adapter uses.
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing
from django.utils import translation

KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_SALT = "accounts.known_device"
KNOWN_DEVICE_AGE = datetime.timedelta(days=180)


def _known_device_login(request) -> str | None:
    """The email this browser last logged in with, if it carries our signed cookie."""
    try:
        return signing.loads(
            request.COOKIES.get(KNOWN_DEVICE_COOKIE, ""),
            salt=KNOWN_DEVICE_SALT,
            max_age=KNOWN_DEVICE_AGE,
        )
    except signing.BadSignature:
        return None


def on_site_url(url: str) -> str:
    """The same link on the site's own address (settings.SITE_URL), not the request's host."""
    bits = urlsplit(url)
    if not (bits.scheme and bits.netloc):
        return url
    site = urlsplit(settings.SITE_URL)
    base_path = site.path.rstrip("/")
    return urlunsplit((site.scheme, site.netloc, base_path + bits.path, bits.query, bits.fragment))


class OwnSite:
    """What allauth's email templates read of `current_site`."""

    @property
    def name(self) -> str:
        return settings.SITE_NAME

    @property
    def domain(self) -> str:
        return urlsplit(settings.SITE_URL).netloc


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        """Failed logins are limited per address (email) and per IP. A browser that
        has logged in as this person before is held to the IP limit only, so that
        someone typing their address cannot lock them out of their own account."""
        login = (credentials.get("email") or "").strip().lower()
        rates = (account_settings.RATE_LIMITS or {}).get("login_failed")
        if not rates or not login or _known_device_login(request) != login:
            return super().pre_authenticate(request, **credentials)
        per_ip = ",".join(r for r in rates.split(",") if not r.strip().endswith("/key"))
        self._login_failed_rl_usage = ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed",
            key=self._get_login_attempts_cache_key(request, **credentials),
            config={"login_failed": per_ip},
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (verification, password reset...) link to settings.SITE_URL,
        like every other email of the site."""
        context = {
            key: on_site_url(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
        }
        return super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        # The greeting and signature name the site and its address, not the request's host.
        context = {**context, "current_site": OwnSite()}
        return super().render_mail(template_prefix, email, context, headers=headers)

    def post_login(self, request, user, **kwargs):
        """Switch the interface to the user's preferred language, then log in; the
        browser is remembered as one this person logs in from.

        The language comes first so that allauth's "signed in" message is
        written in the language of the pages that show it.
        """
        language = user.preferred_language
        switch = language in dict(settings.LANGUAGES)
        if switch:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = super().post_login(request, user, **kwargs)
        if not hasattr(response, "set_cookie"):
            return response
        response.set_cookie(
            KNOWN_DEVICE_COOKIE,
            signing.dumps(user.email.strip().lower(), salt=KNOWN_DEVICE_SALT),
            max_age=int(KNOWN_DEVICE_AGE.total_seconds()),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        if switch:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
