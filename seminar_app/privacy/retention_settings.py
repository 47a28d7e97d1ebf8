"""Changing a project's retention settings: days after each event for operational data,
the date until which the funder's evidence is kept, and the legal hold. Only the project's
managers and administrators may; each change is recorded with who, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.accounts.permissions import can_manage_project
from seminar_app.db_types import utcnow
from seminar_app.enums import EventStatus
from seminar_app.errors import NotAllowed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.privacy.models import RetentionChange
from seminar_app.projects.models import Partner, Project
from seminar_app.validation import FieldErrors

MAX_OPERATIONAL_DAYS = 3650
MAX_REASON = 1000


@dataclass(frozen=True)
class RetentionInput:
    """`operational_days` None: the installation's default; `evidence_kept_until` None: no
    date set (evidence is kept)."""

    operational_days: int | None
    evidence_kept_until: date | None
    legal_hold: bool
    legal_hold_reason: str = ""

    @classmethod
    def from_project(cls, project: Project) -> RetentionInput:
        return cls(
            operational_days=project.operational_retention_days,
            evidence_kept_until=project.evidence_kept_until,
            legal_hold=project.legal_hold,
            legal_hold_reason=project.legal_hold_reason,
        )


def may_change_retention(user: User, project: Project) -> bool:
    return bool(user.is_authenticated and user.is_active and can_manage_project(user, project))


def last_event_end(project: Project) -> date | None:
    """The (UTC) day the project's last event, drafts aside, ends."""
    ends = db.session.scalar(
        select(func.max(Event.ends_at))
        .join(Partner, Partner.id == Event.partner_id)
        .where(Partner.project_id == project.id, Event.status != EventStatus.DRAFT)
    )
    return ends.date() if ends is not None else None


def _check(project: Project, data: RetentionInput) -> None:
    errors = FieldErrors()
    if data.operational_days is not None and not 0 <= data.operational_days <= MAX_OPERATIONAL_DAYS:
        errors.add(
            "operational_days",
            _("Enter a number of days from 0 to %(max)d, or leave it empty.", max=MAX_OPERATIONAL_DAYS),
        )
    last_end = last_event_end(project)
    if data.evidence_kept_until is not None and last_end is not None and data.evidence_kept_until < last_end:
        errors.add(
            "evidence_kept_until",
            _(
                "The evidence must be kept at least until the project's last event has ended (%(date)s).",
                date=last_end.isoformat(),
            ),
        )
    if data.legal_hold:
        errors.require(
            "legal_hold_reason",
            data.legal_hold_reason,
            _("Say why the project's data is put on legal hold."),
            max_length=MAX_REASON,
        )
    else:
        errors.limit("legal_hold_reason", data.legal_hold_reason, MAX_REASON)
    errors.raise_if_any()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else "off"
    return value.isoformat() if isinstance(value, date) else str(value)


def change_retention(project: Project, data: RetentionInput, *, actor: User) -> list[RetentionChange]:
    """Apply `data` to `project` and record one `RetentionChange` per setting that changed
    (none when nothing did). Turning the legal hold on needs a reason and stamps who and
    when; turning it off records the reason given, if any. Raises `NotAllowed` unless
    `actor` is an administrator or a manager of the project, `ValidationFailed` (fields
    "operational_days", "evidence_kept_until", "legal_hold_reason"); a rejected call
    changes nothing."""
    if not may_change_retention(actor, project):
        raise NotAllowed(_("Only the project's managers and administrators may change its retention settings."))
    _check(project, data)
    reason = data.legal_hold_reason.strip()
    now = utcnow()
    changes: list[RetentionChange] = []

    def record(setting: str, old: object, new: object, why: str = "") -> None:
        changes.append(
            RetentionChange(
                project_id=project.id,
                changed_at=now,
                changed_by_id=actor.id,
                changed_by_name=actor.name,
                setting=setting,
                old_value=_text(old),
                new_value=_text(new),
                reason=why,
            )
        )

    if data.operational_days != project.operational_retention_days:
        record("operational_retention_days", project.operational_retention_days, data.operational_days)
        project.operational_retention_days = data.operational_days
    if data.evidence_kept_until != project.evidence_kept_until:
        record("evidence_kept_until", project.evidence_kept_until, data.evidence_kept_until)
        project.evidence_kept_until = data.evidence_kept_until
    if data.legal_hold != project.legal_hold:
        record("legal_hold", project.legal_hold, data.legal_hold, reason)
        project.legal_hold = data.legal_hold
        project.legal_hold_reason = reason if data.legal_hold else ""
        project.legal_hold_set_at = now
        project.legal_hold_set_by_id = actor.id
    elif data.legal_hold and reason != project.legal_hold_reason:
        record("legal_hold_reason", "", "", reason)
        project.legal_hold_reason = reason
    if changes:
        db.session.add_all(changes)
        db.session.commit()
    return changes
