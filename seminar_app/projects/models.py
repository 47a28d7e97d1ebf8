from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.extensions import db

if TYPE_CHECKING:
    from seminar_app.accounts.models import User
    from seminar_app.events.models import Event


_AUDIENCE_CODES = frozenset(
    ("researchers", "law_enforcement", "prison_probation", "ngo_community", "policy_makers", "students", "other")
)


class Project(db.Model):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str] = mapped_column(String(40))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    funding_programme: Mapped[str] = mapped_column(String(200), default="")
    grant_number: Mapped[str] = mapped_column(String(80), default="")
    funding_statement: Mapped[str] = mapped_column(Text, default="")
    disclaimer: Mapped[str] = mapped_column(Text, default="")
    # Which official statement goes next to the EU emblem: "co_funded" or "funded"
    # (seminar_app.projects.eu_wording.FundingKind); the grant agreement says which.
    funding_kind: Mapped[str] = mapped_column(String(16), default="co_funded", server_default="co_funded")
    # Named in the official disclaimer ("EACEA", a national agency); empty: "the granting authority".
    granting_authority: Mapped[str] = mapped_column(String(200), default="", server_default="")
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    # Feedback results with fewer answers than this are shown as counts only (anonymity).
    feedback_min_answers: Mapped[int] = mapped_column(default=5, server_default="5")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Feeds name the project: their Last-Modified follows this.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Retention (seminar_app.privacy.retention): operational personal data goes this many
    # days after each event ends (None: the OPERATIONAL_RETENTION_DAYS setting); the funder's
    # evidence is kept until `evidence_kept_until` (None: kept, no date set yet); a legal
    # hold stops every purge of the project's data while it is on.
    operational_retention_days: Mapped[int | None]
    evidence_kept_until: Mapped[date | None]
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    legal_hold_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    legal_hold_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_hold_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    legal_hold_set_by: Mapped[User | None] = relationship(foreign_keys=[legal_hold_set_by_id])

    partners: Mapped[list[Partner]] = relationship(
        back_populates="project", order_by="Partner.country, Partner.short_name"
    )
    results: Mapped[list[ProjectResult]] = relationship(
        back_populates="project", order_by="ProjectResult.code", cascade="all, delete-orphan"
    )
    stakeholder_groups: Mapped[list[StakeholderGroup]] = relationship(
        back_populates="project", order_by="StakeholderGroup.position", cascade="all, delete-orphan"
    )
    privacy_notices: Mapped[list[PrivacyNotice]] = relationship(
        back_populates="project", order_by="PrivacyNotice.version", cascade="all, delete-orphan"
    )

    @property
    def current_privacy_notice(self) -> PrivacyNotice | None:
        return self.privacy_notices[-1] if self.privacy_notices else None

    def __repr__(self) -> str:
        return f"<Project {self.slug}>"


class PrivacyNotice(db.Model):
    """One version of a project's privacy notice; versions are never edited, only added,
    so that every consent can name the exact text the person saw (version and language).

    `text` is written in `language` (the project's default language when it was
    published); `texts` are the same version in other languages, added one by one.
    """

    __tablename__ = "privacy_notice"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="privacy_notices")
    texts: Mapped[list[PrivacyNoticeText]] = relationship(
        back_populates="notice", order_by="PrivacyNoticeText.language", cascade="all, delete-orphan"
    )

    @property
    def languages(self) -> list[str]:
        """Every language this version can be read in, its own first."""
        return [self.language, *(t.language for t in self.texts)]


class PrivacyNoticeText(db.Model):
    """One version of a privacy notice in one more language. Like the version itself it is
    never edited once added: a correction is a new version."""

    __tablename__ = "privacy_notice_text"
    __table_args__ = (UniqueConstraint("notice_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notice.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[PrivacyNotice] = relationship(back_populates="texts")


class StakeholderGroup(db.Model):
    """A group registrants say they belong to (reported to the funder); each project keeps its own list."""

    __tablename__ = "stakeholder_group"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    project: Mapped[Project] = relationship(back_populates="stakeholder_groups")

    @property
    def display_label(self) -> str:
        """The label for the reader: a standard group whose label was left as created (English)
        is shown in the reader's language through the catalogue; a label the project wrote
        itself is its own data and shown as written."""
        return group_label(self.code, self.label)


def group_label(code: str, stored: str) -> str:
    """`StakeholderGroup.display_label` for a code and stored label read without the model."""
    from seminar_app.enums import TargetAudience

    if code in _AUDIENCE_CODES and stored == TargetAudience(code).source_label:
        return TargetAudience(code).label
    return stored


class ProjectResult(db.Model):
    __tablename__ = "project_result"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    work_package: Mapped[str] = mapped_column(String(40), default="")

    project: Mapped[Project] = relationship(back_populates="results")

    @property
    def label(self) -> str:
        return f"{self.code} – {self.title}"


class Partner(db.Model):
    __tablename__ = "partner"
    __table_args__ = (UniqueConstraint("project_id", "short_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    contact_email: Mapped[str] = mapped_column(String(254))
    # Feeds and calendar entries name the partner: their Last-Modified follows this.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="partners")
    events: Mapped[list[Event]] = relationship(back_populates="partner")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __repr__(self) -> str:
        return f"<Partner {self.short_name}>"
