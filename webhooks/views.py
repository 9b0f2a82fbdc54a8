"""The owner's webhook pages, in the organisation they work in: the endpoints with the form
that registers one, and each endpoint's delivery log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import current
from organisations.access import Right, ensure
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import Endpoint


def _owner_membership(request):
    """The membership of the organisation the person works in, if it may manage webhooks:
    404 for someone in none, 403 for a role without the right."""
    membership = current.current_membership(request)
    if membership is None:
        raise Http404
    ensure(membership, Right.MANAGE)
    return membership


def _endpoint_or_404(membership, pk):
    """An endpoint of that organisation, never another's."""
    return get_object_or_404(Endpoint, pk=pk, organisation_id=membership.organisation_id)


@login_required
def endpoints(request):
    """The organisation's endpoints; an owner registers one here and sees its secret once."""
    membership = _owner_membership(request)
    organisation = membership.organisation
    form = EndpointForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        endpoint, secret = services.register(
            organisation,
            form.cleaned_data["url"],
            form.cleaned_data["events"],
            created_by=request.user,
        )
        # Shown in this response only: never in a message, a session or a log.
        made = {"endpoint": endpoint, "secret": secret}
        form = EndpointForm()
    context = {
        "organisation": organisation,
        "endpoints": services.endpoints_of(organisation),
        "form": form,
        "made": made,
    }
    return render(request, "webhooks/endpoints.html", context)


@login_required
def endpoint(request, pk):
    """One endpoint's delivery log, newest first."""
    membership = _owner_membership(request)
    found = _endpoint_or_404(membership, pk)
    deliveries, older = services.log_of(found)
    context = {
        "organisation": membership.organisation,
        "endpoint": found,
        "deliveries": deliveries,
        "older": older,
    }
    return render(request, "webhooks/endpoint.html", context)


@login_required
@require_POST
def delete_endpoint(request, pk):
    membership = _owner_membership(request)
    found = _endpoint_or_404(membership, pk)
    services.delete(found)
    messages.success(request, _("%(url)s no longer receives events.") % {"url": found.url})
    return redirect("organisations:webhooks")


@login_required
@require_POST
def send_again(request, pk, delivery):
    """A new attempt of a message, with its id: the receiver sees it as that message again."""
    membership = _owner_membership(request)
    found = _endpoint_or_404(membership, pk)
    again = services.send_again(get_object_or_404(found.deliveries, pk=delivery))
    messages.success(
        request,
        _("Message %(id)s is being sent again, as attempt %(attempt)s.")
        % {"id": again.message_id, "attempt": again.attempt},
    )
    return redirect("organisations:webhook", pk=found.pk)
