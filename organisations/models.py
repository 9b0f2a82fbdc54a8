from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.labels import ChoiceLabelsOnce


class RegistrationType(models.TextChoices):
    MPN = "mpn", _("Microsoft Partner Network member")
    MARKETPLACE = "marketplace", _("Registered marketplace publisher")


class Organisation(ChoiceLabelsOnce):
    """The publisher: what the marketplace ties to the company rather than to one offer or one
    person. Each field's verbose name is its label in the form and on every page that shows it."""

    company_name = models.CharField(_("company name"), max_length=200)
    registration_type = models.CharField(_("registration"), max_length=20, choices=RegistrationType)
    mpn_id = models.CharField(_("MPN ID"), max_length=10, blank=True)
    marketplace_publisher_id = models.CharField(_("publisher ID"), max_length=50, blank=True)
    microsoft_account = models.EmailField(_("Microsoft account"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # How often the details were saved, and by whom last: the version their pages carry
    # (organisations.services.save_details).
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.company_name


class MemberRole(models.TextChoices):
    """What a member may do is organisations.access.RIGHTS; the order here is the order of
    power, which pages list roles in."""

    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    MARKETER = "marketer", _("Marketer")
    VIEWER = "viewer", _("Viewer")


class Membership(ChoiceLabelsOnce):
    """A person in an organisation, with one role and their choice of e-mails."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("member"),
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    # Which news this member also receives by e-mail; "My offers" shows all of it to everyone.
    email_receipts = models.BooleanField(_("submission receipts"), default=True)
    email_checks_failed = models.BooleanField(_("checks that failed"), default=True)
    email_decisions = models.BooleanField(_("reviewers' decisions"), default=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_each"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class Invitation(ChoiceLabelsOnce):
    """An owner's invitation to join with a role, sent to an address. The link carries a
    random token; only its hash is stored. It works once, until it expires."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=MemberRole)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} ({self.get_role_display()}, {self.organisation})"


class KeyScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiKey(ChoiceLabelsOnce):
    """A key a script uses to act as its organisation. Shown once when made; only its hash is
    kept, with a short prefix that tells keys apart on the page."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=KeyScope)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
