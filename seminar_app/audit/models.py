"""One row per action that matters in a dispute or a funder audit.

An entry names its actor by id and also copies the actor's e-mail and role, so it still
says who acted after the account is gone. Its `details` hold ids, counts, changed field
names and old/new statuses, never a registrant's name, e-mail or access needs: the log
outlives an erasure without keeping what the erasure removed. Entries are never edited;
they are deleted only with the project's evidence (`services.purge_for_project`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.extensions import db

if TYPE_CHECKING:
    from seminar_app.accounts.models import User
    from seminar_app.events.models import Event
    from seminar_app.projects.models import Partner, Project


class AuditAction:
    """The fixed vocabulary of `AuditEntry.action`."""

    EVENT_CREATED = "event.created"
    EVENT_CHANGED = "event.changed"
    EVENT_PUBLISHED = "event.published"
    EVENT_POSTPONED = "event.postponed"
    EVENT_CANCELLED = "event.cancelled"
    EVENT_DELIVERED = "event.delivered"
    EVENT_DELETED = "event.deleted"
    REGISTRATION_ADDED = "registration.added"
    REGISTRATION_APPROVED = "registration.approved"
    REGISTRATION_DECLINED = "registration.declined"
    REGISTRATION_PROMOTED = "registration.promoted"
    REGISTRATION_CANCELLED = "registration.cancelled"
    REGISTRATION_ERASED = "registration.erased"
    ATTENDANCE_RECORDED = "attendance.recorded"
    ATTENDANCE_IMPORTED = "attendance.imported"
    ATTENDANCE_UNDONE = "attendance.undone"
    EVIDENCE_UPLOADED = "evidence.uploaded"
    EVIDENCE_DELETED = "evidence.deleted"
    ELIGIBILITY_EXCLUDED = "eligibility.excluded"
    ELIGIBILITY_RESTORED = "eligibility.restored"
    GRANT_GIVEN = "grant.given"
    GRANT_REVOKED = "grant.revoked"
    EXPORT_PERSONAL_DATA = "export.personal_data"
    USER_CREATED = "user.created"
    USER_CHANGED = "user.changed"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_ACCESS_CHANGED = "user.access_changed"
    USER_PASSWORD_RESET = "user.password_reset"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    FUNDING_RULES_CHANGED = "funding.rules_changed"
    FUNDING_PLAN_CHANGED = "funding.plan_changed"
    FUNDING_PLAN_IMPORTED = "funding.plan_imported"
    FUNDING_EVENT_LINKED = "funding.event_linked"


ACTIONS: tuple[str, ...] = tuple(
    value for name, value in vars(AuditAction).items() if name.isupper() and isinstance(value, str)
)


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_partner_at", "partner_id", "at"),
        Index("ix_audit_entry_project_at", "project_id", "at"),
        Index("ix_audit_entry_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Copied so that the entry still names the actor after the account is gone.
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    actor_role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    # A deleted draft keeps its entries (its title is in their details).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    # The registration, user or grant acted on, as `action` says; no foreign key, as it may be gone.
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
    project: Mapped[Project | None] = relationship()
    partner: Mapped[Partner | None] = relationship()
    event: Mapped[Event | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} by {self.actor_email or '-'}>"
