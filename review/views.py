"""One offer for a reviewer: its answers as a checklist, its checks, its history, and the
decisions. Every view loads the offer through offers.queries.get_offer_for_review and leaves
every decision to offers.services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from offers import live, logos, queries, services, workflow
from offers.models import Check, OfferStatus
from review import answers
from review.forms import AssignForm, DecisionForm
from review.permissions import reviewer_required

DECIDED_MESSAGES = {
    OfferStatus.APPROVED: gettext_lazy("You approved this offer. The publisher is being told."),
    OfferStatus.CHANGES_REQUESTED: gettext_lazy(
        "You asked for changes. The publisher is being told, with your reasons."
    ),
    OfferStatus.REJECTED: gettext_lazy(
        "You rejected this offer. The publisher is being told, with your reasons."
    ),
}


@reviewer_required
@require_safe
def offer_review(request, pk):
    offer = queries.get_offer_for_review(request.user, pk)
    return _render(request, offer)


@live.reload_page_when_refused
@reviewer_required
@require_safe
def offer_review_live(request, pk):
    """The checks of the reviewer's page alone, for htmx's polls (offers/live.py)."""
    offer = queries.get_offer_for_review(request.user, pk)
    checks = Check.objects.current_round(offer)
    if live.unchanged(request, offer, checks):
        return live.nothing_new()
    # The region, and out of band each check's evidence beside its answer.
    return render(request, "review/live_fragment.html", _live_context(request, offer, checks))


@reviewer_required
@require_safe
def offer_logo(request, pk, slot):
    return logos.serve_clean_copy(queries.get_offer_for_review(request.user, pk), slot)


@reviewer_required
@require_safe
def revision_logo(request, pk, number, slot):
    """A logo as revision `number` was submitted with it, for "What changed"."""
    offer = queries.get_offer_for_review(request.user, pk)
    return logos.serve_revision_copy(offer, number, slot)


@reviewer_required
@require_POST
def assign(request, pk):
    """Give the offer to the reviewer chosen, or to the one asking when none is posted."""
    offer = queries.get_offer_for_review(request.user, pk)
    reviewer = request.user
    if "reviewer" in request.POST:
        form = AssignForm(request.POST, reviewers=queries.reviewers_for(offer))
        if not form.is_valid():
            messages.error(request, form.errors["reviewer"][0])
            return redirect("review:offer", pk=offer.pk)
        reviewer = form.cleaned_data["reviewer"]
    try:
        event = services.assign(offer, reviewer=reviewer, by=request.user)
    except workflow.DecisionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.add_message(request, *_assigned_message(event, reviewer, request.user))
    return redirect("review:offer", pk=offer.pk)


def _assigned_message(event, reviewer, user):
    if reviewer.pk == user.pk:
        if event is None:
            return messages.INFO, _("This offer is already assigned to you.")
        return messages.SUCCESS, _("This offer is now assigned to you.")
    if event is None:
        return messages.INFO, _("This offer is already assigned to %(email)s.") % {
            "email": reviewer.email
        }
    return messages.SUCCESS, _("This offer is now assigned to %(email)s.") % {
        "email": reviewer.email
    }


@reviewer_required
@require_POST
def unassign(request, pk):
    offer = queries.get_offer_for_review(request.user, pk)
    try:
        event = services.unassign(offer, by=request.user)
    except workflow.DecisionRefused as refused:
        messages.error(request, refused.message)
    else:
        if event is not None:
            messages.success(
                request, _("Nobody has this offer now: it is back among the unassigned.")
            )
    return redirect("review:offer", pk=offer.pk)


@reviewer_required
@require_POST
def decide(request, pk):
    offer = queries.get_offer_for_review(request.user, pk)
    form = DecisionForm(request.POST, can_approve=Check.objects.current_round(offer).all_passed())
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.decide(
                offer,
                decision,
                reviewer=request.user,
                reasons=form.unmet_requirements(),
                internal_note=form.cleaned_data["internal_note"],
            )
        except workflow.DecisionRefused as refused:
            # Shown beside the form, with everything typed kept; the page shows the offer as
            # it is now, perhaps decided by another reviewer meanwhile.
            form.add_error(None, refused.message)
            offer.refresh_from_db()
        else:
            messages.success(request, DECIDED_MESSAGES[decision])
            return redirect("review:offer", pk=offer.pk)
    # The page opens on the first error (DecisionForm), the decision panel lists them all.
    return _render(request, offer, form)


@reviewer_required
@require_POST
def rerun_checks(request, pk):
    offer = queries.get_offer_for_review(request.user, pk)
    try:
        services.rerun_checks(offer, reviewer=request.user)
    except workflow.DecisionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("The checks are running again. Their results appear here as they arrive.")
        )
    return redirect("review:offer", pk=offer.pk)


def _render(request, offer, form=None):
    current, previous = _snapshots(offer)
    # The page lists these checks too: all_passed() reads the same rows. The service asks again
    # under the row lock when the decision is made.
    checks = Check.objects.current_round(offer)
    can_approve = checks.all_passed()
    is_member = services.is_member(request.user, offer)
    can_decide = offer.awaits_decision and not is_member
    form = form or DecisionForm(can_approve=can_approve)
    checklist = answers.checklist(current, offer.requirements, checks, offer.logos_in_slot_order)
    # Each requirement with its verdict and comment (bound fields of the decision form), when
    # the reviewer may decide.
    verdicts = form.verdicts() if can_decide else {}
    context = {
        **_live_context(request, offer, checks),
        "answers": current,
        "sections": [
            (title, [(item, verdicts.get(item.requirement.key)) for item in items])
            for title, items in checklist
        ],
        "changes": answers.changes(previous, current) if previous is not None else None,
        "events": queries.timeline(offer),
        "show_internal": True,
        "is_member": is_member,
        "can_assign": workflow.is_undecided(offer),
        "assign_form": AssignForm(
            initial={"reviewer": offer.assigned_to_id or request.user.pk},
            reviewers=queries.reviewers_for(offer),
        ),
        "can_rerun": offer.status in workflow.RERUNNABLE_STATUSES,
        "can_decide": can_decide,
        "can_approve": can_approve,
        "decision_form": form,
    }
    return render(request, "review/offer.html", context)


def _live_context(request, offer, checks):
    """What the page's live region shows (includes/review_checks.html)."""
    return {
        "offer": offer,
        "checks": checks,
        "live": live.region(
            offer,
            checks,
            template="includes/review_checks.html",
            fragment_url=reverse("review:offer_live", kwargs={"pk": offer.pk}),
            page_url=reverse("review:offer", kwargs={"pk": offer.pk}),
            drawn_for=live.page_status(request, offer),
        ),
    }


def _snapshots(offer):
    """The answers of the current revision and of the one before it (None for the first)."""
    numbers = (offer.revision - 1, offer.revision)
    stored = {
        revision.number: revision.answers for revision in offer.revisions.filter(number__in=numbers)
    }
    # An offer submitted before snapshots were kept: its stored answers are what was submitted.
    current = stored.get(offer.revision) or services.snapshot_answers(offer)
    return current, stored.get(offer.revision - 1)
