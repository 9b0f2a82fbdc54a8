"""Who may open the reviewers' pages: reviewers and admins. Publishers get 403."""

from functools import wraps

from django.contrib.auth.decorators import login_required

from offers.queries import ensure_reviewer


def reviewer_required(view):
    """Sign-in first (anonymous users go to the login page), then the reviewer role (403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        ensure_reviewer(request.user)
        return view(request, *args, **kwargs)

    return wrapped
