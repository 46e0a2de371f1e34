import datetime

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

    def post_login(self, request, user, **kwargs):
        """Log in, then switch the interface to the user's preferred language."""
        response = super().post_login(request, user, **kwargs)
        if hasattr(response, "set_cookie"):
            response.set_cookie(
                KNOWN_DEVICE_COOKIE,
                signing.dumps(user.email.strip().lower(), salt=KNOWN_DEVICE_SALT),
                max_age=int(KNOWN_DEVICE_AGE.total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        language = user.preferred_language
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
            if hasattr(response, "set_cookie"):
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
