"""The reviewers' queue. (Being written: the dashboard change.)"""

from django.http import HttpResponse

from review.permissions import reviewer_required


@reviewer_required
def dashboard(request):
    return HttpResponse()
