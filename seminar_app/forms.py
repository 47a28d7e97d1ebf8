"""Form pieces shared by every area, and the bridge from `DomainError` to form fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from seminar_app.errors import DomainError, ValidationFailed


class MultiCheckboxField(SelectMultipleField):
    """A multi-select shown as a group of checkboxes (easier on phones and keyboards)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def show_domain_error(form: FlaskForm, exc: DomainError) -> None:
    """Put a service's error next to the field it concerns, or at the top of the form."""
    if isinstance(exc, ValidationFailed):
        for name, messages in exc.errors.items():
            _attach(form, name, messages)
    else:
        _attach(form, exc.field or "", [exc.message])


def _attach(form: FlaskForm, name: str, messages: list[str]) -> None:
    target = form._fields.get(name)
    if target is None:
        form.form_errors.extend(messages)
        return
    # WTForms keeps errors as a tuple until validate() runs; make it a list we can extend.
    target.errors = [*target.errors, *messages]
