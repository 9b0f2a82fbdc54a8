from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("switch/", views.switch, name="switch"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/<int:pk>/role/", views.change_role, name="change_role"),
    path("members/<int:pk>/remove/", views.remove, name="remove"),
    path("members/e-mails/", views.email_choices, name="email_choices"),
    path("invitations/<int:pk>/withdraw/", views.revoke_invitation, name="revoke_invitation"),
    path("join/<str:token>/", views.join, name="join"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", views.revoke_api_key, name="revoke_api_key"),
]
