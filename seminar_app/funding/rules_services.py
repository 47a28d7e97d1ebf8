"""Changing a project's funding rules. Only the project's managers and administrators may;
each changed setting is recorded (who, when, from, to), because the ledger is computed live
from the rules: changing them after events were delivered changes the figures, and the
funder may ask why they changed."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import pycountry
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from seminar_app.accounts.models import User
from seminar_app.accounts.permissions import can_manage_project
from seminar_app.audit.models import AuditAction
from seminar_app.audit.services import record
from seminar_app.db_types import utcnow
from seminar_app.enums import FundingModel
from seminar_app.errors import NotAllowed
from seminar_app.extensions import db
from seminar_app.funding.models import FundingChange, FundingRules
from seminar_app.funding.rules import PRESETS, rules_for
from seminar_app.projects.models import Project
from seminar_app.validation import FieldErrors

MAX_AMOUNT_PER_HEAD = Decimal("100000")  # far above any programme's unit cost: a typo
MAX_CAP = Decimal("10000000")
MAX_ONLINE_MINUTES = 24 * 60
PLAN_SETTING_PREFIX = "plan:"  # FundingChange.setting of a plan change: "plan:<code>:<field>"


@dataclass(frozen=True)
class RulesInput:
    """The funding rules as a manager enters them. `cap` None: no cap."""

    model: str
    amount_local: Decimal
    amount_international: Decimal
    cap: Decimal | None
    currency: str
    partner_staff_count: bool
    min_online_minutes: int
    needs_signed_sheet: bool
    needs_online_report: bool
    needs_agenda: bool
    needs_material: bool

    @classmethod
    def from_rules(cls, rules: FundingRules) -> RulesInput:
        return cls(**{f.name: getattr(rules, f.name) for f in fields(cls)})

    @classmethod
    def from_preset(cls, name: str) -> RulesInput:
        return cls(**{f.name: PRESETS[name][f.name] for f in fields(cls)})


def may_manage_funding(user: User, project: Project) -> bool:
    """Managers of the project and administrators set its funding rules and plan."""
    return bool(user.is_authenticated and user.is_active and can_manage_project(user, project))


def change_text(value: object) -> str:
    """A setting's value as the change log keeps it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)[:200]


def _check_amount(errors: FieldErrors, name: str, value: Decimal | None, maximum: Decimal) -> None:
    if value is None:
        errors.add(name, _("Enter an amount (0 when nothing is paid)."))
    elif not value.is_finite() or value < 0:
        errors.add(name, _("Enter an amount of 0 or more."))
    elif value > maximum:
        errors.add(name, _("This amount is not plausible: enter at most %(max)s.", max=format_decimal(maximum)))
    elif value != value.quantize(Decimal("0.01")):
        errors.add(name, _("Use at most two decimals."))


def check_rules(data: RulesInput) -> None:
    """Raises `ValidationFailed` for every refused setting at once."""
    errors = FieldErrors()
    if data.model not in {m.value for m in FundingModel}:
        errors.add("model", _("Choose how the programme pays for multiplier events."))
    _check_amount(errors, "amount_local", data.amount_local, MAX_AMOUNT_PER_HEAD)
    _check_amount(errors, "amount_international", data.amount_international, MAX_AMOUNT_PER_HEAD)
    if data.cap is not None:
        _check_amount(errors, "cap", data.cap, MAX_CAP)
        if data.cap == 0:
            errors.add("cap", _("Leave the cap empty when there is none; a cap of 0 would pay nothing."))
    currency = data.currency.strip().upper()
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        errors.add("currency", _("Enter the currency's three-letter code, such as EUR."))
    elif pycountry.currencies.get(alpha_3=currency) is None:
        errors.add("currency", _("%(code)s is not a currency code. Enter one such as EUR.", code=currency))
    if data.min_online_minutes is None or not 0 <= data.min_online_minutes <= MAX_ONLINE_MINUTES:
        errors.add("min_online_minutes", _("Enter a number of minutes from 0 to %(max)d.", max=MAX_ONLINE_MINUTES))
    errors.raise_if_any()


def update_rules(project: Project, data: RulesInput, *, actor: User) -> list[FundingChange]:
    """Save `data` as the project's funding rules (creating its row on the first save) and
    record one `FundingChange` per setting that changed, with an audit entry; commits. A
    refused call changes nothing. Raises `NotAllowed` unless `actor` manages the project,
    `ValidationFailed` (fields named as in `RulesInput`)."""
    if not may_manage_funding(actor, project):
        raise NotAllowed(_("Only the project's managers and administrators may change its funding rules."))
    check_rules(data)
    rules = rules_for(project)
    if rules.id is None:
        db.session.add(rules)
    now = utcnow()
    changes: list[FundingChange] = []
    wanted: dict[str, Any] = {f.name: getattr(data, f.name) for f in fields(RulesInput)}
    wanted["currency"] = data.currency.strip().upper()
    for name, new in wanted.items():
        old = getattr(rules, name)
        if change_text(old) == change_text(new):
            continue
        changes.append(
            FundingChange(
                project_id=project.id,
                changed_at=now,
                changed_by_id=actor.id,
                changed_by_name=actor.name,
                setting=name,
                old_value=change_text(old),
                new_value=change_text(new),
            )
        )
        setattr(rules, name, new)
    if not changes:
        db.session.rollback()
        return []
    db.session.add_all(changes)
    record(
        AuditAction.FUNDING_RULES_CHANGED,
        actor=actor,
        project=project,
        details={"fields": [c.setting for c in changes]},
    )
    db.session.commit()
    return changes


def rules_changes(project: Project, *, limit: int = 200) -> list[FundingChange]:
    """The project's changes of funding rules, newest first (plan changes left out)."""
    query = (
        select(FundingChange)
        .where(FundingChange.project_id == project.id, FundingChange.setting.not_like(f"{PLAN_SETTING_PREFIX}%"))
        .order_by(FundingChange.changed_at.desc(), FundingChange.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
