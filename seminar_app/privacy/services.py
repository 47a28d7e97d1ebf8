"""Grants of personal data to project managers, and the log of participant-level exports.

DOMAIN.md: a project manager sees every seminar of the project but the personal data of a
partner's attendees only where that partner has granted it. Only the people who act for
the partner (its organisers) and administrators may grant or revoke. Every export that
lists people is logged, whoever downloads it, so the partner can see who took what.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Literal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from seminar_app.accounts.models import User
from seminar_app.accounts.permissions import may_see_personal_data
from seminar_app.audit import services as audit
from seminar_app.audit.models import AuditAction
from seminar_app.db_types import utcnow
from seminar_app.enums import Role
from seminar_app.errors import DomainError, NotAllowed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.privacy import evidence_pack, exports
from seminar_app.privacy.models import PersonalDataAccess, PersonalDataGrant
from seminar_app.projects.models import Partner

ExportFormat = Literal["csv", "xlsx"]


def acts_for_partner(user: User, partner: Partner) -> bool:
    """Whether `user` speaks for `partner` on its data: an administrator or one of its own
    organisers (never a manager, even one holding a grant)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role is Role.ADMIN or any(p.id == partner.id for p in user.partners)


def _ensure_acts_for(actor: User, partner: Partner) -> None:
    if not acts_for_partner(actor, partner):
        raise NotAllowed(
            _(
                "Only the organisers of %(partner)s and administrators may change who sees its data.",
                partner=partner.name,
            )
        )


def active_grant(partner: Partner, manager: User) -> PersonalDataGrant | None:
    return db.session.scalar(
        select(PersonalDataGrant).where(
            PersonalDataGrant.partner_id == partner.id,
            PersonalDataGrant.user_id == manager.id,
            PersonalDataGrant.revoked_at.is_(None),
        )
    )


def grant_personal_data(partner: Partner, manager: User, *, actor: User) -> PersonalDataGrant:
    """Let `manager` see the personal data of `partner`'s attendees, from the next request on.

    Granting again returns the active grant unchanged. Raises `NotAllowed` if `actor` does
    not act for the partner, `DomainError` (field "manager") if `manager` is not an active
    manager of the partner's project."""
    _ensure_acts_for(actor, partner)
    if (
        manager.role is not Role.MANAGER
        or not manager.is_active
        or not any(p.id == partner.project_id for p in manager.projects)
    ):
        raise DomainError(
            _("Access can only be granted to a manager of the project %(project)s.", project=partner.project.acronym),
            field="manager",
        )
    existing = active_grant(partner, manager)
    if existing is not None:
        return existing
    grant = PersonalDataGrant(partner=partner, manager=manager, granted_by=actor, granted_at=utcnow())
    db.session.add(grant)
    try:
        db.session.flush()
        audit.record(
            AuditAction.GRANT_GIVEN,
            actor=actor,
            partner=partner,
            target_id=grant.id,
            details={"manager_id": manager.id},
        )
        db.session.commit()
    except IntegrityError:
        # The same grant was given a moment ago (a double click, another organiser).
        db.session.rollback()
        existing = active_grant(partner, manager)
        if existing is None:
            raise
        return existing
    return grant


def revoke_personal_data(grant: PersonalDataGrant, *, actor: User) -> PersonalDataGrant:
    """End the grant at once: the manager's next request sees counts only. Revoking a revoked
    grant changes nothing. Raises `NotAllowed` if `actor` does not act for the partner."""
    _ensure_acts_for(actor, grant.partner)
    if grant.revoked_at is None:
        grant.revoked_at = utcnow()
        grant.revoked_by = actor
        audit.record(
            AuditAction.GRANT_REVOKED,
            actor=actor,
            partner=grant.partner,
            target_id=grant.id,
            details={"manager_id": grant.user_id},
        )
        db.session.commit()
    return grant


def log_personal_data_access(
    user: User, partner: Partner, event: Event | None, what: str, row_count: int
) -> PersonalDataAccess:
    """Record one download of `partner`'s personal data (committed at once, before the file
    leaves, so that an export is never handed out unlogged). The same transaction writes the
    audit log's entry, so the partner's access log and the audit log never disagree."""
    entry = PersonalDataAccess(
        user_id=user.id,
        user_email=user.email,
        partner_id=partner.id,
        event_id=event.id if event is not None else None,
        what=what,
        row_count=row_count,
        at=utcnow(),
    )
    db.session.add(entry)
    audit.record(
        AuditAction.EXPORT_PERSONAL_DATA,
        actor=user,
        event=event,
        partner=partner,
        details={"what": what, "rows": row_count},
    )
    db.session.commit()
    return entry


def _ensure_may_see(user: User, partner: Partner) -> None:
    if not may_see_personal_data(user, partner):
        raise NotAllowed(_("You may not see the personal data of %(partner)s's attendees.", partner=partner.name))


_PARTICIPANT_WRITERS: dict[str, Callable[[Partner], Iterator[bytes]]] = {
    "csv": exports.participants_csv,
    "xlsx": exports.participants_xlsx,
}


def export_participants(partner: Partner, file_format: ExportFormat, *, actor: User) -> Iterator[bytes]:
    """Every participant of `partner`'s events as CSV or XLSX, logged as "participants.<format>"
    with the number of people listed. Raises `NotAllowed` if `actor` may not see them.

    The check and the log entry happen here, before the first byte; the file itself is
    the returned stream of chunks, read from the database as it is sent (the count is
    taken just before, so a registration arriving meanwhile may be listed but not counted)."""
    _ensure_may_see(actor, partner)
    stream = _PARTICIPANT_WRITERS[file_format](partner)
    count = exports.participant_count(partner)
    log_personal_data_access(actor, partner, None, f"participants.{file_format}", count)
    return stream


def export_evidence_pack(event: Event, *, actor: User, blank_rows: int) -> bytes:
    """The event's evidence pack (zip), logged as "evidence-pack" with the number of people
    its attendance documents name. Raises `NotAllowed` if `actor` may not see them."""
    _ensure_may_see(actor, event.partner)
    pack = evidence_pack.build(event, blank_rows=blank_rows)
    log_personal_data_access(actor, event.partner, event, "evidence-pack", pack.people_listed)
    return pack.content
