"""Decisions about offers: start a draft, save a step, store logos, submit, and the
reviewers' decisions. Every status change goes through offers.workflow.transition."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from offers import logos, workflow
from offers.checks import rounds
from offers.models import (
    EDITABLE_STATUSES,
    Check,
    EventKind,
    Logo,
    Offer,
    OfferEvent,
    OfferRevision,
    OfferStatus,
    ReviewReason,
    StepEdit,
)
from offers.steps import FORM_STEPS, STEPS_BY_NAME
from organisations import services as organisation_services
from organisations.models import Membership


@transaction.atomic
def start_offer(user, details, *, membership=None, may_change_details=True):
    """The first step: open a draft in the member's organisation, keeping the organisation's
    details if they may change them. Someone who belongs to no organisation yet founds one
    from `details`, as its owner."""
    if membership is None:
        membership = organisation_services.found(user, details)
    elif may_change_details:
        organisation_services.save_details(membership.organisation, details)
    return Offer.objects.create(organisation=membership.organisation, created_by=user)


def start_offer_with_key(api_key):
    """A draft in the organisation of `api_key`, started by it: save_answers records it."""
    return Offer.objects.create(organisation=api_key.organisation, api_key=api_key)


@transaction.atomic
def save_answers(offer, answers, *, api_key, kind=EventKind.EDITED):
    """Store several steps' answers at once (`answers` {step: values the step's form cleaned}),
    as the API changes them, and record the change in the history under the key's name. The
    caller holds the offer's row; the organisation's details keep their own version."""
    for step_name, values in answers.items():
        seen = offer.organisation.version if step_name == "publisher" else None
        save_step(offer, step_name, values, seen_version=seen)
    if answers or kind == EventKind.STARTED:
        record_key_change(offer, api_key, answers, kind=kind)


def record_key_change(offer, api_key, steps, *, kind=EventKind.EDITED):
    """Put a change made through the API in the offer's history, named by the key."""
    return OfferEvent.objects.create(
        offer=offer,
        kind=kind,
        api_key=api_key,
        from_status=offer.status,
        to_status=offer.status,
        revision=offer.revision,
        steps=list(steps),
    )


def step_initial(offer, step_name):
    """What a step's form shows before anything is typed: what is stored."""
    if step_name == "publisher":
        return organisation_services.details_initial(offer.organisation)
    fields = STEPS_BY_NAME[step_name].offer_fields
    return {form_field: getattr(offer, model_field) for form_field, model_field in fields.items()}


def save_step(offer, step_name, cleaned_data, *, uploads=None, user=None, seen_version=None):
    """Store a valid step at once, so that a draft never loses work, and record who saved it.
    `seen_version` is the step's version when the page was shown: if another save came in
    since, nothing is saved and organisations.services.SavedMeanwhile says whose (a post
    without it, from a page served before versions existed, is saved). The first step saves the
    organisation's details, under their own version. The answers are saved before the logos:
    when the file store then refuses them (logos.StorageUnavailable), what was typed is kept."""
    _ensure_editable(offer)
    if step_name == "publisher":
        organisation_services.save_details(
            offer.organisation, cleaned_data, user=user, seen_version=seen_version
        )
        return
    fields = STEPS_BY_NAME[step_name].offer_fields
    if not fields:
        return  # the review step: nothing to store
    with transaction.atomic():
        _record_edit(offer, step_name, user, seen_version)
        values = {model: cleaned_data[form_field] for form_field, model in fields.items()}
        _update_draft(offer, **values)
    if uploads:
        store_logos(offer, uploads)


def step_version(offer, step_name):
    """How often the step was saved: the version a page of it carries."""
    if step_name == "publisher":
        return offer.organisation.version
    read_with_offer = getattr(offer, _version_annotation(step_name), None)
    if read_with_offer is not None:
        return read_with_offer
    version = (
        StepEdit.objects.filter(offer=offer, step=step_name)
        .values_list("version", flat=True)
        .first()
    )
    return version or 0


def with_step_version(offers, step_name):
    """`offers` reading a step's version with the offer, for a page of that step: step_version
    then asks nothing more. One row per offer and step (the constraint one_version_per_step)."""
    if step_name == "publisher":
        return offers  # the organisation's, read with it
    saved = StepEdit.objects.filter(offer=OuterRef("pk"), step=step_name).values("version")
    return offers.annotate(**{_version_annotation(step_name): Coalesce(Subquery(saved), 0)})


def _version_annotation(step_name):
    return f"saved_version_of_{step_name}"


def _record_edit(offer, step_name, user, seen_version):
    # One UPDATE when the step was saved before; it holds the row until the transaction ends,
    # so of two saves at once the second waits, then finds the version moved on. The first
    # save of a step inserts its row; of two first saves the second meets the unique
    # constraint. No lock outlives the request.
    now = timezone.now()
    mine = StepEdit.objects.filter(offer=offer, step=step_name)
    if seen_version is not None:
        mine = mine.filter(version=seen_version)
    if mine.update(version=F("version") + 1, changed_by=user, changed_at=now):
        return
    if seen_version in (None, 0):
        try:
            with transaction.atomic():
                StepEdit.objects.create(
                    offer=offer, step=step_name, version=1, changed_by=user, changed_at=now
                )
            return
        except IntegrityError:
            pass
    stored = StepEdit.objects.select_related("changed_by").get(offer=offer, step=step_name)
    raise organisation_services.SavedMeanwhile(stored.changed_by, stored.changed_at, stored.version)


@transaction.atomic
def store_logos(offer, uploads):
    """Keep accepted logos under a random name; a replaced file is deleted once this commits.

    Returns the new Logo rows by slot. Raises logos.StorageUnavailable, storing none of them,
    when the file store does not take them.
    """
    _update_draft(offer)
    return _replace_logos(offer, uploads)


def _update_draft(offer, **values):
    """Write to the offer only while the database says it is a draft, whatever the copy in
    memory says: another tab may have submitted it. The UPDATE also holds the row until the
    transaction ends, so two uploads to one slot take turns instead of colliding."""
    values["updated_at"] = timezone.now()
    if not Offer.objects.filter(pk=offer.pk, status__in=EDITABLE_STATUSES).update(**values):
        raise workflow.NotEditable(offer.pk)
    for field, value in values.items():
        setattr(offer, field, value)


def _replace_logos(offer, uploads):
    # The logos replaced, the copies kept and the deletion are read and written once for all
    # the slots of the upload, not once per slot.
    replaced = list(Logo.objects.filter(offer=offer, slot__in=list(uploads)))
    if replaced:
        # A submitted revision may show an old logo beside its replacement: its clean copy
        # stays. The upload itself goes: it was only ever read by the checks.
        kept = logos.copies_kept_for(offer)
        for old in replaced:
            logos.delete_files_after_commit(old, keep=kept)
        Logo.objects.filter(pk__in=[old.pk for old in replaced]).delete()
    return {
        slot_key: logos.store(offer, offer.requirements.slot(slot_key), upload)
        for slot_key, upload in uploads.items()
    }


def incomplete_steps(offer):
    """The steps whose stored answers do not pass that step's form today, in wizard order."""
    return list(incomplete_answers(offer))


def incomplete_answers(offer):
    """{step name: {field: [ValidationError, ...]}} for each step whose stored answers do not
    pass that step's form today, in wizard order."""
    found = {}
    for step in FORM_STEPS:
        errors = _stored_step_errors(offer, step)
        if errors:
            found[step.name] = errors
    return found


def _offer_stamp(offer):
    """A version of everything stored for an offer and its organisation, for cache keys.

    Every change to the answers moves offer.updated_at (logos and status included) or the
    organisation's updated_at, so a key made of them never needs invalidating.
    """
    return ":".join(
        str(part)
        for part in (
            offer.pk,
            offer.requirements_version,
            offer.updated_at.timestamp(),
            offer.organisation.updated_at.timestamp(),
        )
    )


def incomplete_steps_for_display(offer):
    """incomplete_steps for pages, remembered until the offer or its organisation changes.

    Re-validating four forms costs more than the rest of a wizard page's logic.
    Submitting does not use this: it checks again under the row lock.
    """
    key = f"offer-incomplete:{_offer_stamp(offer)}"
    missing = cache.get(key)
    if missing is None:
        missing = incomplete_steps(offer)
        cache.set(key, missing, timeout=24 * 3600)
    return missing


def _stored_step_errors(offer, step):
    data = step_initial(offer, step.name)
    form = step.form_class(data=as_form_data(data), files={}, offer=offer)
    return form.errors.as_data()


def as_form_data(initial):
    # Form data is what a browser would post: nothing for an empty value or an unticked box.
    return {
        key: value
        for key, value in initial.items()
        if value is not None and value is not False and value not in ("", [])
    }


def submit_offer(offer, *, actor, api_key=None):
    """Send a complete draft for its checks, as a new round. Refused, naming the incomplete
    steps and what is missing in each, otherwise. The checks are queued once this commits."""
    with transaction.atomic():
        locked = (
            Offer.objects.for_status_change()
            .select_related("organisation")
            .prefetch_related("logos")
            .get(pk=offer.pk)
        )
        _ensure_editable(locked)
        missing = incomplete_answers(locked)
        if missing:
            raise workflow.IncompleteOffer(next(iter(missing)), missing)
        workflow.transition(locked, OfferStatus.SUBMITTED, actor=actor, api_key=api_key)
        OfferRevision.objects.create(
            offer=locked, number=locked.revision, answers=snapshot_answers(locked)
        )
        rounds.start_round(locked)
    for field in ("status", "updated_at", "submitted_at", "revision", "check_outcome"):
        setattr(offer, field, getattr(locked, field))
    return offer


def snapshot_answers(offer):
    """Every answer of the offer as plain JSON values, keyed as offers.checklist names them."""
    answers = {
        field: _plain(getattr(offer, field))
        for step in FORM_STEPS
        for field in step.offer_fields.values()
    }
    answers.update(organisation_services.details_initial(offer.organisation))
    stored = list(offer.logos.all())
    # A new upload always gets a new random name, so the names say whether a logo changed.
    answers["logos"] = {logo.slot: logo.image.name for logo in stored}
    # And the copy a reviewer is shown: kept while the revision is (offers.logos).
    answers[logos.COPIES_KEY] = {
        logo.slot: logo.clean_image.name for logo in stored if logo.clean_image
    }
    return answers


def _plain(value):
    if value is None or isinstance(value, bool | int | str | list):
        return value
    return str(value)  # UUID, Decimal


def _locked(offer_pk):
    return Offer.objects.for_status_change().get(pk=offer_pk)


def decide(offer, decision, *, reviewer, reasons=(), internal_note=""):
    """A reviewer's decision: approve, request changes or reject, with a (requirement key,
    comment) pair for each requirement that is not met. The offer's row is locked, so of two
    reviewers deciding at once one decides and the other is told what happened."""
    with transaction.atomic():
        locked = _locked(offer.pk)
        _ensure_may_decide(locked, decision, reviewer, reasons)
        event = workflow.transition(locked, decision, actor=reviewer, internal_note=internal_note)
        ReviewReason.objects.bulk_create(
            ReviewReason(event=event, requirement=key, comment=comment) for key, comment in reasons
        )
    offer.status, offer.updated_at = locked.status, locked.updated_at
    return event


def _ensure_may_decide(offer, decision, reviewer, reasons):
    if decision not in workflow.DECISIONS:
        raise workflow.DecisionRefused(_("Choose approve, request changes or reject."))
    if is_member(reviewer, offer):
        raise workflow.DecisionRefused(
            _(
                "You belong to the organisation of this offer, so another reviewer must "
                "decide on it."
            )
        )
    if not offer.awaits_decision:
        raise _refused(
            _("This offer is no longer waiting for a decision: it is “%(status)s” now."), offer
        )
    if decision == OfferStatus.APPROVED and not Check.objects.current_round(offer).all_passed():
        raise workflow.DecisionRefused(
            _("An offer can be approved only when every check has passed.")
        )
    if decision in workflow.DECISIONS_WITH_REASONS and not reasons:
        raise workflow.DecisionRefused(
            _("Name at least one requirement that is not met, with a comment.")
        )


def is_member(user, offer):
    """Whether `user` belongs to the organisation of `offer`: then they may not review it."""
    return Membership.objects.filter(organisation_id=offer.organisation_id, user=user).exists()


def _changed_since_submitted(offer):
    """Whether the answers differ from the snapshot of the revision under review."""
    submitted = offer.revisions.filter(number=offer.revision).first()
    if submitted is None:
        return False
    now = snapshot_answers(offer)
    # Only what the snapshot recorded: one taken before snapshots kept more (logo_copies) has
    # nothing to compare those with, and its logos' names say whether a logo changed.
    return any(now.get(key) != value for key, value in submitted.answers.items())


def _refused(message, offer):
    """A refusal that names the offer's state: `message` has a %(status)s."""
    return workflow.DecisionRefused(message % {"status": offer.get_status_display()})


def withdraw(offer, *, actor, reason="", api_key=None):
    """The publisher takes the offer back before a decision. Nothing can follow."""
    with transaction.atomic():
        locked = _locked(offer.pk)
        if not workflow.is_undecided(locked):
            raise _refused(_("This offer can no longer be withdrawn: it is “%(status)s”."), locked)
        event = workflow.transition(
            locked, OfferStatus.WITHDRAWN, actor=actor, api_key=api_key, reason=reason
        )
    offer.status, offer.updated_at = locked.status, locked.updated_at
    return event


def assign(offer, *, reviewer, by=None):
    """Give the offer to `reviewer`, from whoever had it; `by` is the reviewer who does it
    (the reviewer themself when None). Recorded in the audit; None when nothing changed."""
    by = by or reviewer
    with transaction.atomic():
        locked = _locked(offer.pk)
        ensure_may_assign(locked, reviewer)
        if locked.assigned_to_id == reviewer.pk:
            return None
        Offer.objects.filter(pk=locked.pk).update(
            assigned_to=reviewer, assigned_to_email=reviewer.email
        )
        event = _assignment_event(locked, EventKind.ASSIGNED, by, reviewer)
    offer.assigned_to, offer.assigned_to_email = reviewer, reviewer.email
    return event


def ensure_may_assign(offer, reviewer, *, member_of=None):
    """Raises DecisionRefused, saying why, unless `reviewer` may take `offer` on as it is now:
    what assign() asks under its lock, for a page that tells beforehand too. Asking about many
    offers, pass `member_of=organisations_of(reviewer)`: then no offer costs a query."""
    _ensure_assignable(offer)
    if not reviewer.is_reviewer:
        raise workflow.DecisionRefused(_("Only a reviewer can take an offer on."))
    if member_of is None:
        member_of = organisations_of(reviewer)
    if offer.organisation_id in member_of:
        raise workflow.DecisionRefused(
            _(
                "%(email)s belongs to the organisation of this offer, so another reviewer "
                "must take it on."
            )
            % {"email": reviewer.email}
        )


def organisations_of(user):
    """The ids of the organisations `user` belongs to: is_member() for many offers, one query."""
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def unassign(offer, *, by):
    """Nobody has the offer any more: it is back among the unassigned. None if nobody had it."""
    with transaction.atomic():
        locked = _locked(offer.pk)
        _ensure_assignable(locked)
        if locked.assigned_to_id is None:
            return None
        Offer.objects.filter(pk=locked.pk).update(assigned_to=None, assigned_to_email=None)
        event = _assignment_event(locked, EventKind.UNASSIGNED, by, locked.assigned_to)
    offer.assigned_to, offer.assigned_to_email = None, None
    return event


def follow_reviewer_email(user):
    """After `user`'s address changed: the offers assigned to them sort under the new one."""
    Offer.objects.filter(assigned_to=user).exclude(assigned_to_email=user.email).update(
        assigned_to_email=user.email
    )


def _ensure_assignable(offer):
    if not workflow.is_undecided(offer):
        raise _refused(
            _("Only an offer still under way can be assigned; it is “%(status)s”."), offer
        )


def _assignment_event(offer, kind, by, assignee):
    return OfferEvent.objects.create(
        offer=offer,
        kind=kind,
        actor=by,
        assignee=assignee,
        from_status=offer.status,
        to_status=offer.status,
        revision=offer.revision,
    )


def rerun_checks(offer, *, reviewer):
    """Check the current revision again, for instance after a site was down. Its previous
    results are replaced; tasks still holding them find nothing to do."""
    with transaction.atomic():
        locked = _locked(offer.pk)
        if locked.status not in workflow.RERUNNABLE_STATUSES:
            raise _refused(
                _("The checks cannot run again while the offer is “%(status)s”."), locked
            )
        if _changed_since_submitted(locked):
            # Checking the publisher's unfinished edits under the old revision would approve
            # answers nobody reviewed; their next submission checks them.
            raise workflow.DecisionRefused(
                _(
                    "The publisher has changed the offer since submitting it, so the checks "
                    "run again when they submit it."
                )
            )
        Check.objects.current_round(locked).delete()
        event = workflow.transition(
            locked, OfferStatus.VALIDATING, actor=reviewer, kind=EventKind.CHECKS_RERUN
        )
        rounds.start_round(locked)
    offer.status, offer.updated_at = locked.status, locked.updated_at
    offer.check_outcome = locked.check_outcome
    return event


def _ensure_editable(offer):
    if not offer.is_editable:
        raise workflow.NotEditable(offer.pk)
