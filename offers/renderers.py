"""The form renderer of every page (settings.FORM_RENDERER).

Widgets and fields are drawn from Jinja2 templates: compiled to Python, they render a page's
fields (a radio or box per choice, each with its attributes, and each field's label, help and
errors from forms/field.html) in a fraction of the Django template engine's time. The HTML is
the same but for the blank lines Django's templates leave inside a choice's label.

A template that exists only for the Django engine (the admin's widgets) is still found: the
renderer falls back to Django's own form renderer for it. Django ships the two renderers but
not this fallback, hence these few lines."""

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
