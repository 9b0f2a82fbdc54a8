from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import LoginView
from offers import views as offer_views

urlpatterns = [
    path("", offer_views.home, name="home"),
    # Django's names "login" and "logout" stay global: LOGIN_URL and the auth views rely on them.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("offers/", include("offers.urls")),
    path("review/", include("review.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
