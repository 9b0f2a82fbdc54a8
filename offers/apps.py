from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Offers")

    def ready(self):
        # A person's address changes in allauth's e-mail page or the admin, neither of which
        # knows about offers: the queue's sort by reviewer (Offer.assigned_to_email) follows it.
        post_save.connect(
            _user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="offers.follow_email"
        )


def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    # A new person has no offers yet; a save of other fields (the last sign-in) leaves the
    # address alone.
    if created or (update_fields is not None and "email" not in update_fields):
        return
    from offers.services import follow_reviewer_email  # noqa: PLC0415 - models load after apps

    follow_reviewer_email(instance)
