from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from seminar_app.accounts.services import UserInput
from seminar_app.enums import Role
from seminar_app.forms import MultiCheckboxField
from seminar_app.projects.models import Partner, Project


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class UserForm(FlaskForm):
    """An account as an administrator edits it. Shape only: the rules live in accounts.services."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"))
    partner_ids = MultiCheckboxField(_l("Partners they act for (organisers)"), coerce=int)
    project_ids = MultiCheckboxField(_l("Projects they manage (managers)"), coerce=int)
    active = BooleanField(_l("Active (may log in)"))
    password = PasswordField(_l("New password"), validators=[Optional(), Length(max=200)])
    password_confirm = PasswordField(
        _l("New password again"), validators=[EqualTo("password", message=_l("The two passwords differ."))]
    )

    def setup(self, partners: list[Partner], projects: list[Project], *, new: bool) -> UserForm:
        """Fill the choices; partners come ordered by project so the template can group them."""
        self.role.choices = Role.choices()
        self.partner_ids.choices = [(p.id, f"{p.short_name} – {p.name}") for p in partners]
        self.project_ids.choices = [(p.id, f"{p.acronym} – {p.name}") for p in projects]
        self.partner_groups: list[tuple[Project, set[int]]] = []
        for partner in partners:
            if not self.partner_groups or self.partner_groups[-1][0].id != partner.project_id:
                self.partner_groups.append((partner.project, set()))
            self.partner_groups[-1][1].add(partner.id)
        if new:
            self.password.validators = [DataRequired(), Length(max=200)]
            self.password.flags.required = True
        return self

    def to_input(self) -> UserInput:
        return UserInput(
            email=(self.email.data or "").strip(),
            name=(self.name.data or "").strip(),
            role=Role(self.role.data),
            partner_ids=list(self.partner_ids.data or []),
            project_ids=list(self.project_ids.data or []),
            active=bool(self.active.data),
            password=self.password.data or "",
        )


def user_form_data(data: UserInput) -> dict[str, Any]:
    return {
        "email": data.email,
        "name": data.name,
        "role": data.role.value,
        "partner_ids": data.partner_ids,
        "project_ids": data.project_ids,
        "active": data.active,
    }
