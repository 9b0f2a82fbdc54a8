"""The review clock in the queue's rows: {% with wait=offer|waited:clock %}."""

from django import template

register = template.Library()


@register.filter
def waited(offer, clock):
    """The offer's review.clock.Wait on the page's ReviewClock, or None when nobody is late."""
    return clock.wait(offer)
