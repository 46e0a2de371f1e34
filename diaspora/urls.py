from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views

from . import health, views

# The admin login goes through allauth (verification, rate limits).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("health/", health.health, name="health"),
    path("accounts/", include("allauth.urls")),
    # Same URL as Django's set_language; also stores the choice on the user.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("profiles.urls")),
    path("matching/", include("matching.urls")),
    path("agreements/", include("agreements.urls")),
    path("rounds/", include("rounds.urls")),
    path("notifications/", include("notifications.urls")),
]
