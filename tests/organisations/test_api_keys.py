"""API keys: an owner makes one for a script and sees it once; only its hash is kept; revoked,
it stops working at once; its last use is noted. Other roles and outsiders cannot reach them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.models import ApiKey
from tests.factories import organisation_of

pytestmark = pytest.mark.django_db

KEYS_URL = reverse("organisations:api_keys")


def make(client, name="release pipeline", scope="write"):
    return client.post(KEYS_URL, {"name": name, "scope": scope})


def test_an_owner_makes_a_key_and_sees_it_once(alice_client, alice):
    response = make(alice_client)

    raw = response.context["made"]["raw"]
    key = ApiKey.objects.get()
    assert (key.name, key.scope, key.organisation, key.created_by) == (
        "release pipeline",
        "write",
        organisation_of(alice),
        alice,
    )
    assert raw.startswith(key.prefix + "_") and len(raw) > 40
    assert raw in response.content.decode()
    assert raw not in key.key_hash
    assert raw not in alice_client.get(KEYS_URL).content.decode()
    assert services.key_for(raw) == key


def test_a_key_without_a_name_is_refused_next_to_the_field(alice_client):
    response = make(alice_client, name="")

    assert response.context["form"].errors == {"name": ["Fill in “Name”."]}
    assert not ApiKey.objects.exists()


def test_a_revoked_key_stops_working_at_once_and_stays_listed(alice_client, alice):
    raw = make(alice_client).context["made"]["raw"]
    key = ApiKey.objects.get()

    response = alice_client.post(
        reverse("organisations:revoke_api_key", args=[key.pk]), follow=True
    )

    assert services.key_for(raw) is None
    assert [str(m) for m in response.context["messages"]] == [
        "The key “release pipeline” no longer works."
    ]
    assert "Revoked on " in response.content.decode()


def test_an_unknown_key_is_nobodys():
    assert services.key_for("od_00000000_not-a-key") is None


def test_a_keys_use_is_noted_at_most_once_a_minute(alice):
    key, raw = services.make_key(organisation_of(alice), "ci", "read", made_by=alice)

    services.key_for(raw)
    first = ApiKey.objects.get().last_used_at
    services.key_for(raw)
    assert ApiKey.objects.get().last_used_at == first
    ApiKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    services.key_for(raw)

    assert ApiKey.objects.get().last_used_at > first


@pytest.mark.parametrize("who", ["manager", "marketer", "viewer"])
def test_only_owners_reach_the_keys(client, alice, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(KEYS_URL).status_code == 403
    assert make(client).status_code == 403
    assert not ApiKey.objects.exists()


def test_an_owner_of_another_organisation_cannot_revoke_alices_key(client, alice, bob):
    key, raw = services.make_key(organisation_of(alice), "ci", "read", made_by=alice)
    client.force_login(bob)

    response = client.post(reverse("organisations:revoke_api_key", args=[key.pk]))

    assert response.status_code == 404
    assert services.key_for(raw) == key
