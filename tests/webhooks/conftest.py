import pytest

from tests.factories import organisation_of
from tests.webhooks.receiver import receiving
from webhooks import services
from webhooks.models import EventType


@pytest.fixture
def receiver(settings):
    """A receiver on 127.0.0.1, which deliveries may reach: the operator setting for private
    networks is on, and its port allowed."""
    with receiving() as found:
        settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = True
        settings.URLCHECK_ALLOWED_PORTS = (80, 443, found.port)
        yield found


@pytest.fixture
def registered(alice, receiver):
    """Alice Apps' endpoint for every event, at the receiver: (endpoint, its secret)."""
    return services.register(
        organisation_of(alice), receiver.url, list(EventType), created_by=alice
    )


@pytest.fixture
def endpoint(registered):
    return registered[0]


@pytest.fixture
def secret(registered):
    return registered[1]


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what is queued on commit, as a request's commit would: the deliveries, which the
    test settings run at once (CELERY_TASK_ALWAYS_EAGER)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
