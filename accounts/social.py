"""Our part of django-allauth's sign-in with Microsoft."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.http import Http404


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """A portal not registered with Microsoft has no such sign-in: its addresses answer 404
        (allauth's own adapter lets SocialApp.DoesNotExist become a server error)."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404("No sign-in with this provider is set up.") from None
