from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime
from seminar_app.enums import AgendaItemKind, db_enum
from seminar_app.extensions import db

if TYPE_CHECKING:
    from seminar_app.events.models import Event

agenda_item_speaker = Table(
    "agenda_item_speaker",
    db.metadata,
    Column("agenda_item_id", ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True),
)


class Speaker(db.Model):
    """A person speaking at one event; agenda items of that event refer to them."""

    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="speakers")
    agenda_items: Mapped[list[AgendaItem]] = relationship(secondary=agenda_item_speaker, back_populates="speakers")


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[AgendaItemKind] = mapped_column(
        db_enum(AgendaItemKind, "agenda_item_kind"), default=AgendaItemKind.TALK
    )

    event: Mapped[Event] = relationship(back_populates="agenda_items")
    speakers: Mapped[list[Speaker]] = relationship(
        secondary=agenda_item_speaker, back_populates="agenda_items", order_by="Speaker.name"
    )
    translations: Mapped[list[AgendaItemTranslation]] = relationship(
        back_populates="item", order_by="AgendaItemTranslation.language", cascade="all, delete-orphan"
    )

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.event.tz)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.event.tz)


class AgendaItemTranslation(db.Model):
    """An agenda item's title and description in one more language of its event."""

    __tablename__ = "agenda_item_translation"
    __table_args__ = (UniqueConstraint("item_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[AgendaItem] = relationship(back_populates="translations")
