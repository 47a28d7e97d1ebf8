"""Writing the audit log, and its deletion with the project's evidence.

`record` is called by the services that carry out the actions (never by routes), inside
their transaction and before their commit: an entry is stored exactly when the change it
describes is, and a change that rolls back leaves no entry.

Entries are kept for the project's evidence period, like the attendance sheets they
support; the retention job deletes them with `purge_for_project` when that period ends,
and nothing else deletes or edits them.

What is recorded, where the issue left it open: registrations people make themselves
(form, API, invitation link, renewing a cancelled one) are not audited, being their own
record; cancelling or erasing through the private link is, with no actor and
`{"by": "attendee"}`. A walk-in is one `attendance.recorded` entry (source "walk_in").
Personal-data downloads stay in `PersonalDataAccess` for the partner's own page and are
also written here by `privacy.services.log_personal_data_access`, in the same
transaction, so that the auditor reads one log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete

from seminar_app.audit.models import ACTIONS, AuditEntry
from seminar_app.db_types import utcnow
from seminar_app.extensions import db

if TYPE_CHECKING:
    from seminar_app.accounts.models import User
    from seminar_app.events.models import Event
    from seminar_app.projects.models import Partner, Project

_DETAIL_TYPES = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, _DETAIL_TYPES) for item in value)
    return isinstance(value, _DETAIL_TYPES)


def record(
    action: str,
    *,
    actor: User | None,
    event: Event | None = None,
    partner: Partner | None = None,
    project: Project | None = None,
    target_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry for `action` to the caller's session, without committing: it is stored
    with the caller's change or not at all. The partner and project follow from `event`
    (and the project from `partner`) when not given. `actor` None (or an anonymous user)
    means nobody logged in did it: the attendee through their private link, or the system.

    `details` take ids, counts, field names and statuses only (strings, numbers, booleans,
    or lists of them), never a registrant's personal data. Raises `ValueError` for an
    action outside the vocabulary or a detail that is not a plain value."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    details = dict(details or {})
    if not all(isinstance(key, str) and _plain(value) for key, value in details.items()):
        raise ValueError("audit details take plain values only")
    if event is not None and partner is None:
        partner = event.partner
    if partner is not None and project is None:
        project = partner.project
    logged_in = actor is not None and bool(getattr(actor, "is_authenticated", False))
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor.id if logged_in else None,  # type: ignore[union-attr]
        actor_email=actor.email if logged_in else "",  # type: ignore[union-attr]
        actor_role=actor.role.value if logged_in else "",  # type: ignore[union-attr]
        action=action,
        project_id=project.id if project is not None else None,
        partner_id=partner.id if partner is not None else None,
        event_id=event.id if event is not None else None,
        target_id=target_id,
        details=details,
    )
    db.session.add(entry)
    return entry


def purge_for_project(project_id: int) -> int:
    """Delete every entry of the project, when its evidence period has ended (the retention
    job decides when; this function does not check). Returns how many were deleted; the
    caller commits."""
    result = db.session.execute(delete(AuditEntry).where(AuditEntry.project_id == project_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
