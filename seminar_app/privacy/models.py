"""Grants of a partner's personal data to project managers, and the log of who exported it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.extensions import db
from seminar_app.projects.models import Partner

if TYPE_CHECKING:
    from seminar_app.accounts.models import User
    from seminar_app.events.models import Event


class PersonalDataGrant(db.Model):
    """A partner lets one manager of its project see the personal data of its attendees.

    Never deleted: revoking sets `revoked_at`, so the page can tell who had access when.
    At most one grant per partner and manager is active (not revoked) at a time.
    """

    __tablename__ = "personal_data_grant"
    __table_args__ = (
        Index(
            "uq_personal_data_grant_active",
            "partner_id",
            "user_id",
            unique=True,
            sqlite_where=db.text("revoked_at IS NULL"),
            postgresql_where=db.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    partner: Mapped[Partner] = relationship()
    manager: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PersonalDataAccess(db.Model):
    """One download of participant-level data: who (the address is kept even if the account
    goes), whose data, which event if one, what file and how many people it listed."""

    __tablename__ = "personal_data_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    user_email: Mapped[str] = mapped_column(String(254))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    what: Mapped[str] = mapped_column(String(60))
    row_count: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()
    event: Mapped[Event | None] = relationship()


class RetentionChange(db.Model):
    """One change of a project's retention settings: who (the name is kept even if the
    account goes), when, which setting, from what to what, and the reason given for a legal
    hold. Never edited: the settings page lists them, newest first."""

    __tablename__ = "retention_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")
    # "operational_retention_days", "evidence_kept_until" or "legal_hold"
    setting: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(String(40), default="")
    new_value: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    changed_by: Mapped[User | None] = relationship()
