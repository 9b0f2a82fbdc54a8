"""The wizard in Dutch and in Traditional Chinese, chosen with the site's language switcher;
the Chinese walk with the keyboard alone. A screenshot of each step is kept in
test-artifacts/<test name>/.

Each heading and label is compared with the catalogue's translation of its English text,
computed here with the same compiled catalogue the server uses (`make messages` builds it), and
must differ from the English: these tests fail while a catalogue is incomplete."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from tests.browser.wizard_walk import Keys, Pointer, Texts, WizardWalk
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def start(page, driver, language, screenshot, live_server, site, tmp_path):
    """A new publisher on "My offers", who switches the site into `language`."""
    sign_in(page, UserFactory(email="dana@northwind.example"), live_server.url)
    texts = Texts(language)
    walk = WizardWalk(page, driver, texts, screenshot, site=site, tmp_path=tmp_path)
    page.goto("/offers/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    walk.switch_language(language)
    texts.heading(page, "My offers")
    screenshot("my-offers")
    return walk


def test_a_publisher_walks_the_wizard_in_dutch_and_types_the_uptime_with_a_comma(
    page, screenshot, live_server, publisher_site, tmp_path
):
    walk = start(page, Pointer(page), "nl", screenshot, live_server, publisher_site, tmp_path)
    walk.new_offer()
    walk.publisher()
    walk.technical(uptime="99,9")
    walk.business()  # the comma was accepted: the wizard moved on
    walk.uptime_is("99.9")
    walk.marketing()
    walk.review(uptime_shown="99,9%")
    walk.submitted()
    walk.t.assert_all()


def test_a_publisher_walks_the_wizard_in_traditional_chinese_with_the_keyboard_alone(
    page, screenshot, live_server, publisher_site, tmp_path
):
    walk = start(page, Keys(page), "zh-hant", screenshot, live_server, publisher_site, tmp_path)
    walk.new_offer()
    walk.publisher()
    walk.technical(uptime="99.9")
    walk.business()
    walk.uptime_is("99.9")
    walk.marketing()
    walk.review(uptime_shown="99.9%")
    walk.submitted()
    walk.t.assert_all()
