"""Starting an invitation campaign and asking for its one reminder.

Both only write rows and commit; the mails themselves are queued in batches by
`campaigns.batches` (after the response, by `flask jobs run`, or `flask campaigns run`).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from seminar_app.campaigns import queries
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.selection import Criteria, Recipient, select_recipients
from seminar_app.campaigns.tokens import new_link
from seminar_app.db_types import start_write_transaction, utcnow
from seminar_app.enums import EventStatus
from seminar_app.errors import Conflict, DomainError, InvalidTransition
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.validation import FieldErrors


class NoRecipients(DomainError):
    code = "no_recipients"


class AlreadySending(Conflict):
    """The campaign asked for again (a second click on "Send") is still being sent."""

    code = "already_sending"

    def __init__(self, message: str, *, campaign: Campaign):
        super().__init__(message)
        self.campaign = campaign


class SelectionChanged(Conflict):
    """The recipients are not the number the organiser confirmed; `count` is the new one."""

    code = "selection_changed"

    def __init__(self, message: str, *, count: int):
        super().__init__(message)
        self.count = count


def check_can_invite(event: Event) -> None:
    """Raise InvalidTransition unless `event` is published and has not started."""
    if event.status is not EventStatus.PUBLISHED:
        raise InvalidTransition(_("Invitations can only be sent for a published event."))
    if event.starts_at <= utcnow():
        raise InvalidTransition(_("This event has already started, so no more invitations can be sent."))


def _lock_event_for_campaigns(event: Event) -> None:
    """Serialise campaign starts of one event: SQLite's write lock, PostgreSQL's row lock."""
    start_write_transaction(db.session)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def start_campaign(
    event: Event,
    criteria: Criteria,
    *,
    actor: Any,
    personal_note: str = "",
    save_the_date: bool = False,
    expected_count: int | None = None,
) -> Campaign:
    """Create the campaign and one invitation per recipient, in one transaction, and commit.

    The recipients are worked out again here (see `selection.select_recipients`), so an
    address registered, suppressed or invited since the preview is left out. No mail is
    queued yet: `batches.queue_next_batch` does that.

    Raises InvalidTransition when the event is not published or has started,
    ValidationFailed (field "personal_note") for a note with control characters,
    AlreadySending (with the campaign) when nobody is left to invite because a campaign
    with the same lists and filters is still being sent (a second click on "Send"),
    NoRecipients when nobody is left to invite otherwise (nothing is saved in either
    case), and SelectionChanged (with the new count) when `expected_count` is given and
    differs."""
    check_can_invite(event)
    errors = FieldErrors()
    errors.fit("personal_note", personal_note, Campaign.personal_note)
    errors.raise_if_any()
    _lock_event_for_campaigns(event)
    selection = select_recipients(event, criteria)
    if not selection.recipients:
        sending = _campaign_being_sent(event, criteria)
        db.session.rollback()
        if sending is not None:
            campaign, progress = sending
            raise AlreadySending(
                ngettext(
                    "This campaign is already being sent: %(sent)d of %(num)d invitation sent so far.",
                    "This campaign is already being sent: %(sent)d of %(num)d invitations sent so far.",
                    progress.total,
                    sent=progress.sent,
                ),
                campaign=campaign,
            )
        raise NoRecipients(_("Nobody is left to invite with these lists and filters, so nothing was sent."))
    if expected_count is not None and expected_count != selection.count:
        db.session.rollback()
        raise SelectionChanged(
            ngettext(
                "The recipients changed since the preview: the campaign would now go to %(num)d person. "
                "Check the preview and confirm again.",
                "The recipients changed since the preview: the campaign would now go to %(num)d people. "
                "Check the preview and confirm again.",
                selection.count,
            ),
            count=selection.count,
        )
    campaign = Campaign(
        event_id=event.id,
        criteria=criteria.to_json(),
        personal_note=personal_note.strip(),
        save_the_date=save_the_date,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(campaign)
    try:
        db.session.flush()
        # Rows rather than objects (a campaign may invite thousands: issue 18).
        db.session.execute(insert(Invitation), [_invitation_row(campaign, r) for r in selection.recipients])
        db.session.commit()
    except IntegrityError:  # another campaign invited one of them a moment ago
        db.session.rollback()
        raise SelectionChanged(
            _("Another campaign for this event was started at the same time. Check the preview and confirm again."),
            count=0,
        ) from None
    return campaign


def _invitation_row(campaign: Campaign, recipient: Recipient) -> dict[str, Any]:
    contact = recipient.contact
    link_salt, token_hash = new_link()
    return {
        "campaign_id": campaign.id,
        "event_id": campaign.event_id,
        "contact_id": contact.id,
        "email": recipient.email,
        "email_hash": recipient.email_hash,
        "name": contact.name,
        "organisation": contact.organisation,
        "country": contact.country,
        "stakeholder_group": contact.stakeholder_group,
        "language": recipient.language,
        "link_salt": link_salt,
        "token_hash": token_hash,
    }


def _campaign_being_sent(event: Event, criteria: Criteria) -> tuple[Campaign, queries.MailProgress] | None:
    """The event's latest campaign with these lists and filters whose invitations are
    not all out of the outbox yet, with their progress; None if there is none."""
    same = select(Campaign).where(Campaign.event_id == event.id, Campaign.criteria == criteria.to_json())
    latest = db.session.scalar(same.order_by(Campaign.id.desc()).limit(1))
    if latest is None:
        return None
    invitations = queries.progress(latest).invitations
    return None if invitations.done else (latest, invitations)


def request_reminder(campaign: Campaign, *, actor: Any, expected_count: int | None = None) -> int:
    """Ask for the campaign's one reminder to the invitees who have not answered, and commit.
    Returns how many people it will reach; the mails are queued by `batches`.

    Raises InvalidTransition when a reminder was already asked for or the event is no
    longer open to invitations, NoRecipients when nobody is waiting for one, and
    SelectionChanged when `expected_count` is given and differs."""
    if campaign.reminder_requested_at is not None:
        raise InvalidTransition(_("This campaign's reminder was already sent; there is only one per campaign."))
    check_can_invite(campaign.event)
    campaign_id = campaign.id
    start_write_transaction(db.session)
    # Only one request can win this conditional UPDATE, also when two arrive at once.
    won = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.reminder_requested_at.is_(None))
        .values(batches=Campaign.batches + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        db.session.rollback()
        raise InvalidTransition(_("This campaign's reminder was already sent; there is only one per campaign."))
    campaign = db.session.get(Campaign, campaign_id, populate_existing=True)
    assert campaign is not None
    count = queries.reminder_recipients_count(campaign)
    if count == 0:
        db.session.rollback()
        raise NoRecipients(_("Everybody invited has answered or cannot be written to, so no reminder is needed."))
    if expected_count is not None and expected_count != count:
        db.session.rollback()
        raise SelectionChanged(
            ngettext(
                "The number changed: the reminder would now go to %(num)d person. Confirm again.",
                "The number changed: the reminder would now go to %(num)d people. Confirm again.",
                count,
            ),
            count=count,
        )
    campaign.reminder_requested_at = utcnow()
    campaign.reminder_by_id = getattr(actor, "id", None)
    db.session.commit()
    return count
