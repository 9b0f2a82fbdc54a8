from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.views import LoginView
from config import health
from offers import views as offer_views

urlpatterns = [
    path("", offer_views.home, name="home"),
    # Django's names "login" and "logout" stay global: LOGIN_URL and the auth views rely on them.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("offers/", include("offers.urls")),
    path("review/", include("review.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", health.alive, name="healthz"),
    path("readyz", health.ready, name="readyz"),
]
