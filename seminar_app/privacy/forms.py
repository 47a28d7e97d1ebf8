"""Forms of the Data access page (one small form per button, each with its CSRF token) and
of a project's retention settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import HiddenInput

from seminar_app.privacy.retention_settings import RetentionInput


class GrantForm(FlaskForm):
    manager_id = IntegerField(validators=[DataRequired()], widget=HiddenInput())


class RevokeForm(FlaskForm):
    """Only the CSRF token: the grant is named in the URL."""


class RetentionForm(FlaskForm):
    """A project's retention settings. Shape only: the limits live in `retention_settings`."""

    operational_days = IntegerField(
        _l("Days after each event before operational data is deleted"), validators=[Optional()]
    )
    evidence_kept_until = DateField(_l("Keep the funder's evidence until"), validators=[Optional()])
    legal_hold = BooleanField(_l("Legal hold: stop every deletion of this project's data"))
    legal_hold_reason = TextAreaField(_l("Reason for the legal hold"), render_kw={"rows": 2})

    def to_input(self) -> RetentionInput:
        return RetentionInput(
            operational_days=self.operational_days.data,
            evidence_kept_until=self.evidence_kept_until.data,
            legal_hold=bool(self.legal_hold.data),
            legal_hold_reason=(self.legal_hold_reason.data or "").strip(),
        )
