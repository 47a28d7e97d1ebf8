from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.enums import AttendanceMode, CheckInSource, db_enum
from seminar_app.extensions import db

if TYPE_CHECKING:
    from seminar_app.registration.models import Registration


class Attendance(db.Model):
    """One registrant present on one day of an event (the day is the local date in the
    event's zone), on site or online. At most one row per person and day: a second
    check-in changes nothing. Kept when the registration is erased (the row has no
    personal data), so attended counts stay right."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("registration_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    mode: Mapped[AttendanceMode] = mapped_column(db_enum(AttendanceMode, "attendance_mode"))
    source: Mapped[CheckInSource] = mapped_column(db_enum(CheckInSource, "check_in_source"))
    # Online minutes from a video-conference report (None when ticked by hand).
    minutes: Mapped[int | None]
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship()
