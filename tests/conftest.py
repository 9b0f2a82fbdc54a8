import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from accounts.models import Role
from tests.factories import (
    PASSWORD,
    OfferFactory,
    PublisherProfileFactory,
    UserFactory,
    submitted_offer,
)


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
    """A publisher with a complete profile: the owner in most tests."""
    return PublisherProfileFactory(company_name="Alice Apps", user__email="alice@example.com").user


@pytest.fixture
def bob(db):
    """Another publisher: an outsider to Alice's offers."""
    return PublisherProfileFactory(company_name="Bob Software", user__email="bob@example.com").user


@pytest.fixture
def newcomer(db):
    """A publisher who has just signed up: no profile yet."""
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
