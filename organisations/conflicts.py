"""What a page says when its save was refused because someone saved the same answers after it
was shown (organisations.services.SavedMeanwhile): who and when, and what they stored, beside
the person's own unsaved input. Used by the wizard's steps and the organisation's details."""

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _


def posted_version(posted):
    """The version a page carried; None from a page served before versions existed."""
    try:
        return int(posted)
    except (TypeError, ValueError):
        return None


def shown(user, conflict, form, stored):
    """{"message", "values"} for templates/includes/saved_meanwhile.html. `stored` is the
    answers as saved now, keyed by the form's fields."""
    when = date_format(localtime(conflict.changed_at), "DATETIME_FORMAT")
    person = conflict.changed_by
    if person is not None and person.pk == user.pk:
        message = _(
            "You saved these answers in another tab or window at %(when)s, after this page was "
            "opened. The answers below are not saved yet; what that save stored is listed "
            "here. Check it, then save again to keep the answers below."
        ) % {"when": when}
    else:
        who = (person.get_full_name() or person.email) if person else _("Someone")
        message = _(
            "%(who)s saved these answers at %(when)s, after you opened this page. Your answers "
            "below are not saved yet; theirs are listed here. Check them, then save again to "
            "keep yours."
        ) % {"who": who, "when": when}
    return {"message": message, "values": _values(form, stored)}


def _values(form, stored):
    """(label, text) for each answer as stored: choices by their labels, a box as yes or no."""
    shown_values = []
    for name, field in form.fields.items():
        if name not in stored:
            continue
        value = stored[name]
        choices = dict(getattr(field, "choices", ()))
        if isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif isinstance(value, list):
            text = ", ".join(str(choices.get(item, item)) for item in value)
        else:
            text = str(choices.get(value, value)) if value not in (None, "") else "—"
        shown_values.append((field.label, text))
    return shown_values
