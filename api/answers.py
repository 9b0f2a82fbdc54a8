"""An offer's answers as the API reads and writes them: one object per wizard step, keyed by the
step's form fields, and checked by that step's own form. There is no second copy of the rules:
the schema's fields are made from the forms' fields, and a change is valid when the wizard's
form, bound to the stored answers with the change over them, accepts every answer sent.

Unlike a wizard page, a request may send part of a step: the answers it does not send stay as
stored, and whatever is still missing is named when the offer is submitted (409)."""

from decimal import Decimal
from uuid import UUID

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.errors import error, from_validation_error
from offers import services
from offers.forms import MarketingForm, plain_decimal
from offers.steps import FORM_STEPS, STEPS_BY_NAME

STEP_NAMES = tuple(step.name for step in FORM_STEPS)
LOGOS = "logos"


def step_fields(step):
    """The answers of a step, as its form declares them (logos have endpoints of their own)."""
    return dict(step.form_class.base_fields)


# What JSON may carry for each kind of form field, and what to say otherwise. null stands for
# no answer. A decimal may come as a string ("99.95") to keep its digits exact.
_BOOLEAN = ((bool,), _("Send true or false."))
_CHOICES = ((list,), _("Send a list of the choices' values."))
_DECIMAL = ((int, float, str), _("Send a number, such as 99.95, or a string of one."))
_INTEGER = ((int,), _("Send a whole number."))
_TEXT = ((str,), _("Send text."))


def _json_kind(field):
    if isinstance(field, forms.BooleanField):
        return _BOOLEAN
    if isinstance(field, forms.MultipleChoiceField):
        return _CHOICES
    if isinstance(field, forms.DecimalField):
        return _DECIMAL
    if isinstance(field, forms.IntegerField):
        return _INTEGER
    return _TEXT


def _type_errors(step_name, name, field, value):
    if value is None:
        return []
    types, message = _json_kind(field)
    wrong = isinstance(value, bool) and bool not in types
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        wrong = True
    if wrong or not isinstance(value, types):
        return [error("type", f"{step_name}.{name}", message)]
    return []


def validate(offer, changes):
    """The answers to store for each step in `changes` ({step: {field: value}}), each step's
    stored answers with the valid change over them. Returns (answers by step, errors)."""
    if not isinstance(changes, dict):
        return {}, [error("type", None, _("Send a JSON object."))]
    answers, errors = {}, []
    for step_name, values in changes.items():
        step_errors = _shape_errors(step_name, values)
        if not step_errors:
            stored, step_errors = _validate_step(offer, STEPS_BY_NAME[step_name], values)
            answers[step_name] = stored
        errors += step_errors
    return answers, errors


def _shape_errors(step_name, values):
    if step_name not in STEP_NAMES:
        known = ", ".join(STEP_NAMES)
        return [
            error(
                "unknown",
                step_name,
                _("There is no step “%(name)s”; the steps are %(known)s.")
                % {"name": step_name, "known": known},
            )
        ]
    if not isinstance(values, dict):
        return [error("type", step_name, _("Send the step's answers as a JSON object."))]
    fields = step_fields(STEPS_BY_NAME[step_name])
    found = []
    for name, value in values.items():
        if name not in fields:
            found.append(
                error(
                    "unknown",
                    f"{step_name}.{name}",
                    _("The step “%(step)s” has no answer “%(name)s”.")
                    % {"step": step_name, "name": name},
                )
            )
        else:
            found += _type_errors(step_name, name, fields[name], value)
    return found


def _validate_step(offer, step, values):
    stored = services.step_initial(offer, step.name)
    form = step.form_class(data=services.as_form_data({**stored, **values}), files={}, offer=offer)
    _for_the_api(form)
    form.is_valid()
    errors = [
        entry
        for name, field_errors in form.errors.as_data().items()
        if name in values or name == NON_FIELD_ERRORS
        for field_error in field_errors
        for entry in from_validation_error(_field_path(step.name, name), field_error)
    ]
    cleaned = getattr(form, "cleaned_data", {})
    # What the form cleaned wins (it may also empty an answer that no longer counts, as the
    # wizard does); an answer it could not clean and that was not sent stays as stored.
    return {name: cleaned.get(name, value) for name, value in stored.items()}, errors


def _for_the_api(form):
    """The step's form as a script meets it: numbers read as JSON writes them, whatever the
    language of the messages, and no logo fields (logos are uploaded on their own)."""
    for field in form.fields.values():
        field.localize = False
    if isinstance(form, MarketingForm):
        for slot in form.requirements.logo_slots:
            form.fields.pop(MarketingForm.logo_field_name(slot))


def _field_path(step_name, name):
    """Where an error points: "technical.uptime_percent"; a logo slot's "logos.40x40"."""
    if name == NON_FIELD_ERRORS:
        return step_name
    if step_name == "marketing" and name.startswith("logo_"):
        return f"{LOGOS}.{name.removeprefix('logo_')}"
    return f"{step_name}.{name}"


def incomplete_errors(incomplete):
    """offers.workflow.IncompleteOffer's errors as data: every step and field still missing."""
    return [
        entry
        for step_name, field_errors in incomplete.items()
        for name, errors in field_errors.items()
        for field_error in errors
        for entry in from_validation_error(_field_path(step_name, name), field_error)
    ]


def _plain(values):
    return {name: _json_value(value) for name, value in values.items()}


def _json_value(value):
    if isinstance(value, Decimal):
        return str(plain_decimal(value))
    if isinstance(value, UUID):
        return str(value)
    return value


# The schema of each step, made from its form's fields.


def _schema_field(field):
    common = {"required": False, "help_text": field.help_text or None, "label": field.label}
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.ChoiceField(field.choices), **common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField([("", ""), *field.choices], **common)
    if isinstance(field, forms.DecimalField):
        return serializers.CharField(allow_null=True, **common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(allow_null=True, **common)
    if isinstance(field, forms.UUIDField):
        return serializers.UUIDField(allow_null=True, **common)
    return serializers.CharField(allow_blank=True, **common)


def _step_serializer(step):
    attrs = {name: _schema_field(field) for name, field in step_fields(step).items()}

    def to_representation(self, offer):
        return _plain(services.step_initial(offer, step.name))

    attrs["to_representation"] = to_representation
    name = f"{step.name.title()}Answers"
    return type(name, (serializers.Serializer,), attrs)


STEP_SERIALIZERS = {step.name: _step_serializer(step) for step in FORM_STEPS}
