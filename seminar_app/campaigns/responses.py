"""What an invitee does with an invitation mail, without an account: register through the
personal link, say "I cannot come", unsubscribe. And the other way round: every new
registration marks the invitation of the same address for the same event as REGISTERED,
so conversion counts people whichever form they used.

An invitation's answer only ever moves forward: a registration beats everything (it is
the strongest signal), an unsubscription beats a "cannot come". Answers come from what
the person did, never from a prefetched link: only POSTs change anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import false, inspect, or_

from seminar_app.campaigns.models import Invitation
from seminar_app.campaigns.tokens import find_by_token
from seminar_app.contacts.models import Suppression, email_hash
from seminar_app.contacts.suppression import suppress_hash, suppression_of_hash
from seminar_app.db_types import utcnow
from seminar_app.enums import InvitationStatus, SuppressionReason
from seminar_app.errors import DomainError, InvalidTransition
from seminar_app.extensions import db
from seminar_app.timefmt import format_date

if TYPE_CHECKING:
    from seminar_app.events.models import Event
    from seminar_app.registration.models import Registration


class UnknownInvitation(DomainError):
    """No invitation has this personal link: mistyped, incomplete, or its data was erased."""

    code = "unknown_invitation"
    status = 404


class InvitationForAnotherEvent(DomainError):
    """A personal link used on the registration form of another event; `event` is its own."""

    code = "invitation_for_another_event"
    status = 422

    def __init__(self, message: str, *, event: Event):
        super().__init__(message)
        self.event = event


class InvitationExpired(InvalidTransition):
    """The invitation's event has started or is over: there is nothing left to answer."""

    code = "invitation_expired"


class AlreadyAnswered(InvalidTransition):
    """The invitee already answered in a way "I cannot come" must not overwrite."""

    code = "already_answered"


class AlreadyUnsubscribed(InvalidTransition):
    """The address is already on the project's suppression list (`since`: when it got there)."""

    code = "already_unsubscribed"

    def __init__(self, message: str, *, since: datetime):
        super().__init__(message)
        self.since = since


def invitation_event(invitation: Invitation) -> Event:
    """The event the invitation is to (through its campaign; the model has no direct relationship)."""
    return invitation.campaign.event


def _usable(invitation: Invitation | None) -> Invitation | None:
    """Erased invitations lose their link; one that somehow kept it is treated as unknown too."""
    if invitation is None or invitation.erased_at is not None or not invitation.email:
        return None
    return invitation


def find_invitation(token: str | None, *, forgotten_too: bool = False) -> Invitation | None:
    """The invitation whose personal link carries `token`; None when unknown, mistyped or
    (unless `forgotten_too`: unsubscribing always works) its data was erased."""
    invitation = find_by_token(token)
    return invitation if forgotten_too else _usable(invitation)


def _ensure_not_over(event: Event, now: datetime | None) -> None:
    if event.starts_at <= (now or utcnow()):
        raise InvitationExpired(_("This invitation was for an event that has already taken place."))


# --- the personal registration link -------------------------------------------------------


def invitation_for_registration(event: Event, token: str | None, *, now: datetime | None = None) -> Invitation:
    """The invitation behind a personal registration link used on `event`'s form.

    Reads only. Raises `UnknownInvitation` (unknown, mistyped or erased link),
    `InvitationForAnotherEvent` (carrying the invitation's own event) and
    `InvitationExpired` (the event has started or is over)."""
    invitation = find_invitation(token)
    if invitation is None:
        raise UnknownInvitation(
            _(
                "This personal link does not work: it may be incomplete (copy the whole address from the "
                "e-mail). You can still register with the form below."
            )
        )
    if invitation.event_id != event.id:
        own = invitation_event(invitation)
        raise InvitationForAnotherEvent(
            _("This personal link is an invitation to another event: “%(title)s”.", title=own.title), event=own
        )
    _ensure_not_over(event, now)
    return invitation


def record_registration(
    registration: Registration, *, invitation_id: int | None = None, now: datetime | None = None
) -> None:
    """Mark the invitation of the registration's address to its event as REGISTERED, in
    the caller's transaction (one UPDATE; the caller commits). `invitation_id` (the
    personal link the person came through) is marked too, even if they changed the address.

    Called for every new registration whose address was invited to the event (the registration
    looks for an invitation in the statement that looks for the address) or that came through a
    personal link, whatever form it came through, so conversion counts people who registered
    on the public form too. Overrides DECLINED and
    UNSUBSCRIBED (the registration is the stronger signal); a suppression stays on the
    project's list. Raises nothing; an address nobody invited changes nothing."""
    # A statement on the table, not the ORM's bulk UPDATE, which cost three times the round trip
    # and runs under the event's seat lock (issue 18): invitations loaded in the session are
    # not changed by it, so those without changes of their own are read again when next used.
    table = Invitation.__table__
    condition = table.c.email_hash == email_hash(registration.email) if registration.email else false()
    if invitation_id is not None:
        condition = or_(condition, table.c.id == invitation_id)
    db.session.execute(
        table.update()
        .where(table.c.event_id == registration.event_id, condition)
        .values(status=InvitationStatus.REGISTERED, registration_id=registration.id, responded_at=now or utcnow())
    )
    for loaded in [o for o in db.session.identity_map.values() if isinstance(o, Invitation)]:
        if not inspect(loaded).modified:
            db.session.expire(loaded)


# --- "I cannot come" -----------------------------------------------------------------------


def ensure_can_decline(invitation: Invitation, *, now: datetime | None = None) -> None:
    """Raise the reason the invitee may not (or need not) say "I cannot come" now.

    Reads only. Raises `AlreadyAnswered` (declined, registered or unsubscribed before)
    and `InvitationExpired` (the event has started or is over)."""
    if invitation.status is InvitationStatus.DECLINED:
        raise AlreadyAnswered(_("You already told us you cannot come. Thank you for letting us know."))
    if invitation.status is InvitationStatus.REGISTERED:
        raise AlreadyAnswered(
            _(
                "You are registered for this event. To cancel, use the link in the confirmation e-mail "
                "you received when you registered."
            )
        )
    if invitation.status is InvitationStatus.UNSUBSCRIBED:
        raise AlreadyAnswered(_("You have unsubscribed from these invitations; there is nothing more to do."))
    _ensure_not_over(invitation_event(invitation), now)


def decline_invitation(invitation: Invitation, *, now: datetime | None = None) -> Invitation:
    """Record that the invitee cannot come (DECLINED, `responded_at`) and commit.

    Changes nothing and raises `AlreadyAnswered` or `InvitationExpired` when
    `ensure_can_decline` says so."""
    ensure_can_decline(invitation, now=now)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = now or utcnow()
    db.session.commit()
    return invitation


# --- unsubscribing -------------------------------------------------------------------------


def current_suppression(invitation: Invitation) -> Suppression | None:
    """The suppression of the invitee's address in the invitation's project, or None."""
    return suppression_of_hash(invitation_event(invitation).project.id, invitation.email_hash)


def ensure_can_unsubscribe(invitation: Invitation) -> None:
    """Raise `AlreadyUnsubscribed` when the address is already on the project's list
    (whichever invitation put it there). Reads only."""
    existing = current_suppression(invitation)
    if existing is not None:
        since = format_date(existing.created_at, invitation_event(invitation).timezone, "long")
        raise AlreadyUnsubscribed(
            _("This address is already unsubscribed (since %(date)s).", date=since), since=existing.created_at
        )


def unsubscribe_invitee(invitation: Invitation, *, now: datetime | None = None) -> Suppression:
    """Put the invitee's address on the suppression list of the invitation's project (no
    partner of the project may invite it again), mark the invitation UNSUBSCRIBED unless
    it is REGISTERED (a registration stays), and commit. Works after the event too, and
    after the invitee's data was forgotten (the address's fingerprint is kept).

    Raises `AlreadyUnsubscribed` and changes nothing when the address is already on the list."""
    ensure_can_unsubscribe(invitation)
    project_id = invitation_event(invitation).project.id
    entry = suppress_hash(project_id, invitation.email_hash, SuppressionReason.UNSUBSCRIBED)
    if invitation.status is not InvitationStatus.REGISTERED:
        # A registered invitee keeps the time they registered as their answer.
        invitation.status = InvitationStatus.UNSUBSCRIBED
        invitation.responded_at = now or utcnow()
    db.session.commit()
    return entry
