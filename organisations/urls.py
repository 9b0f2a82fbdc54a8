from django.urls import path

from organisations import views
from webhooks import views as webhooks

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
    path("webhooks/", webhooks.endpoints, name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.endpoint, name="webhook"),
    path("webhooks/<int:pk>/delete/", webhooks.delete_endpoint, name="delete_webhook"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery>/send-again/",
        webhooks.send_again,
        name="send_webhook_again",
    ),
]
