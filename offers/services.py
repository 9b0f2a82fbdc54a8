"""Decisions about offers: start a draft, save a step, store logos, submit, change status,
and the reviewers' decisions."""

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from offers import checking, notifications
from offers.logocheck import check_logo
from offers.models import (
    EDITABLE_STATUSES,
    LOGO_FOLDER,
    UNDECIDED_STATUSES,
    Check,
    CheckStatus,
    EventKind,
    Logo,
    Offer,
    OfferEvent,
    OfferRevision,
    OfferStatus,
    ReviewReason,
)
from offers.steps import FORM_STEPS, STEPS_BY_NAME


class OfferError(Exception):
    """A request the offer's current state does not allow."""


class NotEditable(OfferError):
    pass


class IncompleteOffer(OfferError):
    def __init__(self, step):
        super().__init__(step)
        self.step = step


class InvalidTransition(OfferError):
    pass


class DecisionRefused(OfferError):
    """A decision this reviewer may not make now; the message says why, for the page."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Which status may follow which. Nothing leaves approved, rejected or withdrawn.
ALLOWED_TRANSITIONS = {
    OfferStatus.DRAFT: {OfferStatus.SUBMITTED},
    # Checks queued; the sweeper may finish them all as errors before any worker starts one.
    OfferStatus.SUBMITTED: {
        OfferStatus.VALIDATING,
        OfferStatus.IN_REVIEW,
        OfferStatus.CHANGES_NEEDED,
        OfferStatus.WITHDRAWN,
    },
    OfferStatus.VALIDATING: {
        OfferStatus.IN_REVIEW,
        OfferStatus.CHANGES_NEEDED,
        OfferStatus.WITHDRAWN,
    },
    # The publisher fixes and resubmits; or a reviewer runs the checks again (validating).
    OfferStatus.CHANGES_NEEDED: {
        OfferStatus.SUBMITTED,
        OfferStatus.VALIDATING,
        OfferStatus.WITHDRAWN,
    },
    OfferStatus.IN_REVIEW: {
        OfferStatus.APPROVED,
        OfferStatus.CHANGES_REQUESTED,
        OfferStatus.REJECTED,
        OfferStatus.VALIDATING,
        OfferStatus.WITHDRAWN,
    },
    OfferStatus.CHANGES_REQUESTED: {OfferStatus.SUBMITTED, OfferStatus.WITHDRAWN},
    OfferStatus.APPROVED: set(),
    OfferStatus.REJECTED: set(),
    OfferStatus.WITHDRAWN: set(),
}
# A reviewer's decisions, and the ones that must say which requirements are not met.
DECISIONS = (OfferStatus.APPROVED, OfferStatus.CHANGES_REQUESTED, OfferStatus.REJECTED)
DECISIONS_WITH_REASONS = (OfferStatus.CHANGES_REQUESTED, OfferStatus.REJECTED)
# A reviewer may run the checks of the current revision again from these states.
RERUNNABLE_STATUSES = (OfferStatus.IN_REVIEW, OfferStatus.CHANGES_NEEDED)


@transaction.atomic
def start_offer(owner, publisher_data):
    """The publisher's first step: keep their profile and open a draft offer."""
    account_services.save_publisher_profile(owner, publisher_data)
    return Offer.objects.create(owner=owner)


def step_initial(offer, step_name):
    """What a step's form shows before anything is typed: what is stored."""
    if step_name == "publisher":
        return account_services.publisher_profile_initial(offer.owner)
    fields = STEPS_BY_NAME[step_name].offer_fields
    return {form_field: getattr(offer, model_field) for form_field, model_field in fields.items()}


def save_step(offer, step_name, cleaned_data, *, uploads=None):
    """Store a valid step at once, so that a draft never loses work."""
    _ensure_editable(offer)
    if step_name == "publisher":
        account_services.save_publisher_profile(offer.owner, cleaned_data)
        return
    fields = STEPS_BY_NAME[step_name].offer_fields
    if not fields and not uploads:
        return
    values = {model: cleaned_data[form_field] for form_field, model in fields.items()}
    with transaction.atomic():
        _update_draft(offer, **values)
        if uploads:
            _replace_logos(offer, uploads)


@transaction.atomic
def store_logos(offer, uploads):
    """Keep accepted logos under a random name; a replaced file is deleted once this commits.

    Returns the new Logo rows by slot.
    """
    _update_draft(offer)
    return _replace_logos(offer, uploads)


def _update_draft(offer, **values):
    """Write to the offer only while the database says it is a draft, whatever the copy in
    memory says: another tab may have submitted it. The UPDATE also holds the row until the
    transaction ends, so two uploads to one slot take turns instead of colliding."""
    values["updated_at"] = timezone.now()
    if not Offer.objects.filter(pk=offer.pk, status__in=EDITABLE_STATUSES).update(**values):
        raise NotEditable(offer.pk)
    for field, value in values.items():
        setattr(offer, field, value)


def _replace_logos(offer, uploads):
    stored = {}
    for slot_key, upload in uploads.items():
        old = Logo.objects.filter(offer=offer, slot=slot_key).first()
        if old is not None:
            _delete_files_after_commit(old)
            old.delete()
        stored[slot_key] = _store_logo(offer, offer.requirements.slot(slot_key), upload)
    return stored


def _store_logo(offer, slot, upload):
    """Keep the upload for the checks, and beside it the copy re-encoded from its pixels alone,
    the only one ever served. The form accepted the upload, so re-encoding it succeeds."""
    upload.seek(0)
    result = check_logo(upload.read(), slot, offer.requirements.logo_max_bytes)
    upload.seek(0)
    logo = Logo(
        offer=offer,
        slot=slot.key,
        image=upload,
        width=slot.width,
        height=slot.height,
        size_bytes=upload.size,
    )
    logo.clean_image.save("clean.png", ContentFile(result.clean_png), save=False)
    logo.save()
    return logo


def _delete_files_after_commit(logo):
    files = [f for f in (logo.image, logo.clean_image) if f]
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


def incomplete_steps(offer):
    """The steps whose stored answers do not pass that step's form today, in wizard order."""
    return [step.name for step in FORM_STEPS if not _stored_step_is_valid(offer, step)]


def _offer_stamp(offer):
    """A version of everything stored for an offer and its publisher, for cache keys.

    Every change to the answers moves offer.updated_at (logos and status included) or the
    profile's updated_at, so a key made of them never needs invalidating.
    """
    owner = offer.owner
    profile = getattr(owner, "publisher_profile", None)
    return ":".join(
        str(part)
        for part in (
            offer.pk,
            offer.requirements_version,
            offer.updated_at.timestamp(),
            profile.updated_at.timestamp() if profile else "-",
            owner.email,
        )
    )


def incomplete_steps_for_display(offer):
    """incomplete_steps for pages, remembered until the offer or the profile changes.

    Re-validating four forms costs more than the rest of a wizard page's logic.
    Submitting does not use this: it checks again under the row lock.
    """
    key = f"offer-incomplete:{_offer_stamp(offer)}"
    missing = cache.get(key)
    if missing is None:
        missing = incomplete_steps(offer)
        cache.set(key, missing, timeout=24 * 3600)
    return missing


def _stored_step_is_valid(offer, step):
    data = step_initial(offer, step.name)
    form = step.form_class(data=_as_form_data(data), files={}, offer=offer)
    return form.is_valid()


def _as_form_data(initial):
    # Form data is what a browser would post: nothing for an empty value or an unticked box.
    return {
        key: value
        for key, value in initial.items()
        if value is not None and value is not False and value not in ("", [])
    }


def submit_offer(offer, *, actor):
    """Send a complete draft for its checks, as a new round. Refused, naming the first
    incomplete step, otherwise. The checks are queued once this commits."""
    with transaction.atomic():
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("owner__publisher_profile")
            .prefetch_related("logos")
            .get(pk=offer.pk)
        )
        _ensure_editable(locked)
        missing = incomplete_steps(locked)
        if missing:
            raise IncompleteOffer(missing[0])
        transition(locked, OfferStatus.SUBMITTED, actor=actor)
        OfferRevision.objects.create(
            offer=locked, number=locked.revision, answers=snapshot_answers(locked)
        )
        checking.start_round(locked)
    for field in ("status", "updated_at", "submitted_at", "revision"):
        setattr(offer, field, getattr(locked, field))
    return offer


def snapshot_answers(offer):
    """Every answer of the offer as plain JSON values, keyed as offers.checklist names them."""
    answers = {
        field: _plain(getattr(offer, field))
        for step in FORM_STEPS
        for field in step.offer_fields.values()
    }
    answers.update(account_services.publisher_profile_initial(offer.owner))
    # A new upload always gets a new random name, so the names say whether a logo changed.
    answers["logos"] = {logo.slot: logo.image.name for logo in offer.logos.all()}
    return answers


def _plain(value):
    if value is None or isinstance(value, bool | int | str | list):
        return value
    return str(value)  # UUID, Decimal


def transition(offer, to, *, actor, reason="", internal_note="", kind=EventKind.STATUS):
    """The one door for status changes: checks the table, updates atomically, writes the
    audit event and the publisher's news. Returns the event."""
    from_status = offer.status
    if to not in ALLOWED_TRANSITIONS.get(from_status, set()):
        raise InvalidTransition(f"{from_status} -> {to}")
    changes = {"status": to, "updated_at": timezone.now()}
    if to == OfferStatus.SUBMITTED:
        changes["submitted_at"] = changes["updated_at"]
        changes["revision"] = offer.revision + 1
    # No savepoint: inside a caller's transaction its rollback covers this too. Nothing raises
    # inside the block, so a caller that catches InvalidTransition can go on.
    with transaction.atomic(savepoint=False):
        updated = Offer.objects.filter(pk=offer.pk, status=from_status).update(**changes)
        if updated == 1:
            event = OfferEvent.objects.create(
                offer=offer,
                kind=kind,
                actor=actor,
                from_status=from_status,
                to_status=to,
                revision=changes.get("revision", offer.revision),
                reason=reason,
                internal_note=internal_note,
            )
            notifications.notify_status_change(offer, event)
    if updated != 1:
        raise InvalidTransition(f"{offer.pk} is no longer {from_status}")
    for field, value in changes.items():
        setattr(offer, field, value)
    return event


def _locked(offer_pk):
    return Offer.objects.select_for_update(of=("self",)).select_related("owner").get(pk=offer_pk)


def decide(offer, decision, *, reviewer, reasons=(), internal_note=""):
    """A reviewer's decision: approve, request changes or reject, with a (requirement key,
    comment) pair for each requirement that is not met. The offer's row is locked, so of two
    reviewers deciding at once one decides and the other is told what happened."""
    with transaction.atomic():
        locked = _locked(offer.pk)
        _ensure_may_decide(locked, decision, reviewer, reasons)
        event = transition(locked, decision, actor=reviewer, internal_note=internal_note)
        ReviewReason.objects.bulk_create(
            ReviewReason(event=event, requirement=key, comment=comment) for key, comment in reasons
        )
    offer.status, offer.updated_at = locked.status, locked.updated_at
    return event


def _ensure_may_decide(offer, decision, reviewer, reasons):
    if decision not in DECISIONS:
        raise DecisionRefused(_("Choose approve, request changes or reject."))
    if offer.owner_id == reviewer.pk:
        raise DecisionRefused(_("You submitted this offer, so another reviewer must decide on it."))
    if offer.status != OfferStatus.IN_REVIEW:
        raise _refused(
            _("This offer is no longer waiting for a decision: it is “%(status)s” now."), offer
        )
    if decision == OfferStatus.APPROVED and not all_checks_passed(offer):
        raise DecisionRefused(_("An offer can be approved only when every check has passed."))
    if decision in DECISIONS_WITH_REASONS and not reasons:
        raise DecisionRefused(_("Name at least one requirement that is not met, with a comment."))


def _changed_since_submitted(offer):
    """Whether the answers differ from the snapshot of the revision under review."""
    submitted = offer.revisions.filter(number=offer.revision).first()
    return submitted is not None and submitted.answers != snapshot_answers(offer)


def _refused(message, offer):
    """A refusal that names the offer's state: `message` has a %(status)s."""
    return DecisionRefused(message % {"status": offer.get_status_display()})


def all_checks_passed(offer):
    statuses = set(
        Check.objects.filter(offer=offer, revision=offer.revision).values_list("status", flat=True)
    )
    return statuses == {CheckStatus.PASSED}


def withdraw(offer, *, actor, reason=""):
    """The publisher takes the offer back before a decision. Nothing can follow."""
    with transaction.atomic():
        locked = _locked(offer.pk)
        if not locked.can_be_withdrawn:
            raise _refused(_("This offer can no longer be withdrawn: it is “%(status)s”."), locked)
        event = transition(locked, OfferStatus.WITHDRAWN, actor=actor, reason=reason)
    offer.status, offer.updated_at = locked.status, locked.updated_at
    return event


def assign(offer, *, reviewer):
    """The reviewer takes the offer on (from whoever had it). Recorded in the audit."""
    with transaction.atomic():
        locked = _locked(offer.pk)
        if locked.status not in UNDECIDED_STATUSES:
            raise _refused(
                _("Only an offer still under way can be assigned; it is “%(status)s”."), locked
            )
        if locked.assigned_to_id == reviewer.pk:
            return None
        Offer.objects.filter(pk=locked.pk).update(assigned_to=reviewer)
        event = OfferEvent.objects.create(
            offer=locked,
            kind=EventKind.ASSIGNED,
            actor=reviewer,
            from_status=locked.status,
            to_status=locked.status,
            revision=locked.revision,
        )
    offer.assigned_to = reviewer
    return event


def rerun_checks(offer, *, reviewer):
    """Check the current revision again, for instance after a site was down. Its previous
    results are replaced; tasks still holding them find nothing to do."""
    with transaction.atomic():
        locked = _locked(offer.pk)
        if locked.status not in RERUNNABLE_STATUSES:
            raise _refused(
                _("The checks cannot run again while the offer is “%(status)s”."), locked
            )
        if _changed_since_submitted(locked):
            # Checking the publisher's unfinished edits under the old revision would approve
            # answers nobody reviewed; their next submission checks them.
            raise DecisionRefused(
                _(
                    "The publisher has changed the offer since submitting it, so the checks "
                    "run again when they submit it."
                )
            )
        Check.objects.filter(offer=locked, revision=locked.revision).delete()
        event = transition(
            locked, OfferStatus.VALIDATING, actor=reviewer, kind=EventKind.CHECKS_RERUN
        )
        checking.start_round(locked)
    offer.status, offer.updated_at = locked.status, locked.updated_at
    return event


def _ensure_editable(offer):
    if not offer.is_editable:
        raise NotEditable(offer.pk)


def clean_orphaned_uploads(storage, *, older_than):
    """Delete logo files that no offer refers to and that were last touched before `older_than`.

    A wizard step saves the file before its database row commits; a request that fails or is
    abandoned in between, or a replaced file whose deletion failed, leaves such a file behind.
    The age limit keeps requests that are still under way safe. Returns how many went.
    """
    try:
        _dirs, names = storage.listdir(LOGO_FOLDER)
    except FileNotFoundError:
        return 0
    referenced = set(Logo.objects.values_list("image", flat=True)) | set(
        Logo.objects.values_list("clean_image", flat=True)
    )
    orphans = [
        path
        for path in (f"{LOGO_FOLDER}/{name}" for name in names)
        if path not in referenced and storage.get_modified_time(path) < older_than
    ]
    for path in orphans:
        storage.delete(path)
    return len(orphans)
