from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.enums import AttendanceMode, ConsentPurpose, RegistrationStatus, db_enum
from seminar_app.extensions import db

if TYPE_CHECKING:
    from seminar_app.events.models import Event


class Registration(db.Model):
    """One person's registration for one event, made without an account.

    The private link's token is stored only as a SHA-256 hash. Erasure blanks every
    personal field (`erased_at` set) but keeps the row, its status, mode, country,
    stakeholder group and partner flag, so that counts in reports stay right.
    Waiting-list order is the order of `id`: ids are handed out while the event's
    row is locked, so they follow the order of arrival.
    """

    __tablename__ = "registration"
    # The second one finds an address whatever its case (`services._existing`, migration 0018).
    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        Index("ix_registration_event_id_lower_email", "event_id", func.lower(text("email"))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(db_enum(RegistrationStatus, "registration_status"), index=True)
    mode: Mapped[AttendanceMode] = mapped_column(db_enum(AttendanceMode, "attendance_mode"))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    organisation_city: Mapped[str] = mapped_column(String(120), default="")
    organisation_country: Mapped[str] = mapped_column(String(2), default="")
    function_role: Mapped[str] = mapped_column(String(200), default="")
    stakeholder_group: Mapped[str] = mapped_column(String(40), default="")
    is_partner_staff: Mapped[bool] = mapped_column(default=False)
    access_needs: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    # The private link's token is derived from this salt and SECRET_KEY; only its hash is stored.
    link_salt: Mapped[str | None] = mapped_column(String(32))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(20), default="form")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    consents: Mapped[list[Consent]] = relationship(
        back_populates="registration", order_by="Consent.id", cascade="all, delete-orphan"
    )

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def may_join_online(self) -> bool:
        """Only a confirmed online attendee gets the joining link."""
        return self.status is RegistrationStatus.CONFIRMED and self.mode is AttendanceMode.ONLINE

    def consent_given(self, purpose: ConsentPurpose) -> bool:
        """The latest answer for `purpose` (consents can be withdrawn, which adds a row)."""
        answers = [c for c in self.consents if c.purpose is purpose]
        return bool(answers) and answers[-1].given


class Consent(db.Model):
    """One answer to one consent question, with when it was given and which privacy
    notice version was on screen, in which language. Never updated: a change of mind adds a row."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(db_enum(ConsentPurpose, "consent_purpose"))
    given: Mapped[bool]
    privacy_notice_version: Mapped[int | None]
    privacy_notice_language: Mapped[str | None] = mapped_column(String(8))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="consents")
