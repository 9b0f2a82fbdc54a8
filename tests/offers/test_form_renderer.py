"""Every form field is drawn by offers/jinja2/forms/field.html through offers.renderers."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.test.html import parse_html
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import User
from offers.renderers import FormRenderer, TextsTranslatedOnce

lazy_safe = lazy(mark_safe, str)
lazy_text = lazy(str, str)


class ExampleForm(forms.Form):
    name = forms.CharField(label=lazy_text("Name"), help_text=lazy_text("Use <b> sparingly"))
    rules = forms.CharField(help_text=lazy_safe("<ul><li>Eight characters</li></ul>"))
    colour = forms.ChoiceField(
        choices=[("red", "Red"), ("blue", "Blue")],
        widget=forms.RadioSelect,
        help_text="Pick one.",
    )
    agree = forms.BooleanField(label="I agree")


def drawn(form, name):
    return parse_html(form[name].as_field_group())


def test_a_field_has_its_label_help_and_errors_tied_to_the_input():
    form = ExampleForm(data={})

    assert drawn(form, "name") == parse_html(
        '<div class="field field--error" id="field-name">'
        '<label for="id_name">Name</label>'
        '<div class="help" id="id_name_helptext">Use &lt;b&gt; sparingly</div>'
        '<ul class="errorlist" id="id_name_error"><li>This field is required.</li></ul>'
        '<input type="text" name="name" required aria-invalid="true" '
        'aria-describedby="id_name_helptext id_name_error" id="id_name">'
        "</div>"
    )


def test_help_text_marked_safe_stays_html_and_other_help_text_is_escaped():
    form = ExampleForm()

    assert "<ul><li>Eight characters</li></ul>" in form["rules"].as_field_group()
    assert "Use &lt;b&gt; sparingly" in form["name"].as_field_group()


def test_radios_are_a_fieldset_named_by_its_legend_and_described_by_help_and_errors():
    form = ExampleForm(data={"colour": "green"})
    html = form["colour"].as_field_group()

    assert '<fieldset aria-describedby="id_colour_helptext id_colour_error">' in html
    assert "<legend>Colour</legend>" in html
    assert html.count('type="radio"') == 2


def test_a_single_box_comes_before_its_label():
    html = ExampleForm()["agree"].as_field_group()

    assert 'class="field field--check"' in html
    assert html.index('type="checkbox"') < html.index('<label for="id_agree">I agree</label>')


def test_a_widget_drawn_only_by_django_templates_still_renders():
    # The admin's widgets have no Jinja2 templates; the renderer falls back to Django's.
    html = AdminDateWidget().render("day", None, renderer=FormRenderer())

    assert 'class="vDateField"' in html


def test_forms_use_the_renderer_by_default():
    assert isinstance(ExampleForm().renderer, FormRenderer)


class TranslatedForm(TextsTranslatedOnce, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=[("yes", gettext_lazy("Reject"))]
    )
    rules = forms.CharField(help_text=lazy_safe("<ul><li>Eight characters</li></ul>"))
    reviewer = forms.ModelChoiceField(queryset=User.objects.none())


def test_labels_help_and_choices_are_text_in_the_language_of_the_request():
    with translation.override("nl"):
        form = TranslatedForm()

    assert form.fields["decision"].label == "Beslissing"
    assert not isinstance(form.fields["decision"].label, Promise)
    assert form.fields["decision"].choices == [("yes", "Afwijzen")]
    assert not isinstance(form.fields["decision"].choices[0][1], Promise)
    # Marked safe, it stays HTML.
    assert isinstance(form.fields["rules"].help_text, SafeString)
    assert "<ul><li>" in form["rules"].as_field_group()


def test_a_model_choice_field_keeps_reading_its_choices_from_the_database():
    form = TranslatedForm()

    assert form.fields["reviewer"].queryset is not None
    assert list(form.fields["reviewer"].choices) == [("", "---------")]
