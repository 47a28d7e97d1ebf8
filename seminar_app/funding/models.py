"""The funder's ledger's tables: rules per project, planned events, eligibility decisions,
evidence files and the log of rule changes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.enums import FundingModel
from seminar_app.extensions import db

if TYPE_CHECKING:
    from seminar_app.accounts.models import User
    from seminar_app.projects.models import Partner, Project


class FundingRules(db.Model):
    """A project's funding rules for multiplier events. One row per project; a project
    without a row uses the Erasmus+ 2014-2020 defaults (`funding.rules.DEFAULTS`)."""

    __tablename__ = "funding_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), unique=True)
    model: Mapped[str] = mapped_column(String(20), default=FundingModel.UNIT_COSTS.value)
    amount_local: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("100"))
    amount_international: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("200"))
    # None: no cap.
    cap: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    partner_staff_count: Mapped[bool] = mapped_column(default=False)
    # An online attendance imported from a platform's report counts from this many minutes.
    min_online_minutes: Mapped[int] = mapped_column(default=30)
    needs_signed_sheet: Mapped[bool] = mapped_column(default=True)
    needs_online_report: Mapped[bool] = mapped_column(default=True)
    needs_agenda: Mapped[bool] = mapped_column(default=True)
    needs_material: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship()


class FundingChange(db.Model):
    """One changed setting of a project's funding rules or plan: who, when, what, from and to.
    Kept for the project's evidence period, because the ledger's figures follow the rules."""

    __tablename__ = "funding_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")
    setting: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str] = mapped_column(String(200), default="")
    new_value: Mapped[str] = mapped_column(String(200), default="")


class PlannedEvent(db.Model):
    """A multiplier event promised in the application (E1, E2, ...). Delivered events point
    at it with `Event.planned_event_id`; one planned event may be delivered by several."""

    __tablename__ = "planned_event"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    # The first day of the planned month.
    planned_month: Mapped[date]
    format: Mapped[str] = mapped_column(String(20), default="in_person")
    planned_local: Mapped[int] = mapped_column(default=0)
    planned_international: Mapped[int] = mapped_column(default=0)
    budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship()
    partner: Mapped[Partner] = relationship()


class EligibilityDecision(db.Model):
    """An organiser's decision that a participant of an event is not eligible (or is again),
    with the reason. Every decision is kept; the newest per person and event applies. Holds
    no personal data of its own: the person is the registration's id, which survives erasure."""

    __tablename__ = "eligibility_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    eligible: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    decided_by: Mapped[User | None] = relationship()


class EvidenceFile(db.Model):
    """An uploaded evidence file of an event (a day's signed sheet, an online participant
    report, the agenda or material used). The bytes live in the database so that every node
    of a deployment serves them and backups carry them. A signed sheet is evidence for the
    funder: it stays when a person on it erases their data, until the project's evidence
    period ends (retention tier 2)."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The event day it proves (signed sheets and online reports), None for agenda and material.
    day: Mapped[date | None]
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    uploaded_by: Mapped[User | None] = relationship()
