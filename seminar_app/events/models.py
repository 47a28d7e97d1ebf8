from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.enums import EventFormat, EventKind, EventStatus, TargetAudience, db_enum
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project, ProjectResult

if TYPE_CHECKING:
    from seminar_app.agenda.models import AgendaItem, Speaker

event_result = Table(
    "event_result",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("result_id", ForeignKey("project_result.id", ondelete="CASCADE"), primary_key=True),
)

PUBLIC_STATUSES = (
    EventStatus.PUBLISHED,
    EventStatus.POSTPONED,
    EventStatus.CANCELLED,
    EventStatus.DELIVERED,
)


class RegistrationWindow(NamedTuple):
    """What decides whether an event takes registrations at a given time; plain values, so that
    it can be kept with an answer built from the event (api.answers)."""

    status: EventStatus
    ends_at: datetime
    opens_at: datetime | None
    closes_at: datetime | None

    def open_at(self, now: datetime) -> bool:
        """Published, not over, inside the window."""
        if self.status is not EventStatus.PUBLISHED or self.ends_at <= now:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def phase(self, now: datetime) -> str:
        """Where `now` stands for registration: all that the time changes on the event's page."""
        if self.ends_at <= now:
            return "over"
        if self.open_at(now):
            return "open"
        return "not-yet" if self.opens_at and now < self.opens_at else "closed"


class Event(db.Model):
    """A seminar (or other kind of event) organised by one partner.

    Instants are stored in UTC; `timezone` is the IANA zone the event is held in
    and every local time shown to people is converted with it.
    """

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(db_enum(EventKind, "event_kind"), default=EventKind.SEMINAR)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    format: Mapped[EventFormat] = mapped_column(db_enum(EventFormat, "event_format"))
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2))
    online_platform: Mapped[str] = mapped_column(String(80), default="")
    joining_url: Mapped[str] = mapped_column(String(500), default="")
    capacity_onsite: Mapped[int | None]
    capacity_online: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    # Bumped by every registration change; the UPDATE that bumps it locks the event's
    # row (PostgreSQL) or the database (SQLite) so that seats are counted one at a time.
    registration_changes: Mapped[int] = mapped_column(default=0)
    # The iCalendar SEQUENCE of the event's calendar entry: raised (in SQL, see
    # calendar.invitations.next_sequence) each time attendees' entries are changed or removed.
    ical_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # Hours before the start at which registrants get a reminder; None: no reminder.
    reminder_hours_before: Mapped[int | None] = mapped_column(default=24, server_default="24")
    status: Mapped[EventStatus] = mapped_column(
        db_enum(EventStatus, "event_status"), default=EventStatus.DRAFT, index=True
    )
    status_note: Mapped[str] = mapped_column(String(500), default="")
    target_audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    objective: Mapped[str] = mapped_column(String(500), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The multiplier event of the application's plan that this event delivers (funding.models).
    planned_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_event.id", ondelete="SET NULL"), index=True
    )

    partner: Mapped[Partner] = relationship(back_populates="events")
    results: Mapped[list[ProjectResult]] = relationship(secondary=event_result, order_by="ProjectResult.code")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", order_by="AgendaItem.starts_at, AgendaItem.id", cascade="all, delete-orphan"
    )
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="event", order_by="Speaker.name", cascade="all, delete-orphan"
    )
    # The event's texts in languages other than its main one (`language`); see events.content
    # for the one place that picks a reader's version.
    translations: Mapped[list[EventTranslation]] = relationship(
        back_populates="event", order_by="EventTranslation.language", cascade="all, delete-orphan"
    )

    @property
    def project(self) -> Project:
        return self.partner.project

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.tz)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.tz)

    @property
    def local_days(self) -> list[date]:
        """Every calendar day the event touches, in its own time zone."""
        first, last = self.local_start.date(), self.local_end.date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    @property
    def is_multi_day(self) -> bool:
        return self.local_start.date() != self.local_end.date()

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_past(self) -> bool:
        return self.ends_at <= utcnow()

    @property
    def audiences(self) -> list[TargetAudience]:
        return [TargetAudience(a) for a in self.target_audiences or []]

    def registration_open(self, now: datetime | None = None) -> bool:
        """Whether people may register now: published, not over, inside the window."""
        return self.registration_window.open_at(now or utcnow())

    @property
    def registration_window(self) -> RegistrationWindow:
        return RegistrationWindow(self.status, self.ends_at, self.registration_opens_at, self.registration_closes_at)

    def __repr__(self) -> str:
        return f"<Event {self.slug} {self.status}>"


class EventTranslation(db.Model):
    """The event's texts in one more language. Empty fields fall back to the main language's."""

    __tablename__ = "event_translation"
    __table_args__ = (UniqueConstraint("event_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="translations")

    def __repr__(self) -> str:
        return f"<EventTranslation {self.event_id} {self.language}>"
