from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import NamedUrlWizardView

from accounts.forms import read_only
from offers import access, live, logos, queries, services, workflow
from offers.checklist import REQUIREMENTS_BY_KEY
from offers.forms import PublisherStepForm, WithdrawForm
from offers.listing import NewsRow, OfferRow, paged
from offers.models import Check, CheckKind, Offer, OfferStatus
from offers.steps import FORM_STEPS, STEPS, STEPS_BY_NAME
from organisations import conflicts, current
from organisations import services as organisation_services
from organisations.access import Right, ensure, may, refusal
from organisations.services import SavedMeanwhile

# "My offers" shows this many at a time, as the reviewers' queue does.
OFFERS_PER_PAGE = 25
# The wizard step where the publisher fixes what a check found.
FIX_STEP = {
    CheckKind.LOGO: "marketing",
    CheckKind.SUPPORT_URL: "technical",
    CheckKind.PRIVACY_URL: "marketing",
    CheckKind.TERMS_URL: "marketing",
}
_BEING_CHECKED = gettext_lazy(
    "Your offer is being checked: its logos and its support, privacy and terms pages. This page "
    "shows each result as it arrives."
)
# What the status page says first about each state (a draft says how far along it is instead).
STATUS_NOTES = {
    OfferStatus.SUBMITTED: _BEING_CHECKED,
    OfferStatus.VALIDATING: _BEING_CHECKED,
    OfferStatus.CHANGES_NEEDED: gettext_lazy(
        "The checks found something to fix. Each reason is listed below with a link to the "
        "step that holds it; then submit the offer again."
    ),
    OfferStatus.IN_REVIEW: gettext_lazy(
        "Every check passed. A reviewer will now look at your offer."
    ),
    OfferStatus.CHANGES_REQUESTED: gettext_lazy(
        "A reviewer asked for changes. Each reason is listed below with a link to the step "
        "that holds it; then submit the offer again."
    ),
    OfferStatus.APPROVED: gettext_lazy("A reviewer approved your offer."),
    OfferStatus.REJECTED: gettext_lazy(
        "A reviewer rejected your offer. The reasons are listed below."
    ),
    OfferStatus.WITHDRAWN: gettext_lazy(
        "This offer was withdrawn. It can no longer be changed or submitted."
    ),
}
# The states whose note asks the publisher to act, or tells bad news: shown as a warning.
WARNING_STATUSES = (
    OfferStatus.CHANGES_NEEDED,
    OfferStatus.CHANGES_REQUESTED,
    OfferStatus.REJECTED,
)
# A step without a template of its own lists its fields in order.
ALL_FIELDS_TEMPLATE = "offers/wizard/fields/all.html"


def home(request):
    return render(request, "home.html")


@login_required
def offer_list(request):
    """The offers of the organisation the person works in, a page of them at a time, and their
    news about them."""
    membership = current.current_membership(request)
    context = {"offers": [], "news": [], "page": None}
    if membership is not None:
        offers = queries.offers_of(membership.organisation)
        shown, page = paged(offers, request.GET.get("page"), OFFERS_PER_PAGE)
        context.update(
            offers=[OfferRow.of(offer) for offer in shown],
            page=page,
            news=[
                NewsRow.of(item)
                for item in queries.recent_news(request.user, membership.organisation)
            ],
        )
    return render(request, "offers/list.html", context)


@login_required
def offer_new(request):
    """Step 1 for a new offer: the draft exists from the moment this step is valid. Someone
    in no organisation yet founds one here; a manager sees the details without changing them."""
    membership = current.current_membership(request)
    if membership is not None:
        ensure(membership, Right.EDIT)
    organisation = membership.organisation if membership else None
    initial = organisation_services.details_initial(organisation, request.user)
    form = PublisherStepForm(request.POST or None, initial=initial)
    may_change_details = membership is None or may(membership, Right.MANAGE)
    if not may_change_details:
        read_only(form)
    if request.method == "POST" and form.is_valid():
        offer = services.start_offer(
            request.user,
            form.cleaned_data,
            membership=membership,
            may_change_details=may_change_details,
        )
        current.choose_now(request, offer.organisation_id)
        messages.success(
            request, _("Draft saved. You can leave at any time and continue from “My offers”.")
        )
        return redirect("offers:wizard", pk=offer.pk, step=STEPS[1].name)
    context = {
        "form": form,
        "progress": _progress(STEPS[0].name, done=set()),
        "fields_templates": [ALL_FIELDS_TEMPLATE],
        # The draft can be started; only the details are the owners' to change.
        "details_note": None if may_change_details else refusal(membership, Right.MANAGE),
    }
    return render(request, "offers/new.html", context)


@login_required
def offer_detail(request, pk):
    offer = access.get_offer(request, pk)
    return _render_detail(request, offer, WithdrawForm())


@live.reload_page_when_refused
@login_required
@require_safe
def offer_detail_live(request, pk):
    """The status page's live region alone, for htmx's polls (offers/live.py)."""
    offer = access.get_offer(request, pk)
    checks = Check.objects.current_round(offer)
    if live.unchanged(request, offer, checks):
        return live.nothing_new()
    return render(request, "includes/live_fragment.html", _live_context(request, offer, checks))


def _render_detail(request, offer, withdraw_form):
    context = {
        **_live_context(request, offer, Check.objects.current_round(offer)),
        "events": queries.timeline(offer, with_assignments=False),
        "can_withdraw": workflow.is_undecided(offer) and may(offer.membership, Right.SUBMIT),
        "withdraw_form": withdraw_form,
    }
    return render(request, "offers/detail.html", context)


def _live_context(request, offer, checks):
    """What the status page's live region shows (includes/offer_status.html)."""
    missing = services.incomplete_steps_for_display(offer) if offer.is_editable else []
    return {
        "offer": offer,
        "status_note": STATUS_NOTES.get(offer.status),
        "status_warning": offer.status in WARNING_STATUSES,
        "missing": missing,
        "continue_step": missing[0] if missing else STEPS[-1].name,
        "checks": [(check, FIX_STEP[check.kind]) for check in checks],
        "review_reasons": queries.latest_review_reasons(offer),
        "can_edit": may(offer.membership, Right.EDIT_MARKETING),
        "summary_editable": offer.is_editable and may(offer.membership, Right.EDIT_MARKETING),
        "live": live.region(
            offer,
            checks,
            template="includes/offer_status.html",
            fragment_url=reverse("offers:detail_live", kwargs={"pk": offer.pk}),
            page_url=reverse("offers:detail", kwargs={"pk": offer.pk}),
            drawn_for=live.page_status(request, offer),
        ),
    }


@login_required
@require_POST
def offer_withdraw(request, pk):
    offer = access.get_offer(request, pk, Right.SUBMIT)
    form = WithdrawForm(request.POST)
    # An offer past withdrawing gets the service's refusal, not a form it can no longer use.
    if not form.is_valid() and workflow.is_undecided(offer):
        return _render_detail(request, offer, form)
    try:
        services.withdraw(offer, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except workflow.DecisionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your offer was withdrawn."))
    return redirect("offers:detail", pk=offer.pk)


@login_required
def offer_logo(request, pk, slot):
    # An image, not a page: no header lists the person's memberships.
    return logos.serve_clean_copy(access.get_offer(request, pk, page=False), slot)


def _progress(current, done, urls=None):
    """The progress indicator: every step, whether it is complete, and which one is shown;
    `urls` by step name, none before the offer exists."""
    urls = urls or {}
    return [
        {
            "name": step.name,
            "title": step.title,
            "url": urls.get(step.name),
            "done": step.name in done,
            "current": step.name == current,
        }
        for step in STEPS
    ]


class RequestOnlyStorage(BaseStorage):
    """formtools' bookkeeping, kept for one request only. The URL names the step and the
    database holds the draft, so nothing has to outlive the request: no session writes on
    every page, no step data piling up per offer, no temporary copies of uploads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_data()


class OfferWizard(LoginRequiredMixin, NamedUrlWizardView):
    """The publisher's wizard for one offer; a draft continues on any device."""

    form_list = [(step.name, step.form_class) for step in STEPS]
    storage_name = "offers.views.RequestOnlyStorage"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.offer = access.get_offer(request, kwargs["pk"], offers=self._offers(request, kwargs))
        if not self.offer.is_editable:
            return self._read_only_redirect()
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _offers(request, kwargs):
        # A step's page carries the step's version: read with the offer, not on its own.
        step = kwargs.get("step")
        if request.method == "GET" and step in STEPS_BY_NAME:
            return services.with_step_version(Offer.objects, step)
        return Offer.objects

    def _read_only_redirect(self):
        messages.info(
            self.request, _("This offer has been submitted; it can no longer be changed.")
        )
        return redirect("offers:detail", pk=self.offer.pk)

    def get_prefix(self, request, *args, **kwargs):
        return f"offer-{kwargs['pk']}"

    def get_step_url(self, step):
        """A step's address, reversed once per request: a page links to some steps twice."""
        if step not in self._step_urls:
            self._step_urls[step] = reverse(
                self.url_name, kwargs={"pk": self.offer.pk, "step": step}
            )
        return self._step_urls[step]

    @cached_property
    def _step_urls(self):
        return {}

    @cached_property
    def missing(self):
        """The incomplete steps, worked out (or read from the cache) once per request."""
        return services.incomplete_steps_for_display(self.offer)

    def get_template_names(self):
        return [f"offers/wizard/{self.steps.current}.html"]

    def get_form_kwargs(self, step=None):
        return {"offer": self.offer}

    def get_form_initial(self, step):
        return services.step_initial(self.offer, step)

    def get_form(self, step=None, data=None, files=None):
        form = super().get_form(step, data, files)
        if not access.may_change_step(self.offer, step or self.steps.current):
            read_only(form)
        return form

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step is None:
            missing = self.missing
            return redirect(self.get_step_url(missing[0] if missing else STEPS[-1].name))
        if step == self.done_step_name:
            return redirect(self.get_step_url(STEPS[-1].name))
        if step not in self.get_form_list():
            raise Http404
        # Always from the database, never from the session: the draft may have moved on
        # from another device.
        self.storage.current_step = step
        return self.render(self.get_form())

    def post(self, *args, **kwargs):
        step = kwargs.get("step")
        if step not in self.get_form_list():
            raise Http404
        # formtools trusts the posted step name; one that is not a step must not reach it.
        posted = self.request.POST.get(f"{self.prefix}-current_step", step)
        if posted not in self.get_form_list():
            raise SuspiciousOperation("The posted wizard step does not exist.")
        # A member whose role cannot change this step reads it; posting it is refused.
        access.ensure_may_change_step(self.offer, step)
        # The URL names the step being posted, even if this session never saw it before.
        self.storage.current_step = step
        self.seen_version = conflicts.posted_version(self.request.POST.get("step_version"))
        try:
            return super().post(*args, **kwargs)
        except SavedMeanwhile as conflict:
            return self._render_conflict(conflict)
        except workflow.NotEditable:
            # Submitted from another tab or device since this page was loaded.
            return self._read_only_redirect()
        except logos.StorageUnavailable:
            return self._render_logos_not_stored()

    def _render_logos_not_stored(self):
        """The file store did not take the logos: the page again, with everything typed (the
        step's other answers are already saved) and an error beside each logo to send again."""
        form = self.get_form(data=self.request.POST, files=self.request.FILES)
        form.is_valid()
        form.refuse_uploads(
            _(
                "This logo could not be stored just now: our file store did not answer. "
                "Choose the file again in a minute; your other answers are kept."
            )
        )
        return self.render(form)

    def _render_conflict(self, conflict):
        """Another save of this step came in after this page was shown: the page again with
        what this person typed, unsaved, and the other's answers beside it. Saving once more
        keeps theirs (the page now carries the new version)."""
        self.conflict = conflict
        form = self.get_form(data=self.request.POST, files=self.request.FILES)
        form.is_valid()
        return self.render(form)

    def _conflict_context(self, conflict, form):
        fresh = Offer.objects.select_related("organisation").get(pk=self.offer.pk)
        stored = services.step_initial(fresh, self.steps.current)
        return conflicts.shown(self.request.user, conflict, form, stored)

    def process_step(self, form):
        services.save_step(
            self.offer,
            self.steps.current,
            form.cleaned_data,
            uploads=self._uploads(form),
            user=self.request.user,
            seen_version=self.seen_version,
        )
        self._say_what_was_removed(form)
        return super().process_step(form)

    def _say_what_was_removed(self, form):
        """The saved description is not what was typed when markup was stripped: say so on the
        page the publisher lands on next."""
        notice = form.removed_notice() if hasattr(form, "removed_notice") else ""
        if notice:
            messages.warning(self.request, notice)

    def process_step_files(self, form):
        # Accepted logos are already stored on the offer; formtools needs no copy of them.
        return {}

    def render(self, form=None, **kwargs):
        uploads = self._uploads(form) if form is not None and form.is_bound else {}
        if uploads:
            # Keep every logo that passed its checks, even when another field failed, and
            # show it as stored on the page that asks to fix the rest.
            form.stored_logos.update(services.store_logos(self.offer, uploads))
        return super().render(form, **kwargs)

    def render_done(self, form, **kwargs):
        try:
            services.submit_offer(self.offer, actor=self.request.user)
        except workflow.IncompleteOffer as incomplete:
            messages.error(
                self.request,
                _("Your offer is not complete yet. Finish this step, then submit again."),
            )
            return redirect(self.get_step_url(incomplete.step))
        messages.success(self.request, _("Your offer was submitted."))
        return redirect("offers:detail", pk=self.offer.pk)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        current = self.steps.current
        missing = self.missing
        done = {step.name for step in FORM_STEPS} - set(missing)
        conflict = getattr(self, "conflict", None)
        context.update(
            offer=self.offer,
            step_version=conflict.version
            if conflict
            else services.step_version(self.offer, current),
            conflict=self._conflict_context(conflict, form) if conflict else None,
            read_only_note=access.step_refusal(self.offer, current),
            next_url=self.get_step_url(self.steps.next) if self.steps.next else None,
            step=STEPS_BY_NAME[current],
            progress=_progress(
                current, done, {step.name: self.get_step_url(step.name) for step in STEPS}
            ),
            missing=missing,
            fields_templates=[f"offers/wizard/fields/{current}.html", ALL_FIELDS_TEMPLATE],
            previous_url=self.get_step_url(self.steps.prev) if self.steps.prev else None,
            review_reasons=[
                reason
                for reason in queries.latest_review_reasons(self.offer)
                if _step_of(reason) == current
            ],
        )
        return context

    @staticmethod
    def _uploads(form):
        accepted = getattr(form, "accepted_uploads", None)
        return accepted() if accepted else {}


def _step_of(reason):
    requirement = REQUIREMENTS_BY_KEY.get(reason.requirement)
    return requirement.step if requirement else None


wizard = OfferWizard.as_view(url_name="offers:wizard", done_step_name="done")
