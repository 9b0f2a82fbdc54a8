"""One walk through the wizard, from "New offer" to "Submitted", in any of the site's languages,
with the keyboard alone (`Keys`) or with Playwright's pointer actions (`Pointer`).

Controls are found by their ids, which do not depend on the language; their visible headings
and labels are then compared with the catalogue's translation of the English text (`Texts`)."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from offers.models import Offer, OfferStatus
from tests.browser.test_publisher_journey import png_file

AAD_APP_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
# A name in Traditional Chinese and a description with Dutch diacritics: both must come back
# exactly as typed.
APP_NAME = "雲端排程助手"
DESCRIPTION = (
    "<p>Plant ploegen voor cafés en ziekenhuizen in België: één overzicht, "
    "geëxporteerd en gecoördineerd.</p>"
)
LOGO_SLOTS = ("40x40", "90x90", "115x115", "255x115")
# Enough Tab presses to cross the longest page (the technical step has about 30 stops).
MAX_TABS = 80


# Product names the marketplace writes the same in every language (the seed pages do): their
# translation may equal the English, but it must still be in the catalogue.
NAMES_KEPT_AS_IS = {"Microsoft Power BI", "MPN ID"}


class FieldName(str):
    """An answer's label, which is its model field's verbose name: the msgid is in lower case,
    and forms and pages show it with a capital (accounts.models.field_label)."""


class Texts:
    """The text a page should show in `language`: the catalogue's translation of the English
    msgid, computed here in the test process. A msgid missing from the compiled catalogue
    (untranslated or fuzzy) or translated as the English is a failure, as is a page showing
    other text. Every problem is collected, so that one run lists them all; `assert_all()`
    fails with the list."""

    def __init__(self, language):
        self.language = language
        self.problems = []

    def __call__(self, msgid):
        if self.language == "en":
            return capfirst(msgid) if isinstance(msgid, FieldName) else msgid
        with translation.override(self.language):
            text = translation.gettext(msgid)
            # msgfmt leaves untranslated and fuzzy entries out of the compiled catalogue.
            in_catalogue = msgid in translation.trans_real.translation(self.language)._catalog
        if not in_catalogue or (text == msgid and msgid not in NAMES_KEPT_AS_IS):
            self.problems.append(f"not translated into {self.language}: {msgid!r}")
        return capfirst(text) if isinstance(msgid, FieldName) else text

    def shown(self, locator, msgid, where):
        """`locator`'s visible text should be the translation of `msgid`."""
        expected = self(msgid)
        actual = " ".join(locator.inner_text().split())
        if actual != expected:
            self.problems.append(f"{where}: shows {actual!r}, the catalogue says {expected!r}")

    def heading(self, page, msgid):
        """The page's main heading, on a page in the walk's language."""
        lang = page.locator("html").get_attribute("lang")
        if lang != self.language:
            self.problems.append(f"{page.url}: <html lang={lang!r}>, not {self.language!r}")
        self.shown(page.get_by_role("heading", level=1), msgid, "the page's heading")

    def label(self, page, control_id, msgid):
        self.shown(page.locator(f'label[for="{control_id}"]'), msgid, f"label of #{control_id}")

    def legend(self, page, field_id, msgid):
        self.shown(page.locator(f"#{field_id} legend"), msgid, f"legend of #{field_id}")

    def assert_all(self):
        assert self.problems == [], "\n".join(self.problems)


class Pointer:
    """Playwright's own actions: clicks and fills."""

    def __init__(self, page):
        self.page = page

    def fill(self, field, text):
        field.fill(text)

    def tick(self, box):
        box.check()

    def choose(self, radio):
        radio.check()

    def select(self, select, value):
        select.select_option(value)

    def upload(self, field, path):
        field.set_input_files(path)

    def activate(self, control):
        control.click()


class Keys:
    """A person with a keyboard alone: Tab and Shift+Tab to move, typing, Space to tick, arrow
    keys inside a radio group or a list, Enter to follow a link or press a button.
    Never click()."""

    def __init__(self, page):
        self.page = page
        self.keyboard = page.keyboard

    def focus(self, target, *, backwards=False):
        """Tab (or Shift+Tab) until `target` has the focus, as a person scans the page; and
        the person must see where the focus is."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(MAX_TABS):
            if is_focused(target):
                assert_focus_is_visible(self.page, str(target))
                return
            self.keyboard.press(key)
        pytest.fail(f"{key} did not reach {target} in {MAX_TABS} presses: {active(self.page)}")

    def fill(self, field, text):
        self.focus(field)
        self.keyboard.press("ControlOrMeta+A")
        if text:
            self.keyboard.type(text)
        else:
            self.keyboard.press("Delete")

    def tick(self, box):
        self.focus(box)
        if not box.is_checked():
            self.keyboard.press("Space")
        expect(box).to_be_checked()

    def choose(self, radio):
        """Tab into the radio group (one stop for the whole group), then the arrow keys."""
        group = radio.get_attribute("name")
        for _ in range(MAX_TABS):
            if self.page.evaluate("name => document.activeElement.name === name", group):
                break
            self.keyboard.press("Tab")
        for _ in range(10):
            if is_focused(radio):
                break
            self.keyboard.press("ArrowDown")
        assert_focus_is_visible(self.page, str(radio))
        # The first radio of a group where nothing is chosen yet takes the focus unchosen.
        self.keyboard.press("Space")
        expect(radio).to_be_checked()

    def select(self, select, value):
        """On a closed list, the arrow keys change the choice without opening it."""
        self.focus(select)
        values = select.evaluate("el => [...el.options].map(option => option.value)")
        current = select.input_value()
        key = "ArrowDown" if values.index(value) > values.index(current) else "ArrowUp"
        for _ in range(len(values)):
            if select.input_value() == value:
                return
            self.keyboard.press(key)
        expect(select).to_have_value(value)

    def upload(self, field, path):
        # The file chooser that Space or Enter opens on a file input is the operating system's
        # own window, outside the page: no browser test can drive it. The input is reached
        # with the keyboard; Playwright then hands it the file as that window would.
        self.focus(field)
        field.set_input_files(path)

    def activate(self, control):
        self.focus(control)
        self.keyboard.press("Enter")


def is_focused(locator):
    return locator.evaluate("el => el === document.activeElement")


def active(page):
    """The focused element, briefly: for failure messages."""
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return el ? el.outerHTML.slice(0, 160) : null; }"
    )


def focus_ring(page):
    """The focused element's outline as computed: what makes the focus visible here."""
    return page.evaluate(
        "() => { const style = getComputedStyle(document.activeElement);"
        " return {style: style.outlineStyle, width: style.outlineWidth,"
        " color: style.outlineColor, matches: document.activeElement.matches(':focus-visible')}; }"
    )


def assert_focus_is_visible(page, where):
    ring = focus_ring(page)
    assert ring["matches"], f"{where}: {active(page)} does not match :focus-visible"
    assert ring["style"] == "solid" and float(ring["width"].removesuffix("px")) >= 2, (
        f"{where}: the focus on {active(page)} has no visible outline: {ring}"
    )


class WizardWalk:
    """The wizard's five steps with valid answers, one method per step, each checking its
    heading and labels in the walk's language and keeping a screenshot."""

    def __init__(self, page, driver, texts, screenshot, *, site, tmp_path):
        self.page, self.driver, self.t = page, driver, texts
        self.screenshot, self.site, self.tmp_path = screenshot, site, tmp_path
        self.offer = None

    def go(self, control):
        """Follow a link or press a button, and wait until the next page has loaded: before
        that, the server may still be writing what the test is about to read."""
        with self.page.expect_navigation():
            self.driver.activate(control)

    def by_id(self, element_id):
        return self.page.locator(f"#{element_id}")

    def fill(self, element_id, text, label):
        self.t.label(self.page, element_id, label)
        self.driver.fill(self.by_id(element_id), text)

    def tick(self, element_id, label):
        self.t.label(self.page, element_id, label)
        self.driver.tick(self.by_id(element_id))

    def choose(self, field_id, radio_id, legend, label):
        self.t.legend(self.page, field_id, legend)
        self.t.label(self.page, radio_id, label)
        self.driver.choose(self.by_id(radio_id))

    def save_and_continue(self):
        button = self.page.locator(".form-actions button[type=submit]")
        self.t.shown(button, "Save and continue", "the step's button")
        self.go(button)

    def switch_language(self, language):
        """With the language switcher in the header, from the page where we are."""
        self.driver.select(self.by_id("language-select"), language)
        self.go(self.page.locator(".language-form button[type=submit]"))
        expect(self.page.locator("html")).to_have_attribute("lang", language)

    def new_offer(self):
        link = self.page.get_by_role("navigation").locator('a[href="/offers/new/"]')
        self.t.shown(link, "New offer", "the menu's link to a new offer")
        self.go(link)
        expect(self.page).to_have_url(re_path(r"/offers/new/"))

    def publisher(self):
        self.t.heading(self.page, "Publisher and registration")
        self.fill("id_company_name", "Northwind Apps", FieldName("company name"))
        self.choose(
            "field-registration_type",
            "id_registration_type_0",
            FieldName("registration"),
            "Microsoft Partner Network member",
        )
        self.fill("id_mpn_id", "4512345", FieldName("MPN ID"))
        self.t.label(self.page, "id_microsoft_account", FieldName("Microsoft account"))
        self.screenshot("publisher")
        self.save_and_continue()
        expect(self.page).to_have_url(re_path(r"/offers/\d+/edit/technical/"))
        self.offer = Offer.objects.get(organisation__company_name="Northwind Apps")

    def technical(self, *, uptime, aad_application_id=AAD_APP_ID):
        self.t.heading(self.page, "Technical requirements")
        self.fill(
            "id_technical-aad_application_id",
            aad_application_id,
            FieldName("Azure AD application (client) ID"),
        )
        self.tick(
            "id_technical-aad_sso_consent",
            "My app allows Azure Active Directory federated single sign-on (AAD federated SSO), "
            "with consent enabled.",
        )
        self.tick("id_technical-integrations_0", "Microsoft Power BI")
        self.fill(
            "id_technical-business_process",
            "Route planning for field engineers.",
            FieldName("business process"),
        )
        self.tick(
            "id_technical-work_credentials",
            "Users sign in with their work credentials (user name and password).",
        )
        self.choose(
            "field-technical-trial_type",
            "id_technical-trial_type_1",
            FieldName("how customers try it"),
            "Free trial",
        )
        self.fill("id_technical-trial_days", "30", FieldName("free trial period (days)"))
        self.tick(
            "id_technical-low_configuration",
            "My app is simple and quick to set up: no development or customization is required "
            "(no or low configuration).",
        )
        self.fill("id_technical-support_url", f"{self.site}/support", FieldName("support URL"))
        self.fill("id_technical-uptime_percent", uptime, FieldName("uptime commitment"))
        self.screenshot("technical")
        self.save_and_continue()

    def business(self):
        expect(self.page).to_have_url(re_path(rf"/offers/{self.offer.pk}/edit/business/"))
        self.t.heading(self.page, "Business requirements")
        self.tick(
            "id_business-own_ordering_and_billing",
            "We use our own ordering and billing infrastructure; the marketplace offers no "
            "commerce.",
        )
        self.choose(
            "field-business-support_model",
            "id_business-support_model_1",
            FieldName("technical support"),
            "Paid",
        )
        self.tick(
            "id_business-licensing_responsibility",
            "We are responsible for licensing our software and its third-party dependencies.",
        )
        self.screenshot("business")
        self.save_and_continue()

    def marketing(self):
        expect(self.page).to_have_url(re_path(rf"/offers/{self.offer.pk}/edit/marketing/"))
        self.t.heading(self.page, "Marketing assets")
        self.fill("id_marketing-app_name", APP_NAME, FieldName("official app name"))
        self.fill("id_marketing-description", DESCRIPTION, FieldName("description"))
        for slot in LOGO_SLOTS:
            width, height = (int(side) for side in slot.split("x"))
            self.driver.upload(
                self.by_id(f"id_marketing-logo_{slot}"), png_file(self.tmp_path, width, height)
            )
        self.fill("id_marketing-terms_url", f"{self.site}/terms", FieldName("terms of use URL"))
        self.fill(
            "id_marketing-privacy_url", f"{self.site}/privacy", FieldName("privacy policy URL")
        )
        self.screenshot("marketing")
        self.save_and_continue()

    def review(self, *, uptime_shown):
        expect(self.page).to_have_url(re_path(rf"/offers/{self.offer.pk}/edit/review/"))
        self.t.heading(self.page, "Review and submit")
        marketing = self.page.locator('section[aria-labelledby="summary-marketing"]')
        technical = self.page.locator('section[aria-labelledby="summary-technical"]')
        assert answer(marketing, self.t(FieldName("official app name"))) == APP_NAME
        assert marketing.locator(".preview__body").inner_html() == DESCRIPTION
        assert answer(technical, self.t(FieldName("uptime commitment"))) == uptime_shown
        self.screenshot("review")
        button = self.page.locator(".form-actions button[type=submit]")
        self.t.shown(button, "Submit offer", "the review's button")
        self.go(button)

    def submitted(self):
        expect(self.page).to_have_url(re_path(rf"/offers/{self.offer.pk}/"))
        expect(self.page.get_by_role("heading", level=1)).to_have_text(APP_NAME)
        self.t.shown(self.page.locator(".message"), "Your offer was submitted.", "the message")
        self.t.shown(self.page.locator(".page-head .badge"), "In review", "the status")
        self.screenshot("submitted")
        self.offer.refresh_from_db()
        assert (self.offer.status, self.offer.app_name) == (OfferStatus.IN_REVIEW, APP_NAME)
        assert self.offer.description_html == DESCRIPTION

    def uptime_is(self, value):
        self.offer.refresh_from_db()
        assert self.offer.uptime_percent == Decimal(value)


def answer(section, term):
    """The value beside `term` in a summary section, whitespace collapsed."""
    value = section.locator("dt", has_text=term).locator("xpath=following-sibling::dd[1]")
    return " ".join(value.first.inner_text().split())


def re_path(pattern):
    return re.compile(pattern + "$")
