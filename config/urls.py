from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config import health
from offers import views as offer_views

urlpatterns = [
    path("", offer_views.home, name="home"),
    # django-allauth: sign-up, sign-in (by password or by a code), e-mail verification, password
    # reset, two-factor authentication, sessions, Microsoft.
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("offers/", include("offers.urls")),
    path("organisation/", include("organisations.urls")),
    path("api/", include("api.urls")),
    path("review/", include("review.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", health.alive, name="healthz"),
    path("readyz", health.ready, name="readyz"),
]
