"""The form on the eligibility page: one per attendee (prefixed by the registration id, so
that every field id on the page is unique). Shape only; the rules are in eligibility_services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from seminar_app.funding.eligibility_services import REASON_MAX


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Say why: the reason is kept with the decision.")),
            Length(max=REASON_MAX),
        ],
    )


def decision_form(registration_id: int, **kwargs: object) -> DecisionForm:
    return DecisionForm(prefix=f"r{registration_id}", **kwargs)
