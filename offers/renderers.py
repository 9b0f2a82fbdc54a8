"""The form renderer of every page (settings.FORM_RENDERER).

Widgets and fields are drawn from Jinja2 templates: compiled to Python, they render a page's
fields (a radio or box per choice, each with its attributes, and each field's label, help and
errors from forms/field.html) in a fraction of the Django template engine's time. The HTML is
the same but for the blank lines Django's templates leave inside a choice's label.

A template that exists only for the Django engine (the admin's widgets) is still found: the
renderer falls back to Django's own form renderer for it. Django ships the two renderers but
not this fallback, hence these few lines."""

from django import forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    # offers/jinja2/forms/field.html: what `{{ field.as_field_group }}` draws.
    field_template_name = "forms/field.html"

    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)


class TextsTranslatedOnce:
    """A form mixin: each field's label, help text and choice labels become text when the form
    is made, in the language of its request. Left lazy, a translation is looked up again each
    time a template tests, escapes or repeats it (the field, the error summary, the widget's
    aria attributes): about thirty gettext calls of a wizard step's hundred and forty. Text
    marked safe stays safe. A form lives for one request, so the language cannot change under
    it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label is not None:
                field.label = str(field.label)
            field.help_text = str(field.help_text)
            if _has_plain_choices(field):
                field.choices = [(value, str(label)) for value, label in field.choices]


def _has_plain_choices(field):
    # A model choice field reads its choices from the database when drawn; a group of choices
    # (a list as the label) is left as it is.
    if not isinstance(field, forms.ChoiceField) or isinstance(field, forms.ModelChoiceField):
        return False
    return not any(isinstance(label, (list, tuple)) for _value, label in field.choices)
