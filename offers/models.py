import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from config.labels import ChoiceLabelsOnce
from offers.checks.messages import render
from offers.requirements import CURRENT_VERSION, get_profile


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATING = "validating", _("Being checked")
    CHANGES_NEEDED = "changes_needed", _("Changes needed")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CheckOutcome(models.TextChoices):
    """One word for the checks of an offer's current revision (round_outcome)."""

    RUNNING = "running", _("Still running")
    FAILED = "failed", _("Some failed")
    ERROR = "error", _("Could not be checked")
    PASSED = "passed", _("All passed")
    NONE = "none", _("No checks")


# The publisher may change the answers in these states; submitting again starts a new revision.
EDITABLE_STATUSES = (OfferStatus.DRAFT, OfferStatus.CHANGES_NEEDED, OfferStatus.CHANGES_REQUESTED)
# The offers that the reviewers' queue's partial indexes hold (Offer.Meta): every submitted one,
# and the open ones, its default view. offers.workflow's REVIEWABLE_STATUSES and
# UNDECIDED_STATUSES as conditions; workflow imports this module, so they are spelt out here
# (tests/offers/test_queue_indexes.py keeps them the same).
REVIEWABLE = ~models.Q(status=OfferStatus.DRAFT)
UNDECIDED = models.Q(
    status__in=(
        OfferStatus.SUBMITTED,
        OfferStatus.VALIDATING,
        OfferStatus.CHANGES_NEEDED,
        OfferStatus.IN_REVIEW,
        OfferStatus.CHANGES_REQUESTED,
    )
)


class TrialType(models.TextChoices):
    GET_IT_NOW = "get_it_now", _("Get it now (free)")
    FREE_TRIAL = "free_trial", _("Free trial")
    TEST_DRIVE = "test_drive", _("Test drive")
    CONTACT_ME = "contact_me", _("Contact me")


class Integration(models.TextChoices):
    POWER_BI = "power_bi", _("Microsoft Power BI")
    FLOW = "flow", _("Microsoft Flow")
    AZURE_ML = "azure_ml", _("Azure machine learning")
    COGNITIVE = "cognitive_services", _("Azure cognitive services")
    OTHER = "other", _("Other Microsoft cloud service")


class SupportModel(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", _("Paid")
    COMMUNITY = "community", _("Through a community")


class OfferQuerySet(models.QuerySet):
    def for_status_change(self):
        """Locks the offer's row for offers.workflow.transition, and reads with it whether its
        organisation has a working webhook endpoint (`has_working_endpoint`): the webhooks of
        the change need not look again (webhooks.services)."""
        # By name: the webhooks app builds on this one.
        endpoint = apps.get_model("webhooks", "Endpoint")
        working = endpoint.objects.filter(
            organisation_id=models.OuterRef("organisation_id"), disabled_at=None
        )
        return self.select_for_update(of=("self",)).annotate(
            has_working_endpoint=models.Exists(working)
        )


class Offer(ChoiceLabelsOnce):
    """One app offer, from first draft to submission. Fields fill in step by step.

    Each answer's verbose name is its label everywhere: the wizard's form, the summary and the
    reviewer's page (offers.checklist.answer_label)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("organisation"),
    )
    # The member who started the draft, or the organisation's API key that did (a key acts as
    # its organisation, not as a person). Who saved each step last is StepEdit's; who
    # submitted, withdrew or resubmitted, OfferEvent's.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers_started",
        verbose_name=_("started by"),
    )
    api_key = models.ForeignKey(
        "organisations.ApiKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started with API key"),
    )
    # Changed only through offers.workflow.transition.
    status = models.CharField(
        max_length=20, choices=OfferStatus, default=OfferStatus.DRAFT, verbose_name=_("status")
    )
    requirements_version = models.CharField(
        max_length=20, default=CURRENT_VERSION, verbose_name=_("requirements version")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted"))
    # Each submission is a round: its checks are kept as history when the next one starts.
    revision = models.PositiveIntegerField(default=0, verbose_name=_("revision"))
    # The reviewer who took the offer on; changed only through offers.services.assign.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_offers",
    )
    # The assigned reviewer's e-mail address, the queue's sort "by reviewer": kept beside
    # assigned_to by offers.services.assign and unassign, and after a reviewer's address changes
    # (offers.apps). Sorting by a column of the joined user would read every open offer.
    assigned_to_email = models.EmailField(null=True, blank=True, editable=False)
    # What the checks of the current revision say (round_outcome), stored by
    # offers.checks.rounds in the transaction that starts or settles them: the reviewers' queue
    # filters on it through an index instead of reading every offer's checks.
    check_outcome = models.CharField(
        max_length=10, choices=CheckOutcome, default=CheckOutcome.NONE, verbose_name=_("checks")
    )

    # Technical requirements
    aad_application_id = models.UUIDField(_("Azure AD application (client) ID"), null=True)
    aad_sso_consent = models.BooleanField(
        default=False, verbose_name=_("AAD federated SSO with consent")
    )
    integrations = models.JSONField(
        default=list, blank=True, verbose_name=_("Microsoft cloud services")
    )
    integrations_other = models.CharField(
        max_length=200, blank=True, verbose_name=_("other Microsoft cloud service")
    )
    business_process = models.TextField(blank=True, verbose_name=_("business process"))
    work_credentials = models.BooleanField(
        default=False, verbose_name=_("sign-in with work credentials")
    )
    trial_type = models.CharField(
        max_length=20, choices=TrialType, blank=True, verbose_name=_("how customers try it")
    )
    trial_days = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("free trial period (days)")
    )
    test_drive_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("test drive duration (hours)")
    )
    low_configuration = models.BooleanField(
        default=False, verbose_name=_("no or low configuration")
    )
    support_url = models.URLField(max_length=500, blank=True, verbose_name=_("support URL"))
    uptime_percent = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        verbose_name=_("uptime commitment"),
    )

    # Business requirements
    own_ordering_and_billing = models.BooleanField(
        default=False, verbose_name=_("own ordering and billing")
    )
    support_model = models.CharField(
        max_length=20, choices=SupportModel, blank=True, verbose_name=_("technical support")
    )
    licensing_responsibility = models.BooleanField(
        default=False, verbose_name=_("responsible for licensing")
    )

    # Marketing assets
    app_name = models.CharField(_("official app name"), max_length=50, blank=True)
    # Stored already sanitised: this is exactly what is published.
    description_html = models.TextField(blank=True, verbose_name=_("description"))
    terms_url = models.URLField(max_length=500, blank=True, verbose_name=_("terms of use URL"))
    privacy_url = models.URLField(max_length=500, blank=True, verbose_name=_("privacy policy URL"))

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["organisation", "-updated_at"]),
            # The reviewers' queue (offers.queries.review_queue): one state, oldest first.
            models.Index(fields=["status", "submitted_at"]),
            # Its counts per state, with each filter that has its own column: read from the
            # index alone (an index-only scan), never from the rows.
            models.Index(fields=["status"], name="offers_queue_count"),
            models.Index(fields=["check_outcome", "status"], name="offers_queue_count_outcome"),
            models.Index(fields=["assigned_to", "status"], name="offers_queue_count_reviewer"),
            # Its sorts. Partial: drafts are never in the queue, and would otherwise sit at the
            # start of a descending scan (no submission date; the latest changes). A page then
            # reads its 25 entries of an index, in order, however many offers there are.
            models.Index(fields=["submitted_at", "id"], condition=REVIEWABLE, name="offers_queue"),
            models.Index(
                fields=["updated_at", "id"], condition=REVIEWABLE, name="offers_queue_updated"
            ),
            models.Index(
                Lower("app_name"), "id", condition=REVIEWABLE, name="offers_queue_app_name"
            ),
            # By reviewer, the unassigned last: ascending here; descending (NULLS LAST, which
            # SQLite's indexes cannot say) in migration 0017, on PostgreSQL.
            models.Index(
                fields=["assigned_to_email", "id"],
                condition=REVIEWABLE,
                name="offers_queue_reviewer",
            ),
            # Its default view, the open offers, within each check outcome and reviewer too:
            # the first 25 in order even when those are a few among many decided offers.
            models.Index(fields=["submitted_at", "id"], condition=UNDECIDED, name="offers_open"),
            models.Index(
                fields=["check_outcome", "submitted_at", "id"],
                condition=UNDECIDED,
                name="offers_open_outcome",
            ),
            models.Index(
                fields=["assigned_to", "submitted_at", "id"],
                condition=UNDECIDED,
                name="offers_open_reviewer",
            ),
        ]

    def __str__(self):
        return self.app_name or _("Untitled offer #%(pk)s") % {"pk": self.pk}

    @property
    def requirements(self):
        return get_profile(self.requirements_version)

    @property
    def started_by(self):
        """Who started the draft, for pages: the member's address, or the API key's name."""
        if self.created_by_id is None and self.api_key_id is not None:
            return api_key_label(self.api_key)
        return self.created_by.email if self.created_by_id else ""

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def is_draft(self):
        """Never submitted: there is nothing to withdraw or review yet."""
        return self.status == OfferStatus.DRAFT

    @property
    def awaits_decision(self):
        """Every check passed: a reviewer approves, asks for changes or rejects."""
        return self.status == OfferStatus.IN_REVIEW

    @property
    def logos_in_slot_order(self):
        order = {slot.key: index for index, slot in enumerate(self.requirements.logo_slots)}
        return sorted(self.logos.all(), key=lambda logo: order.get(logo.slot, len(order)))

    @property
    def integration_labels(self):
        labels = dict(Integration.choices)
        return [
            self.integrations_other
            if key == Integration.OTHER and self.integrations_other
            else labels.get(key, key)
            for key in self.integrations
        ]


LOGO_FOLDER = "logos"


def _logo_path(instance, filename):
    # Never the client's name: a random one, so names can neither collide nor be guessed.
    return f"{LOGO_FOLDER}/{uuid.uuid4().hex}.png"


class Logo(models.Model):
    """An accepted logo for one slot of an offer, stored durably the moment it is accepted."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="logos", verbose_name=_("offer")
    )
    slot = models.CharField(max_length=20, verbose_name=_("slot"))
    # What the publisher uploaded: checked by the worker, never served.
    image = models.FileField(upload_to=_logo_path, verbose_name=_("uploaded file"))
    # The same pixels re-encoded with nothing else (no metadata, nothing after the image):
    # the only copy that is ever served.
    clean_image = models.FileField(upload_to=_logo_path, blank=True, verbose_name=_("served copy"))
    width = models.PositiveIntegerField(verbose_name=_("width"))
    height = models.PositiveIntegerField(verbose_name=_("height"))
    size_bytes = models.PositiveIntegerField(verbose_name=_("size (bytes)"))
    uploaded_at = models.DateTimeField(auto_now=True, verbose_name=_("uploaded"))

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")
        constraints = [
            models.UniqueConstraint(fields=["offer", "slot"], name="one_logo_per_slot"),
        ]

    def __str__(self):
        return f"{self.offer_id}:{self.slot}"


def api_key_label(key):
    return _("API key “%(name)s”") % {"name": key.name}


class EventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    UNASSIGNED = "unassigned", _("Unassigned")
    CHECKS_RERUN = "checks_rerun", _("Checks run again")
    # Recorded for changes made through the API only: a person's saves are StepEdit's, while
    # a script's changes (or a leaked key's) should show in the history.
    STARTED = "started", _("Draft started")
    EDITED = "edited", _("Answers changed")


class OfferEvent(ChoiceLabelsOnce):
    """An audit row: every status change (and assignment), who made it, when and why."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="events", verbose_name=_("offer")
    )
    kind = models.CharField(
        max_length=20, choices=EventKind, default=EventKind.STATUS, verbose_name=_("kind")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Set instead of `actor` when an organisation's API key made the change.
    api_key = models.ForeignKey(
        "organisations.ApiKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by API key"),
    )
    # The reviewer an ASSIGNED event gave the offer to (the actor assigned it, perhaps to
    # themselves); the one an UNASSIGNED event took it from.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer assigned"),
    )
    # The wizard steps whose answers an EDITED event changed.
    steps = models.JSONField(default=list, blank=True, verbose_name=_("steps"))
    from_status = models.CharField(max_length=20, choices=OfferStatus, verbose_name=_("from"))
    to_status = models.CharField(max_length=20, choices=OfferStatus, verbose_name=_("to"))
    revision = models.PositiveIntegerField(default=0, verbose_name=_("revision"))
    # Shown to the publisher.
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    # Shown to reviewers and admins only.
    internal_note = models.TextField(blank=True, verbose_name=_("internal note"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("when"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["offer", "created_at"])]

    def __str__(self):
        return f"{self.offer_id}: {self.kind} {self.from_status} -> {self.to_status}"

    @property
    def shown_reason(self):
        """The reason in the reader's language when the portal wrote it (no actor: kept in
        English, offers.checks.messages); what a person typed is shown as typed."""
        return render(self.reason) if self.by_portal else self.reason

    @property
    def by_portal(self):
        """Made by Offer Desk itself (its checks), not by a person or a key."""
        return self.actor_id is None and self.api_key_id is None

    @property
    def api_key_label(self):
        return api_key_label(self.api_key) if self.api_key_id else ""

    @property
    def is_start(self):
        return self.kind == EventKind.STARTED

    @property
    def is_edit(self):
        return self.kind in (EventKind.STARTED, EventKind.EDITED)

    @property
    def is_assignment(self):
        return self.kind in (EventKind.ASSIGNED, EventKind.UNASSIGNED)

    @property
    def is_self_assignment(self):
        return self.kind == EventKind.ASSIGNED and self.assignee_id in (None, self.actor_id)

    @property
    def is_unassignment(self):
        return self.kind == EventKind.UNASSIGNED

    @property
    def is_checks_rerun(self):
        return self.kind == EventKind.CHECKS_RERUN


class ReviewReason(models.Model):
    """One requirement a reviewer found unmet, with what to do about it (offers.checklist)."""

    event = models.ForeignKey(
        OfferEvent, on_delete=models.CASCADE, related_name="reasons", verbose_name=_("decision")
    )
    requirement = models.CharField(max_length=40, verbose_name=_("requirement"))
    comment = models.TextField(verbose_name=_("comment"))

    class Meta:
        verbose_name = _("reviewer's reason")
        verbose_name_plural = _("reviewer's reasons")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.event_id}: {self.requirement}"


class OfferRevision(models.Model):
    """What the publisher submitted in one revision, kept so that reviewers see what changed."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("offer")
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    answers = models.JSONField(verbose_name=_("answers"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "number"], name="one_snapshot_per_revision"),
        ]

    def __str__(self):
        return f"{self.offer_id} r{self.number}"


class StepEdit(models.Model):
    """Who saved a wizard step of a draft last, and how often it was saved: the version that a
    page carries, so that two members saving the same step cannot overwrite each other
    unawares (offers.services.save_step)."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="step_edits", verbose_name=_("offer")
    )
    step = models.CharField(max_length=20, verbose_name=_("step"))
    version = models.PositiveIntegerField(default=0, verbose_name=_("version"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(null=True, verbose_name=_("changed"))

    class Meta:
        verbose_name = _("step edit")
        verbose_name_plural = _("step edits")
        constraints = [
            models.UniqueConstraint(fields=["offer", "step"], name="one_version_per_step"),
        ]

    def __str__(self):
        return f"{self.offer_id}:{self.step} v{self.version}"


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submission received")
    CHECKS_FAILED = "checks_failed", _("Checks did not pass")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")


class Notification(ChoiceLabelsOnce):
    """News for a member about an offer of their organisation: shown on "My offers", and
    sent by e-mail once if they want it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("offer")
    )
    event = models.ForeignKey(
        OfferEvent,
        on_delete=models.CASCADE,
        null=True,
        related_name="notifications",
        verbose_name=_("event"),
    )
    kind = models.CharField(max_length=20, choices=NotificationKind, verbose_name=_("kind"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    # The member's choice (organisations.Membership) when the news came: without it the news
    # is only shown on "My offers".
    email_wanted = models.BooleanField(default=True, verbose_name=_("e-mail wanted"))
    # The e-mail's delivery (offers.notifications.send): last handed to the broker; taken by a
    # worker to send (empty again when a transient error hands it back); sent; or given up,
    # with the last error for the operator.
    queued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queued"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("being sent since"))
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("e-mailed"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("failed"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["emailed_at", "created_at"]),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.kind} ({self.offer_id})"


class CheckKind(models.TextChoices):
    LOGO = "logo", _("Logo")
    SUPPORT_URL = "support_url", _("Support URL")
    PRIVACY_URL = "privacy_url", _("Privacy policy URL")
    TERMS_URL = "terms_url", _("Terms of use URL")


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    ERROR = "error", _("Could not be checked")


OPEN_CHECK_STATUSES = (CheckStatus.PENDING, CheckStatus.RUNNING)
# Failed, or could not be checked: either way the publisher has something to fix.
NOT_PASSED_CHECK_STATUSES = (CheckStatus.FAILED, CheckStatus.ERROR)
# The check that speaks for its round is the first one found here: a round still running has
# no final word yet, so it wins over a failure, which wins over an error. Otherwise all passed.
OUTCOME_PRECEDENCE = (
    (OPEN_CHECK_STATUSES, CheckOutcome.RUNNING),
    ((CheckStatus.FAILED,), CheckOutcome.FAILED),
    ((CheckStatus.ERROR,), CheckOutcome.ERROR),
)


def round_outcome(statuses):
    """The CheckOutcome of a round from the CheckStatus of each of its checks. A plain function
    of the statuses, so that migration 0015 can fill Offer.check_outcome with it too."""
    found = set(statuses)
    if not found:
        return CheckOutcome.NONE
    for speakers, outcome in OUTCOME_PRECEDENCE:
        if found.intersection(speakers):
            return outcome
    return CheckOutcome.PASSED


class CheckQuerySet(models.QuerySet):
    def of_round(self, offer, revision):
        """The checks of one submission of the offer, in the order pages list them."""
        return self.filter(offer=offer, revision=revision).order_by("kind", "pk")

    def current_round(self, offer):
        """The checks of the offer's latest submission."""
        return self.of_round(offer, offer.revision)

    def did_not_pass(self):
        return self.filter(status__in=NOT_PASSED_CHECK_STATUSES)

    # The two questions below read the rows themselves, not a query of their own: a page that
    # lists the checks and asks them evaluates the queryset once (Django keeps its rows).

    def all_passed(self):
        """Whether the round has checks and every one of them passed."""
        return bool(self) and all(check.passed for check in self)

    def still_running(self):
        """Whether some check of the round has no outcome yet."""
        return any(check.status in OPEN_CHECK_STATUSES for check in self)


class Check(ChoiceLabelsOnce):
    """One background check of one item (a logo slot or a URL) in one submission round."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="checks", verbose_name=_("offer")
    )
    revision = models.PositiveIntegerField(verbose_name=_("revision"))
    kind = models.CharField(max_length=20, choices=CheckKind, verbose_name=_("kind"))
    # What is checked, as it was when submitted: the logo slot, or the URL itself.
    subject = models.CharField(max_length=500, verbose_name=_("subject"))
    status = models.CharField(
        max_length=20, choices=CheckStatus, default=CheckStatus.PENDING, verbose_name=_("status")
    )
    # In English, as the checker wrote it; shown_message translates it for the reader.
    message = models.TextField(blank=True, verbose_name=_("message"))
    message_template = models.TextField(blank=True, verbose_name=_("message template"))
    message_params = models.JSONField(
        default=dict, blank=True, verbose_name=_("message parameters")
    )
    warnings = models.JSONField(default=list, blank=True, verbose_name=_("warnings"))
    details = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    queued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queued"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished"))

    objects = CheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        ordering = ["revision", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "revision", "kind", "subject"], name="one_check_per_item"
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self):
        return f"{self.offer_id}#{self.revision} {self.kind} {self.subject}: {self.status}"

    @property
    def is_logo(self):
        return self.kind == CheckKind.LOGO

    @property
    def passed(self):
        return self.status == CheckStatus.PASSED

    @property
    def did_not_pass(self):
        return self.status in NOT_PASSED_CHECK_STATUSES

    @property
    def shown_message(self):
        """The message in the reader's language."""
        if self.message_template:
            return render(self.message_template, self.message_params)
        return render(self.message) if self.message else ""

    @property
    def shown_warnings(self):
        return [render(warning) for warning in self.warnings]
