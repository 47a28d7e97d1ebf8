"""Read-only views for the Data access page: the project's managers with their grants, and
the log of downloads of the partner's personal data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from seminar_app.accounts.models import User, user_project
from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.privacy.models import PersonalDataAccess, PersonalDataGrant
from seminar_app.projects.models import Partner

LOG_PAGE_SIZE = 200


@dataclass
class ManagerAccess:
    manager: User
    grant: PersonalDataGrant | None  # the active grant, if any


def managers_with_grants(partner: Partner) -> list[ManagerAccess]:
    """Every manager of the partner's project, by name, with the partner's active grant to
    them. Two queries whatever the number of managers."""
    managers = db.session.scalars(
        select(User)
        .join(user_project, user_project.c.user_id == User.id)
        .where(user_project.c.project_id == partner.project_id, User.role == Role.MANAGER)
        .order_by(User.name, User.id)
    ).all()
    grants = db.session.scalars(
        select(PersonalDataGrant)
        .where(PersonalDataGrant.partner_id == partner.id, PersonalDataGrant.revoked_at.is_(None))
        .options(selectinload(PersonalDataGrant.granted_by))
    ).all()
    by_manager = {g.user_id: g for g in grants}
    return [ManagerAccess(m, by_manager.get(m.id)) for m in managers]


def grant_of_partner(partner: Partner, grant_id: int) -> PersonalDataGrant | None:
    """The grant with this id if `partner` gave it (never another partner's)."""
    return db.session.scalar(
        select(PersonalDataGrant).where(PersonalDataGrant.id == grant_id, PersonalDataGrant.partner_id == partner.id)
    )


def access_log(partner: Partner, limit: int = LOG_PAGE_SIZE) -> list[PersonalDataAccess]:
    """The latest downloads of the partner's personal data, newest first."""
    return list(
        db.session.scalars(
            select(PersonalDataAccess)
            .where(PersonalDataAccess.partner_id == partner.id)
            .options(selectinload(PersonalDataAccess.event))
            .order_by(PersonalDataAccess.at.desc(), PersonalDataAccess.id.desc())
            .limit(limit)
        )
    )


def access_count(partner: Partner) -> int:
    return db.session.scalar(select(func.count()).where(PersonalDataAccess.partner_id == partner.id)) or 0
