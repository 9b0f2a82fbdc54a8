"""An organisation in Chromium, with the keyboard alone: the owner invites a manager and a
viewer; the manager joins from the e-mail by signing up, continues the owner's draft and
submits it; the viewer joins, sees the offer and cannot change it; the owner removes the
manager, whose next request answers 404. Every page on the way is checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from offers.checks import rounds
from tests.browser.pages import assert_no_serious_violations, sign_in
from tests.browser.wizard_walk import Keys
from tests.factories import PASSWORD, OfferFactory, UserFactory, organisation_of, publisher

pytestmark = pytest.mark.browser


def invite(page, keys, email, role):
    keys.fill(page.get_by_label("E-mail address", exact=True), email)
    keys.choose(page.get_by_label(role, exact=True))
    keys.activate(page.get_by_role("button", name="Send the invitation", exact=True))
    expect(page.locator(".message").first).to_have_text(f"An invitation was sent to {email}.")


def link_to(mailoutbox, email):
    [message] = [message for message in mailoutbox if message.to == [email]]
    return re.search(r"http://\S+(/organisation/join/\S+/)", message.body).group(1)


def test_a_team_works_on_one_offer_and_a_removed_member_loses_it(
    new_page, live_server, mailoutbox, monkeypatch
):
    monkeypatch.setattr(rounds, "enqueue", lambda ids: None)  # the checks are not this test's
    alice = publisher("alice@example.com", company_name="Alice Apps")
    draft = OfferFactory(owner=alice, app_name="Alice Route Planner")
    vic = UserFactory(email="vic@example.com")

    owner = new_page()
    owner_keys = Keys(owner)
    sign_in(owner, alice, live_server.url)
    owner.goto("/organisation/")
    expect(owner.get_by_text("Organisation: Alice Apps")).to_be_visible()
    assert_no_serious_violations(owner, "the organisation page")
    owner_keys.activate(owner.get_by_role("link", name="Members", exact=True))
    expect(owner.get_by_role("heading", level=1)).to_have_text("Members")
    assert_no_serious_violations(owner, "the members page")
    invite(owner, owner_keys, "mia@example.com", "Manager")
    invite(owner, owner_keys, "vic@example.com", "Viewer")
    assert_no_serious_violations(owner, "the members page with invitations")

    # The manager signs up from the e-mail: the link proved the address, so no code is asked.
    manager = new_page()
    manager_keys = Keys(manager)
    manager.goto(link_to(mailoutbox, "mia@example.com"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Join Alice Apps")
    assert_no_serious_violations(manager, "the invitation page")
    manager_keys.activate(manager.get_by_role("link", name="Create an account", exact=True))
    manager_keys.fill(manager.get_by_label("Email", exact=True), "mia@example.com")
    manager_keys.fill(manager.get_by_label("Password", exact=True), PASSWORD)
    manager_keys.fill(manager.get_by_label("Password (again)", exact=True), PASSWORD)
    manager_keys.activate(manager.get_by_role("button", name="Sign Up", exact=True))
    manager_keys.activate(manager.get_by_role("button", name="Join Alice Apps", exact=True))
    expect(manager.get_by_role("heading", level=1)).to_have_text("My offers")
    expect(
        manager.get_by_text("The offers of Alice Apps, where your role is Manager.")
    ).to_be_visible()

    # ... continues the owner's draft and submits it.
    manager_keys.activate(manager.get_by_role("link", name="Continue Alice Route Planner"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Review and submit")
    manager_keys.activate(manager.get_by_role("button", name="Submit offer", exact=True))
    expect(manager.locator(".message").first).to_have_text("Your offer was submitted.")
    expect(manager.locator(".timeline__who")).to_have_text(["You"])

    # The viewer joins with the account they have, sees the offer, and cannot change it.
    viewer = new_page()
    viewer_keys = Keys(viewer)
    sign_in(viewer, vic, live_server.url)
    viewer.goto(link_to(mailoutbox, "vic@example.com"))
    viewer_keys.activate(viewer.get_by_role("button", name="Join Alice Apps", exact=True))
    viewer_keys.activate(viewer.get_by_role("link", name="Alice Route Planner", exact=True))
    expect(viewer.get_by_role("heading", level=1)).to_have_text("Alice Route Planner")
    expect(viewer.locator(".timeline__who")).to_have_text(["mia@example.com"])
    expect(viewer.get_by_role("button", name="Withdraw", exact=True)).to_have_count(0)
    expect(viewer.get_by_role("heading", name="Withdraw this offer")).to_have_count(0)
    assert_no_serious_violations(viewer, "the status page for a viewer")

    # The owner removes the manager, whose next request answers 404.
    owner.goto("/organisation/members/")
    owner_keys.activate(owner.get_by_role("button", name="Remove mia@example.com"))
    expect(owner.locator(".message").first).to_have_text("mia@example.com was removed.")
    response = manager.goto(f"/offers/{draft.pk}/")
    assert response.status == 404


def test_two_members_on_one_step_the_second_sees_the_firsts_answers_and_keeps_their_own(
    new_page, live_server
):
    alice = publisher("alice@example.com", company_name="Alice Apps")
    mia = publisher("mia@example.com", organisation=organisation_of(alice), role="manager")
    draft = OfferFactory(owner=alice, app_name="Alice Route Planner")
    url = f"/offers/{draft.pk}/edit/technical/"
    pages = []
    for person in (alice, mia):
        page = new_page()
        sign_in(page, person, live_server.url)
        page.goto(url)
        pages.append((page, Keys(page)))
    (first, first_keys), (second, second_keys) = pages

    first_keys.fill(first.get_by_label("Uptime commitment"), "99.99")
    first_keys.activate(first.get_by_role("button", name="Save and continue", exact=True))
    expect(first.get_by_role("heading", level=1)).to_have_text("Business requirements")
    second_keys.fill(second.get_by_label("Uptime commitment"), "99.97")
    second_keys.activate(second.get_by_role("button", name="Save and continue", exact=True))

    alert = second.get_by_role("alert").filter(has_text="Someone else saved these answers")
    expect(alert).to_contain_text("alice@example.com saved these answers at ")
    expect(alert).to_contain_text("99.990")
    expect(second.get_by_label("Uptime commitment")).to_have_value("99.97")
    assert_no_serious_violations(second, "a step saved by someone else meanwhile")
    second_keys.activate(second.get_by_role("button", name="Save and continue", exact=True))
    expect(second.get_by_role("heading", level=1)).to_have_text("Business requirements")


def test_the_pages_without_an_organisation_are_accessible(page, live_server):
    newcomer = UserFactory(email="new@example.com")
    sign_in(page, newcomer, live_server.url)

    page.goto("/organisation/")
    expect(page.get_by_text("You belong to no organisation yet.")).to_be_visible()
    assert_no_serious_violations(page, "the organisation page of someone in none")
    response = page.goto("/organisation/join/a-link-nobody-was-sent/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation no longer works")
    assert_no_serious_violations(page, "an invitation that no longer works")


def test_a_marketer_reads_the_technical_step_and_can_move_on_by_keyboard(page, live_server):
    alice = publisher("alice@example.com", company_name="Alice Apps")
    mark = publisher("mark@example.com", organisation=organisation_of(alice), role="marketer")
    draft = OfferFactory(owner=alice)
    keys = Keys(page)
    sign_in(page, mark, live_server.url)

    page.goto(f"/offers/{draft.pk}/edit/technical/")
    expect(
        page.get_by_role("status").filter(has_text="Your role in Alice Apps is Marketer")
    ).to_be_visible()
    expect(page.get_by_label("Uptime commitment")).to_be_disabled()
    assert_no_serious_violations(page, "a step read-only for a marketer")
    keys.activate(page.get_by_role("link", name="Next step", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Business requirements")


def test_an_owner_makes_an_api_key_by_keyboard_and_sees_it_once(page, live_server):
    alice = publisher("alice@example.com", company_name="Alice Apps")
    keys = Keys(page)
    sign_in(page, alice, live_server.url)
    page.goto("/organisation/")
    keys.activate(page.get_by_role("link", name="API keys", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("API keys")

    keys.fill(page.get_by_label("Name", exact=True), "release pipeline")
    keys.choose(page.get_by_label("Read and write", exact=True))
    keys.activate(page.get_by_role("button", name="Make the key", exact=True))

    shown = page.get_by_label("Key", exact=True)
    expect(shown).to_have_value(re.compile(r"^od_[0-9a-f]{8}_\S{40,}$"))
    assert_no_serious_violations(page, "the API keys page with a new key")
    page.goto("/organisation/api-keys/")
    expect(page.get_by_label("Key", exact=True)).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile("release pipeline"))).to_contain_text("Never")
