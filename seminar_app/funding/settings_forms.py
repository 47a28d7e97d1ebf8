"""The form of a project's funding rules. Shape only: the limits live in `rules_services`."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, Optional

from seminar_app.enums import FundingModel
from seminar_app.funding.rules_services import RulesInput

PRESET_CHOICES = [
    ("erasmus_2014_2020", _l("Erasmus+ 2014-2020: unit costs (100/200 EUR per participant, capped at 30,000 EUR)")),
    ("erasmus_2021_2027", _l("Erasmus+ 2021-2027: lump sum (delivery compared with the plan)")),
]


class RulesForm(FlaskForm):
    model = RadioField(_l("How the programme pays"), choices=FundingModel.choices(), validators=[InputRequired()])
    amount_local = DecimalField(
        _l("Amount per local participant"), places=2, validators=[InputRequired(_l("Enter an amount."))]
    )
    amount_international = DecimalField(
        _l("Amount per international participant"), places=2, validators=[InputRequired(_l("Enter an amount."))]
    )
    cap = DecimalField(_l("Cap for the whole project"), places=2, validators=[Optional()])
    currency = StringField(_l("Currency"), validators=[InputRequired(_l("Enter a currency code."))])
    partner_staff_count = BooleanField(_l("Partner staff count as participants"))
    min_online_minutes = IntegerField(
        _l("Minimum minutes online for an imported online attendance to count"),
        validators=[InputRequired(_l("Enter a number of minutes."))],
    )
    needs_signed_sheet = BooleanField(_l("Signed attendance sheet of each day"))
    needs_online_report = BooleanField(_l("Online participant report of each online day"))
    needs_agenda = BooleanField(_l("Agenda"))
    needs_material = BooleanField(_l("Material used"))

    def fill(self, data: RulesInput) -> RulesForm:
        for name, value in vars(data).items():
            self[name].data = value.quantize(Decimal("0.01")) if isinstance(value, Decimal) else value
        return self

    def to_input(self) -> RulesInput:
        return RulesInput(
            model=self.model.data or "",
            amount_local=self.amount_local.data,
            amount_international=self.amount_international.data,
            cap=self.cap.data,
            currency=(self.currency.data or "").strip(),
            partner_staff_count=bool(self.partner_staff_count.data),
            min_online_minutes=self.min_online_minutes.data,
            needs_signed_sheet=bool(self.needs_signed_sheet.data),
            needs_online_report=bool(self.needs_online_report.data),
            needs_agenda=bool(self.needs_agenda.data),
            needs_material=bool(self.needs_material.data),
        )
