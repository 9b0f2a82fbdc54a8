"""SESSION_ENGINE: Django's database sessions, each row tagged with the signed-in user.

Ending every session of one account is then one indexed delete (accounts.services.end_sessions),
instead of decoding every live session in the table to find whose it is.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError

from accounts.models import User, UserSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _user_pk(data.get(SESSION_KEY))
        return session


def _user_pk(value):
    try:
        return User._meta.pk.to_python(value)
    except ValidationError:
        return None
