"""The API's documentation in Chromium: Swagger UI from our own static files, under the same
Content-Security-Policy as every page (the page fixture fails on any refused script or style)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_the_schema_without_a_cdn_or_a_csp_violation(page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/api/docs/")

    expect(page.get_by_text("Offer Desk submission API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/offers/").first).to_be_visible()
    assert [url for url in requested if not url.startswith(page.url.split("/api/")[0])] == []
