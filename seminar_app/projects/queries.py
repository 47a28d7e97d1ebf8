"""Read-only queries about projects and partners, shared by the admin pages and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from seminar_app.extensions import db
from seminar_app.projects.models import Partner, PrivacyNotice, Project, ProjectResult


@dataclass(frozen=True)
class ShownNotice:
    """The text of a privacy notice version a reader gets, and the language it is in.
    `wanted` is the reader's language; `text_language != wanted` means a fallback."""

    notice: PrivacyNotice
    text: str
    text_language: str
    wanted: str

    @property
    def is_fallback(self) -> bool:
        return self.text_language != self.wanted


def shown_privacy_notice(notice: PrivacyNotice, language: str) -> ShownNotice:
    """The version's text in `language` if it has one, else its text in the language it was
    written in. Every page that shows a notice and every consent that records one asks
    this, so the consent names the language the person actually read."""
    if language == notice.language:
        return ShownNotice(notice, notice.text, notice.language, language)
    for translation in notice.texts:
        if translation.language == language:
            return ShownNotice(notice, translation.text, language, language)
    return ShownNotice(notice, notice.text, notice.language, language)


@dataclass
class ProjectRow:
    project: Project
    partner_count: int
    event_count: int


def projects_overview() -> list[ProjectRow]:
    """Every project with its number of partners and events, in three queries whatever the size."""
    from seminar_app.events.models import Event

    projects = list(
        db.session.scalars(select(Project).options(selectinload(Project.privacy_notices)).order_by(Project.acronym))
    )
    partners = dict(
        db.session.execute(select(Partner.project_id, func.count(Partner.id)).group_by(Partner.project_id)).all()
    )
    events = dict(
        db.session.execute(
            select(Partner.project_id, func.count(Event.id)).join(Event.partner).group_by(Partner.project_id)
        ).all()
    )
    return [ProjectRow(p, partners.get(p.id, 0), events.get(p.id, 0)) for p in projects]


def project_by_slug(slug: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.slug == slug.strip().lower()))


def partners_named(short_name: str, project_slug: str | None = None) -> list[Partner]:
    """Partners with this short name (case-insensitive), optionally only in one project."""
    query = select(Partner).join(Partner.project).where(func.lower(Partner.short_name) == short_name.strip().lower())
    if project_slug:
        query = query.where(Project.slug == project_slug.strip().lower())
    return list(db.session.scalars(query.order_by(Project.slug)))


def partners_of(project: Project | None = None) -> list[Partner]:
    """Partners of one project, or of every project, ordered by project then short name."""
    query = select(Partner).join(Partner.project).options(selectinload(Partner.project))
    if project is not None:
        query = query.where(Partner.project_id == project.id)
    return list(db.session.scalars(query.order_by(Project.acronym, Partner.short_name)))


def event_counts_by_partner(project: Project) -> dict[int, int]:
    from seminar_app.events.models import Event

    rows = db.session.execute(
        select(Event.partner_id, func.count(Event.id))
        .join(Event.partner)
        .where(Partner.project_id == project.id)
        .group_by(Event.partner_id)
    ).all()
    return dict(rows)  # type: ignore[arg-type]


def event_counts_by_result(project: Project) -> dict[int, int]:
    """How many events present each result of `project` (results nobody presents are absent)."""
    from seminar_app.events.models import event_result

    rows = db.session.execute(
        select(event_result.c.result_id, func.count(event_result.c.event_id))
        .join(ProjectResult, ProjectResult.id == event_result.c.result_id)
        .where(ProjectResult.project_id == project.id)
        .group_by(event_result.c.result_id)
    ).all()
    return dict(rows)  # type: ignore[arg-type]


def events_on_legal_hold() -> Select[tuple[int]]:
    """The ids of the events of projects on legal hold, as a subquery-ready SELECT: every
    purge (retention tiers, access needs, invitees, delivered mail) leaves them alone."""
    from seminar_app.events.models import Event

    held_partners = select(Partner.id).join(Partner.project).where(Project.legal_hold.is_(True))
    return select(Event.id).where(Event.partner_id.in_(held_partners))
