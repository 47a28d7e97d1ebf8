from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.enums import LegalBasis, SuppressionReason, db_enum
from seminar_app.extensions import db
from seminar_app.projects.models import Partner
from seminar_app.textsearch import fold


def normalise_email(address: str) -> str:
    """The form addresses are compared in: trimmed and lower-cased (what people mean by "the same address")."""
    return address.strip().lower()


def email_hash(address: str) -> str:
    """A fixed-length fingerprint of an address for the suppression list.

    A plain SHA-256 rather than an HMAC with SECRET_KEY: a suppression must outlive a
    rotated key, and the list must not keep the address itself once its data is erased."""
    return hashlib.sha256(f"seminar-app-suppression:{normalise_email(address)}".encode()).hexdigest()


contact_list_member = Table(
    "contact_list_member",
    db.metadata,
    Column("list_id", ForeignKey("contact_list.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ContactList(db.Model):
    """A named list of one partner's contacts (a contact can be on several lists)."""

    __tablename__ = "contact_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    partner: Mapped[Partner] = relationship()
    contacts: Mapped[list[Contact]] = relationship(secondary=contact_list_member, back_populates="lists")


class Contact(db.Model):
    """A stakeholder a partner may invite. One row per partner and address (imports merge
    into it); `source` and `legal_basis` say where it came from and why the partner may
    hold it. Invisible to every other partner."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("partner_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    stakeholder_group: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    legal_basis: Mapped[LegalBasis] = mapped_column(db_enum(LegalBasis, "legal_basis"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Name, address and organisation without case or accents, kept by `_fold_for_search`.
    search_text: Mapped[str] = mapped_column(Text, default="")

    partner: Mapped[Partner] = relationship()
    lists: Mapped[list[ContactList]] = relationship(secondary=contact_list_member, back_populates="contacts")


@event.listens_for(Contact, "before_insert")
@event.listens_for(Contact, "before_update")
def _fold_for_search(_mapper: object, _connection: object, contact: Contact) -> None:
    contact.search_text = fold("\n".join((contact.name or "", contact.email or "", contact.organisation or "")))


class Suppression(db.Model):
    """An address (kept only as `email_hash`) that no campaign of the project may invite:
    it unsubscribed, or its data was erased on request. Survives the contact's deletion
    and any re-import."""

    __tablename__ = "suppression"
    __table_args__ = (UniqueConstraint("project_id", "email_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    email_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[SuppressionReason] = mapped_column(db_enum(SuppressionReason, "suppression_reason"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
