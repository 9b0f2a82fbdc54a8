"""What each role may do in its organisation, and the one place that says no.

Views never test a role: they ask `may(membership, right)` or `ensure(membership, right)`.
Offers are reached through offers.access.get_offer, which answers from these rights."""

import enum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organisations.models import MemberRole


class Right(enum.Enum):
    VIEW = "view"  # the organisation's offers and their history
    EDIT = "edit"  # every step of a draft, and starting one
    EDIT_MARKETING = "edit_marketing"  # the marketing step of a draft
    SUBMIT = "submit"  # submit and withdraw
    MANAGE = "manage"  # members, API keys and the organisation's details


RIGHTS = {
    MemberRole.OWNER: frozenset(Right),
    MemberRole.MANAGER: frozenset({Right.VIEW, Right.EDIT, Right.EDIT_MARKETING, Right.SUBMIT}),
    MemberRole.MARKETER: frozenset({Right.VIEW, Right.EDIT_MARKETING}),
    MemberRole.VIEWER: frozenset({Right.VIEW}),
}


def may(membership, right):
    return membership is not None and right in RIGHTS[membership.role]


def ensure(membership, right):
    """403, saying what the role allows and who can do it, unless the member has `right`."""
    if not may(membership, right):
        raise PermissionDenied(refusal(membership, right))


def refusal(membership, right):
    """Why this member may not do this, in a sentence that names their role."""
    params = {
        "organisation": membership.organisation.company_name,
        "role": membership.get_role_display(),
    }
    if right is Right.MANAGE:
        message = _(
            "Only owners of %(organisation)s manage its members and its details; your role "
            "there is %(role)s."
        )
    elif right is Right.SUBMIT:
        message = _(
            "Only owners and managers of %(organisation)s submit and withdraw offers; your "
            "role there is %(role)s."
        )
    else:
        message = _(
            "Your role in %(organisation)s is %(role)s: you can read this but not change it. "
            "An owner can give you another role."
        )
    return message % params
