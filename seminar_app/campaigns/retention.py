"""Forgetting invitees while keeping the figures: an erasure on request (one address) and
the retention rule (everyone invited to an event, some weeks after it ended) both blank
the invitations' personal fields and the invitation mail, and keep each invitation's
answer, stakeholder group, country and language, so conversion stays right."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, func, update

from seminar_app.campaigns.emails import INVITATION, REMINDER
from seminar_app.campaigns.models import Invitation
from seminar_app.contacts.models import email_hash, normalise_email
from seminar_app.db_types import utcnow
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.retention import forget_mail


def forget_invitees(
    event_ids: Select[tuple[int]], *, address: str | None = None, reason: str, now: datetime | None = None
) -> int:
    """Blank, in the caller's transaction (the caller commits), the invitations to the
    events of `event_ids` (only those to `address` when given) and their invitation mail.
    The hash of the personal link stays, so that the unsubscribe link of an old mail still
    works (through the address's fingerprint); no other link of it does.
    Mail still queued is cancelled with `reason`; mail a sender is delivering right now
    blanks itself once sent; the file backend's .eml copies are deleted. Returns how many
    invitations were blanked."""
    invitations = update(Invitation).where(Invitation.event_id.in_(event_ids), Invitation.erased_at.is_(None))
    mail = and_(OutboxMessage.event_id.in_(event_ids), OutboxMessage.kind.in_((INVITATION, REMINDER)))
    if address is not None:
        invitations = invitations.where(Invitation.email_hash == email_hash(address))
        mail = and_(mail, func.lower(OutboxMessage.to_address) == normalise_email(address))
    blanked = db.session.execute(
        invitations.values(
            email=None, name="", organisation="", link_salt=None, erased_at=now or utcnow()
        ).execution_options(synchronize_session=False)
    ).rowcount
    forget_mail(mail, reason=reason)
    return blanked or 0
