"""Who may act on what. Every id-taking route loads its object through these helpers,
so that another partner's ids answer 404 and never show data."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from seminar_app.accounts.models import User, user_partner, user_project
from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.privacy.models import PersonalDataGrant
from seminar_app.projects.models import Partner, Project

F = TypeVar("F", bound=Callable[..., Any])


def can_manage_partner(user: User, partner: Partner) -> bool:
    """Admins manage everything, managers every partner of their projects,
    organisers only the partners they act for."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.MANAGER:
        return any(p.id == partner.project_id for p in user.projects)
    return any(p.id == partner.id for p in user.partners)


def may_see_personal_data(user: User, partner: Partner) -> bool:
    """Whether `user` may see the names and contacts of `partner`'s attendees: administrators,
    the people who act for that partner, and managers of its project to whom the partner
    has granted access (`privacy.services.grant_personal_data`) and not revoked it. Other
    managers see counts only. Asked on every request, so a revocation takes effect at once."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role is Role.ADMIN or any(p.id == partner.id for p in user.partners):
        return True
    if user.role is not Role.MANAGER or not any(p.id == partner.project_id for p in user.projects):
        return False
    granted = select(PersonalDataGrant.id).where(
        PersonalDataGrant.partner_id == partner.id,
        PersonalDataGrant.user_id == user.id,
        PersonalDataGrant.revoked_at.is_(None),
    )
    return bool(db.session.scalar(select(granted.exists())))


def acts_for_partner(user: User, partner: Partner) -> bool:
    """Whether `user` acts for `partner` (or is an administrator): who may write to the
    partner's attendees, such as sending the feedback request. Managers follow, they do not send."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role is Role.ADMIN or any(p.id == partner.id for p in user.partners)


def may_use_contacts(user: User, partner: Partner) -> bool:
    """Contact lists are the partner's own: only the people who act for it (and admins) see
    them or send invitations to them. Managers see campaign figures, never the contacts."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role is Role.ADMIN or any(p.id == partner.id for p in user.partners)


def can_manage_project(user: User, project: Project) -> bool:
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.MANAGER and any(p.id == project.id for p in user.projects)


def manageable_partners(user: User) -> Select[tuple[Partner]]:
    """A query of the partners `user` may act for."""
    query = select(Partner).join(Partner.project).order_by(Project.acronym, Partner.short_name)
    if user.role is Role.ADMIN:
        return query
    if user.role is Role.MANAGER:
        project_ids = select(user_project.c.project_id).where(user_project.c.user_id == user.id)
        return query.where(Partner.project_id.in_(project_ids))
    partner_ids = select(user_partner.c.partner_id).where(user_partner.c.user_id == user.id)
    return query.where(Partner.id.in_(partner_ids))


def role_required(*roles: Role) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


admin_required = role_required(Role.ADMIN)


def partner_or_404(partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None or not can_manage_partner(current_user, partner):
        abort(404)
    return partner


def contacts_partner_or_404(partner_id: int) -> Partner:
    """The partner if the current user may use its contacts; 404 otherwise."""
    partner = db.session.get(Partner, partner_id)
    if partner is None or not may_use_contacts(current_user, partner):
        abort(404)
    return partner


def managed_event_or_404(event_id: int):  # type: ignore[no-untyped-def]
    """The event if the current user may manage it; 404 otherwise (existence is not revealed)."""
    from seminar_app.events.models import Event

    event = db.session.get(Event, event_id)
    if event is None or not can_manage_partner(current_user, event.partner):
        abort(404)
    return event
