"""The publisher is told what saving stripped from their description, never left to find out."""

import pytest

from offers.forms import MarketingForm
from offers.validators import RemovedMarkup
from tests.wizard_data import MARKETING, post_step, step_url

pytestmark = pytest.mark.django_db

WITH_SCRIPT = '<p onclick="go()">Plans routes.</p><script>alert(1)</script>'
SENTENCE = "The script element and the onclick attribute were removed from the description."


def marketing(description):
    return {**MARKETING, "description": description}


def messages_on(client, response):
    """The messages on the page a redirect leads to, as (level, text)."""
    page = client.get(response["Location"])
    return [(message.level_tag, str(message)) for message in page.context["messages"]]


def test_the_page_after_saving_says_what_was_removed_from_the_description(alice_client, draft):
    response = post_step(alice_client, draft, "marketing", marketing(WITH_SCRIPT))

    assert response["Location"] == step_url(draft, "review")
    assert messages_on(alice_client, response) == [("warning", SENTENCE)]
    draft.refresh_from_db()
    assert draft.description_html == "<p>Plans routes.</p>alert(1)"


def test_nothing_is_said_when_the_description_keeps_all_its_markup(alice_client, draft):
    response = post_step(alice_client, draft, "marketing", marketing("<p>Plans <b>routes</b>.</p>"))

    assert response["Location"] == step_url(draft, "review")
    assert messages_on(alice_client, response) == []


def test_the_notice_is_said_once_not_again_on_the_next_page(alice_client, draft):
    response = post_step(alice_client, draft, "marketing", marketing(WITH_SCRIPT))
    messages_on(alice_client, response)

    later = alice_client.get(step_url(draft, "marketing"))

    assert list(later.context["messages"]) == []
    assert SENTENCE not in later.content.decode()


def test_the_step_shown_again_says_beside_its_preview_what_was_removed(alice_client, draft):
    data = {**marketing(WITH_SCRIPT), "app_name": ""}

    response = post_step(alice_client, draft, "marketing", data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.removed == RemovedMarkup(elements=("script",), attributes=("onclick",))
    assert form.removed_notice() == SENTENCE
    html = response.content.decode()
    assert html.count(SENTENCE) == 1
    assert f'<p class="callout callout--warning" role="status">{SENTENCE}</p>' in html
    assert list(response.context["messages"]) == []


def test_a_refused_description_says_nothing_about_removed_markup(draft):
    # Only an image: no text is left once it is stripped, so the description is refused.
    form = MarketingForm(data=marketing("<img src=x onerror=y>"), offer=draft)

    assert form.is_valid() is False
    assert form.errors["description"] == [
        "The description has no text once unsupported HTML is removed."
    ]
    assert form.removed == RemovedMarkup()
    assert form.removed_notice() == ""


def test_the_form_names_what_it_removed_as_parameters(draft):
    raw = '<p style="x">A</p><iframe src=x></iframe><!-- note --><p title=t onclick=y>B</p>'
    form = MarketingForm(data=marketing(raw), offer=draft)

    assert form.is_valid() is True
    assert form.removed == RemovedMarkup(
        elements=("iframe",), attributes=("style", "title", "onclick"), comments=1
    )
    assert form.removed_notice() == (
        "The iframe element, the style, title and onclick attributes and 1 comment were "
        "removed from the description."
    )
