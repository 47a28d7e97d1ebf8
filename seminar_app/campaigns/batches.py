"""Queueing a campaign's mail in batches, and running a campaign to the end.

Guarantees:
- each invitation gets its invitation mail at most once, and its reminder at most once:
  a batch starts by bumping `Campaign.batches` in an UPDATE right after
  `start_write_transaction`, so concurrent batch writers of one campaign (the web process
  after the response, `flask jobs run`, `flask campaigns run`) take turns, and each one
  sees what the previous one committed before it picks its invitations;
- a batch commits its outbox rows together with the invitations' `message_id`, so a crash
  loses nothing and repeats nothing: the next run continues where the last commit ended;
- an address suppressed after the campaign started, an invitee who has answered or whose
  data was erased is never written to: such invitations keep `message_id` NULL and count
  as "left out" in the progress (their status stays what their answer made it);
- invitations are only queued while the event is published and has not started; after
  that the campaign is closed (`queued_at` set) and what was not queued counts as left out.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy import insert, select, update

from seminar_app.campaigns import emails
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.queries import invitations_to_queue, reminders_to_queue
from seminar_app.db_types import start_write_transaction, utcnow
from seminar_app.enums import EventStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import deliver_due

log = logging.getLogger(__name__)

BATCH_SIZE = 200


def _open_for_invitations(event: Event) -> bool:
    return event.status is EventStatus.PUBLISHED and event.starts_at > utcnow()


def _queue_batch(campaign_id: int, size: int) -> list[int]:
    """Queue up to `size` mails of the campaign and commit; the new outbox ids."""
    start_write_transaction(db.session)
    bumped = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id)
        .values(batches=Campaign.batches + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    campaign = db.session.get(Campaign, campaign_id, populate_existing=True)
    if bumped != 1 or campaign is None:
        db.session.rollback()
        return []
    event = db.session.get(Event, campaign.event_id, populate_existing=True)
    assert event is not None
    project_id = event.partner.project_id
    queued: list[tuple[Invitation, dict[str, Any]]] = []
    if campaign.queued_at is None:
        if _open_for_invitations(event):
            invitations = db.session.scalars(
                select(Invitation)
                .where(*invitations_to_queue(campaign, project_id))
                .order_by(Invitation.id)
                .limit(size)
                .execution_options(populate_existing=True)
            ).all()
            calendars: dict[str, str] = {}
            rendered: emails.RenderedMails = {}
            queued = [
                (i, emails.invitation_row(i, campaign, calendars=calendars, rendered=rendered)) for i in invitations
            ]
        if len(queued) < size:
            campaign.queued_at = utcnow()
    if not queued and campaign.queued_at is not None and _reminder_due(campaign):
        if _open_for_invitations(event):
            invitations = db.session.scalars(
                select(Invitation)
                .join(OutboxMessage, OutboxMessage.id == Invitation.message_id)
                .where(*reminders_to_queue(campaign, project_id))
                .order_by(Invitation.id)
                .limit(size)
                .execution_options(populate_existing=True)
            ).all()
            reminders: emails.RenderedMails = {}
            queued = [(i, emails.reminder_row(i, campaign, rendered=reminders)) for i in invitations]
        if len(queued) < size:
            campaign.reminder_queued_at = utcnow()
    ids: list[int] = []
    if queued:
        # Rows rather than objects, in one statement (a campaign may send thousands: issue 18).
        written = insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True)
        ids = list(db.session.scalars(written, [row for _invitation, row in queued]))
    for (invitation, row), message_id in zip(queued, ids, strict=True):
        if row["kind"] == emails.REMINDER:
            invitation.reminder_message_id = message_id
        else:
            invitation.message_id = message_id
    db.session.commit()
    return ids


def _reminder_due(campaign: Campaign) -> bool:
    return campaign.reminder_requested_at is not None and campaign.reminder_queued_at is None


def queue_next_batch(campaign: Campaign, size: int = BATCH_SIZE) -> int:
    """Queue the campaign's next `size` invitation mails (then, once all are queued and a
    reminder was asked for, its reminders) in the outbox, and commit. Returns how many
    were queued; 0 means nothing is left (`queued_at` / `reminder_queued_at` are then set).
    Safe to call from several processes at once (see the module docstring). Raises nothing
    of its own."""
    return len(_queue_batch(campaign.id, size))


def queue_all_batches(campaign_id: int, *, batch_size: int = BATCH_SIZE) -> int:
    """Queue every mail the campaign still owes, batch by batch; how many were queued.
    Delivery is left to the outbox's senders."""
    total = 0
    while ids := _queue_batch(campaign_id, batch_size):
        total += len(ids)
    return total


def run_campaign(campaign_id: int, *, batch_size: int = BATCH_SIZE) -> int:
    """Queue the campaign's mail batch by batch and deliver each batch before the next,
    until nothing is left; how many mails were queued. A delivery failure leaves the
    mail in the outbox for its retries (it is recorded there, not raised)."""
    total = 0
    while ids := _queue_batch(campaign_id, batch_size):
        total += len(ids)
        deliver_due(limit=len(ids), ids=ids)
    return total


def run_campaign_quietly(app: Flask, campaign_id: int) -> None:
    """`run_campaign` after a response: trouble is logged, never shown to the visitor; what
    was not queued or delivered is picked up by `flask jobs run` and the outbox senders."""
    try:
        with app.app_context():
            run_campaign(campaign_id)
    except Exception:
        app.logger.exception(
            "Running campaign %d after the response failed; the job runner will continue it.", campaign_id
        )
