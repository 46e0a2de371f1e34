from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation


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
        """Switch the interface to the user's preferred language, then log in.

        The language comes first so that allauth's "signed in" message is
        written in the language of the pages that show it.
        """
        language = user.preferred_language
        switch = language in dict(settings.LANGUAGES)
        if switch:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = super().post_login(request, user, **kwargs)
        if switch and hasattr(response, "set_cookie"):
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
