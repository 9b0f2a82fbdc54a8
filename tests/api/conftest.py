import pytest

from tests.api.client import api, key_of


@pytest.fixture
def writer(alice):
    """A script's client with a read-and-write key of Alice Apps."""
    return api(key_of(alice))
