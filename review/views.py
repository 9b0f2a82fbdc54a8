"""One offer for a reviewer. (Being written: the review page change.)"""

from django.http import Http404

from review.permissions import reviewer_required


@reviewer_required
def offer_review(request, pk):
    raise Http404


offer_logo = assign = decide = rerun_checks = offer_review
