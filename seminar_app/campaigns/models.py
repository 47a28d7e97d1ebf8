from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.enums import InvitationStatus, db_enum
from seminar_app.extensions import db

if TYPE_CHECKING:
    from seminar_app.accounts.models import User
    from seminar_app.events.models import Event


class Campaign(db.Model):
    """One mailing of invitations to an event, from the event's partner to its contacts.

    Created with all its invitations at once (the recipients are fixed when the organiser
    confirms); the mails are then queued in batches (`Invitation.message_id` set) and
    delivered by the outbox. `criteria` records, as JSON, the lists and filters chosen."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    criteria: Mapped[str] = mapped_column(Text, default="{}")
    personal_note: Mapped[str] = mapped_column(Text, default="")
    save_the_date: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every batch: the UPDATE serialises concurrent batch writers on this row.
    batches: Mapped[int] = mapped_column(default=0)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reminder_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", passive_deletes=True
    )


class Invitation(db.Model):
    """One invitee of one campaign and their answer.

    The personal link's token is derived from `link_salt` and SECRET_KEY; only its hash
    is stored. The invitee's name, address and organisation are copied from the contact
    (the contact may be edited or deleted later); erasure on request blanks them and
    keeps status, group, country and language so that conversion figures stay right.
    One invitation per event and address (`email_hash`), whatever the campaign."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("event_id", "email_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    email_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    stakeholder_group: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[InvitationStatus] = mapped_column(
        db_enum(InvitationStatus, "invitation_status"), default=InvitationStatus.INVITED, index=True
    )
    link_salt: Mapped[str | None] = mapped_column(String(32))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    reminder_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(back_populates="invitations")
