from django.urls import path

from accounts import views

app_name = "accounts"

# Sign-up, sign-in and passwords are django-allauth's (config/urls.py); these are ours.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
]
