"""Decisions about offers: start a draft, save a step, store logos, submit, change status."""

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from offers import checking
from offers.logocheck import check_logo
from offers.models import EDITABLE_STATUSES, LOGO_FOLDER, Logo, Offer, OfferEvent, OfferStatus
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


# Which status may follow which. The reviewers' states join this table in their own change.
ALLOWED_TRANSITIONS = {
    OfferStatus.DRAFT: {OfferStatus.SUBMITTED},
    # Checks queued; the sweeper may finish them all as errors before any worker starts one.
    OfferStatus.SUBMITTED: {
        OfferStatus.VALIDATING,
        OfferStatus.IN_REVIEW,
        OfferStatus.CHANGES_NEEDED,
    },
    OfferStatus.VALIDATING: {OfferStatus.IN_REVIEW, OfferStatus.CHANGES_NEEDED},
    OfferStatus.CHANGES_NEEDED: {OfferStatus.SUBMITTED},
    OfferStatus.IN_REVIEW: set(),
}


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
        checking.start_round(locked)
    for field in ("status", "updated_at", "submitted_at", "revision"):
        setattr(offer, field, getattr(locked, field))
    return offer


def transition(offer, to, *, actor, reason=""):
    """The one door for status changes: checks the table, updates atomically, writes the audit."""
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
            OfferEvent.objects.create(
                offer=offer, actor=actor, from_status=from_status, to_status=to, reason=reason
            )
    if updated != 1:
        raise InvalidTransition(f"{offer.pk} is no longer {from_status}")
    for field, value in changes.items():
        setattr(offer, field, value)
    return offer


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
