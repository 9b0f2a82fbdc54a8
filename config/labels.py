"""Choice labels looked up, not rebuilt, on every get_FOO_display() call.

Django's Model._get_FIELD_display builds a dict of the field's choices on each call, hashing
every label: a lazy translation is translated to be hashed. A status page shows some twenty
statuses and kinds, which cost two hundred translations for twenty labels. Here each field's
labels are gathered once, still lazy, and only the label shown is translated, in the language
of the request. Django offers no setting for this; overriding _get_FIELD_display is how its
documentation's get_FOO_display is built (Field.contribute_to_class), so this stays small.
Only for choices fixed when the class is made (no callable choices): all of ours are."""

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS = {}


class ChoiceLabelsOnce(models.Model):
    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = {
                make_hashable(value): label for value, label in field.flatchoices
            }
        value = getattr(self, field.attname)
        # As Django's: the label in the request's language, or the value itself when unknown.
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
