from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from config.labels import ChoiceLabelsOnce


def field_label(model, name):
    """A model field's name as forms and pages show it: its verbose name, with a capital."""
    return capfirst(model._meta.get_field(name).verbose_name)


class Role(models.TextChoices):
    PUBLISHER = "publisher", _("Publisher")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Admin")


# The roles that review: admins have every right a reviewer has.
REVIEWER_ROLES = (Role.REVIEWER, Role.ADMIN)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("role", Role.PUBLISHER)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        """An admin from the command line (make superuser): whoever runs it owns the address."""
        extra.update(role=Role.ADMIN, is_superuser=True)
        user = self._create_user(email, password, **extra)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user


class User(ChoiceLabelsOnce, AbstractUser):
    """A person who signs in with an e-mail address. The role decides what they may do."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.PUBLISHER)
    # The language pages and e-mails use for this person; empty until they pick one.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def save(self, *args, **kwargs):
        # The admin role is the Django admin's superuser: admins manage every account. The flags
        # follow the role so that they can never disagree with it.
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    @property
    def is_reviewer(self):
        """Reviewers and admins: admins have every right a reviewer has."""
        return self.is_active and self.role in REVIEWER_ROLES
