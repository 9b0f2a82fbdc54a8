"""The owner's webhook pages: register an endpoint (its URL under the SSRF rules of the URL
checks, at least one event) and see its secret once; delete it; read its delivery log, newest
first, and send a message again. Other roles get 403, another organisation's owner 404."""

import base64

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OfferFactory, organisation_of
from webhooks import services
from webhooks.models import Delivery, Endpoint, EventType

pytestmark = pytest.mark.django_db

WEBHOOKS_URL = reverse("organisations:webhooks")
EVERY_EVENT = [event.value for event in EventType]


def register(client, url="https://hooks.example.com/offer-desk", events=("offer.approved",)):
    return client.post(WEBHOOKS_URL, {"url": url, "events": list(events)})


def log_url(endpoint):
    return reverse("organisations:webhook", args=[endpoint.pk])


def make_deliveries(endpoint, count, status="delivered"):
    """`count` attempts in the log, one message each, as the deliveries leave them."""
    offer = OfferFactory(organisation=endpoint.organisation, app_name="Alice Route Planner")
    payload = {"type": "offer.submitted", "data": {"offer": {"id": offer.pk}}}
    return Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoint,
            message_id=f"msg_{number:04d}",
            event_type="offer.submitted",
            payload=payload,
            status=status,
            status_code=204,
            due_at=timezone.now(),
            sent_at=timezone.now(),
        )
        for number in range(count)
    )


@pytest.fixture
def endpoint(alice):
    endpoint, _secret = services.register(
        organisation_of(alice), "https://hooks.example.com/a", EVERY_EVENT, created_by=alice
    )
    return endpoint


def test_an_owner_registers_an_endpoint_and_sees_its_secret_once(alice_client, alice):
    response = register(alice_client, events=["offer.submitted", "offer.approved"])

    secret = response.context["made"]["secret"]
    endpoint = Endpoint.objects.get()
    assert (
        endpoint.organisation,
        endpoint.url,
        endpoint.events,
        endpoint.created_by,
        endpoint.disabled_at,
    ) == (
        organisation_of(alice),
        "https://hooks.example.com/offer-desk",
        ["offer.submitted", "offer.approved"],
        alice,
        None,
    )
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret in response.content.decode()
    assert secret not in alice_client.get(WEBHOOKS_URL).content.decode()
    assert secret not in alice_client.get(log_url(endpoint)).content.decode()


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        (
            "http://hooks.example.com/",
            "scheme",
            "The address must start with https://, so that every message is encrypted.",
        ),
        (
            "ftp://hooks.example.com/",
            "scheme",
            "The address must start with https://, so that every message is encrypted.",
        ),
        (
            "https://127.0.0.1/hooks",
            "address_refused",
            "This address is not reachable from the internet.",
        ),
        (
            "https://10.1.2.3/hooks",
            "address_refused",
            "This address is not reachable from the internet.",
        ),
        (
            "https://localhost/hooks",
            "address_refused",
            "This address is not reachable from the internet.",
        ),
        (
            "https://0x7f.1/hooks",
            "address_refused",
            "This address is not reachable from the internet.",
        ),
        (
            "https://user:secret@hooks.example.com/",
            "address_refused",
            "This address contains a user name or password; remove the part before “@”.",
        ),
        (
            "https://hooks.example.com:8443/",
            "address_refused",
            "This address uses port 8443; only the standard ports 80 (http) and 443 (https) "
            "can be checked. Remove “:8443” from the address.",
        ),
    ],
)
def test_an_address_the_rules_refuse_is_refused_next_to_the_field(alice_client, url, code, message):
    response = register(alice_client, url=url)

    form = response.context["form"]
    assert form.errors == {"url": [message]}
    assert [error.code for error in form.errors.as_data()["url"]] == [code]
    assert not Endpoint.objects.exists()


def test_with_private_networks_allowed_http_and_a_private_address_are_taken(alice_client, settings):
    settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = True

    response = register(alice_client, url="http://10.1.2.3/hooks")

    assert response.context["form"].errors == {}
    assert Endpoint.objects.get().url == "http://10.1.2.3/hooks"


def test_the_metadata_address_is_refused_even_with_private_networks_allowed(alice_client, settings):
    settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = True

    response = register(alice_client, url="http://169.254.169.254/latest/meta-data/")

    assert response.context["form"].errors == {
        "url": ["This address is not reachable from the internet."]
    }


def test_an_endpoint_without_events_is_refused(alice_client):
    response = register(alice_client, events=[])

    form = response.context["form"]
    assert form.errors == {"events": ["Choose at least one event to send to this endpoint."]}
    assert form.errors.as_data()["events"][0].code == "required"


def test_the_page_lists_each_endpoint_with_its_events_and_latest_delivery(alice_client, endpoint):
    make_deliveries(endpoint, 2, status="failed")

    response = alice_client.get(WEBHOOKS_URL)

    [shown] = response.context["endpoints"]
    assert (shown, [d.status for d in shown.latest]) == (endpoint, ["failed"])
    assert shown.event_labels() == [
        "An offer is submitted",
        "The checks of a submission are finished",
        "An offer’s status changes",
        "An offer is approved",
    ]


def test_deleting_an_endpoint_removes_it_and_its_log(alice_client, endpoint):
    make_deliveries(endpoint, 2)

    response = alice_client.post(
        reverse("organisations:delete_webhook", args=[endpoint.pk]), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "https://hooks.example.com/a no longer receives events."
    ]
    assert (Endpoint.objects.count(), Delivery.objects.count()) == (0, 0)


def test_the_log_lists_the_attempts_newest_first(alice_client, endpoint):
    made = make_deliveries(endpoint, 3)

    response = alice_client.get(log_url(endpoint))

    assert [d.pk for d in response.context["deliveries"]] == [d.pk for d in reversed(made)]
    assert response.context["older"] is False


def test_the_log_shows_the_latest_attempts_only(alice_client, endpoint, settings):
    made = make_deliveries(endpoint, services.LOG_LENGTH + 2)

    response = alice_client.get(log_url(endpoint))

    shown = response.context["deliveries"]
    assert (len(shown), shown[0].pk, response.context["older"]) == (
        services.LOG_LENGTH,
        made[-1].pk,
        True,
    )
    assert f"Only the latest {services.LOG_LENGTH} attempts are shown." in response.content.decode()


def test_send_again_makes_a_new_attempt_of_the_same_message(
    alice_client, endpoint, django_capture_on_commit_callbacks
):
    [first] = make_deliveries(endpoint, 1, status="failed")
    url = reverse("organisations:send_webhook_again", args=[endpoint.pk, first.pk])

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = alice_client.post(url, follow=True)

    again = Delivery.objects.exclude(pk=first.pk).get()
    assert (again.message_id, again.attempt, again.manual, again.status) == (
        first.message_id,
        2,
        True,
        "pending",
    )
    assert len(queued) == 1
    assert [str(m) for m in response.context["messages"]] == [
        "Message msg_0000 is being sent again, as attempt 2."
    ]


@pytest.mark.parametrize("who", ["manager", "marketer", "viewer"])
def test_only_owners_reach_the_webhooks(client, endpoint, who, request):
    [sent] = make_deliveries(endpoint, 1)
    client.force_login(request.getfixturevalue(who))

    assert client.get(WEBHOOKS_URL).status_code == 403
    assert register(client).status_code == 403
    assert client.get(log_url(endpoint)).status_code == 403
    delete = reverse("organisations:delete_webhook", args=[endpoint.pk])
    assert client.post(delete).status_code == 403
    again = reverse("organisations:send_webhook_again", args=[endpoint.pk, sent.pk])
    assert client.post(again).status_code == 403
    assert (Endpoint.objects.count(), Delivery.objects.count()) == (1, 1)


def test_another_organisations_owner_finds_none_of_alices_endpoints(client, endpoint, bob):
    [sent] = make_deliveries(endpoint, 1)
    client.force_login(bob)

    assert client.get(log_url(endpoint)).status_code == 404
    delete = reverse("organisations:delete_webhook", args=[endpoint.pk])
    assert client.post(delete).status_code == 404
    again = reverse("organisations:send_webhook_again", args=[endpoint.pk, sent.pk])
    assert client.post(again).status_code == 404
    assert client.get(WEBHOOKS_URL).context["endpoints"] == []
    assert (Endpoint.objects.count(), Delivery.objects.count()) == (1, 1)


def test_a_delivery_of_another_endpoint_cannot_be_sent_again_through_ones_own(
    client, endpoint, bob
):
    [alices] = make_deliveries(endpoint, 1)
    bobs, _secret = services.register(
        organisation_of(bob), "https://bob.example.com/", EVERY_EVENT, created_by=bob
    )
    client.force_login(bob)

    url = reverse("organisations:send_webhook_again", args=[bobs.pk, alices.pk])

    assert client.post(url).status_code == 404
    assert Delivery.objects.count() == 1


# Queries: the same number with one row and with many.

# The session comes from the cache.
LIST_QUERIES = 4  # user, memberships, endpoints, their latest attempts
LOG_QUERIES = 4  # user, memberships, the endpoint, its attempts


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_page_reads_a_fixed_number_of_queries(
    alice_client, alice, count, django_assert_num_queries
):
    for number in range(count):
        endpoint, _secret = services.register(
            organisation_of(alice),
            f"https://hooks.example.com/{number}",
            EVERY_EVENT,
            created_by=alice,
        )
        make_deliveries(endpoint, 2)

    with django_assert_num_queries(LIST_QUERIES):
        response = alice_client.get(WEBHOOKS_URL)

    assert len(response.context["endpoints"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_the_log_reads_a_fixed_number_of_queries(
    alice_client, endpoint, count, django_assert_num_queries
):
    make_deliveries(endpoint, count)

    with django_assert_num_queries(LOG_QUERIES):
        response = alice_client.get(log_url(endpoint))

    assert len(response.context["deliveries"]) == count
