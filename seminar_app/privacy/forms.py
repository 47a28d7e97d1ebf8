"""Forms of the Data access page: one small form per button, each with its CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import DataRequired
from wtforms.widgets import HiddenInput


class GrantForm(FlaskForm):
    manager_id = IntegerField(validators=[DataRequired()], widget=HiddenInput())


class RevokeForm(FlaskForm):
    """Only the CSRF token: the grant is named in the URL."""
