"""Error pages speak in the portal's own layout and words, never Django's bare defaults."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from config.urls import urlpatterns as site_urls


def _broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [*site_urls, path("broken/", _broken_view)]


@pytest.mark.django_db
def test_a_missing_page_explains_itself_in_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "There is no page at this address" in body
    assert 'class="site-header"' in body


@pytest.mark.django_db
def test_a_publisher_on_a_reviewer_page_is_told_they_lack_the_rights(alice_client):
    response = alice_client.get("/review/")

    assert response.status_code == 403
    assert "Your account does not have the rights this page needs." in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_shows_our_page_without_details():
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "boom" not in body
