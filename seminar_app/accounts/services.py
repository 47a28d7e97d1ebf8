"""Accounts: authentication and user management."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.audit import services as audit
from seminar_app.audit.models import AuditAction
from seminar_app.db_types import utcnow
from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project
from seminar_app.validation import FieldErrors, is_email

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200

# Checked against when the e-mail is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Records the log-in time."""
    global _DUMMY_HASH
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        if _DUMMY_HASH is None:
            dummy = User()
            dummy.set_password("not-a-password")
            _DUMMY_HASH = dummy.password_hash
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def user_for_session(session_id: str) -> User | None:
    """The active user a session or remember cookie stands for (`User.get_id`), or None when
    that session was ended since: by logging out, a new password or deactivation."""
    user_id, _colon, token = session_id.partition(":")
    if not (user_id.isdigit() and len(user_id) <= 18 and token):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Log `user` out everywhere: every session and remember cookie issued so far stops working."""
    user.end_sessions()
    db.session.commit()


@dataclass
class UserInput:
    """An account as an administrator enters it. `password` empty on update keeps the old one.
    Partners count only for organisers and projects only for managers; the others are dropped."""

    email: str
    name: str
    role: Role
    partner_ids: list[int] = field(default_factory=list)
    project_ids: list[int] = field(default_factory=list)
    active: bool = True
    password: str = ""

    @classmethod
    def from_user(cls, user: User) -> UserInput:
        return cls(
            email=user.email,
            name=user.name,
            role=user.role,
            partner_ids=[p.id for p in user.partners],
            project_ids=[p.id for p in user.projects],
            active=user.active,
        )


def _other_active_admins(user_id: int | None) -> int:
    query = select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    if user_id is not None:
        query = query.where(User.id != user_id)
    return db.session.scalar(query) or 0


def _check_user(
    data: UserInput, *, user: User | None, password_required: bool
) -> tuple[str, list[Partner], list[Project]]:
    errors = FieldErrors()
    email = data.email.strip().lower()
    if not is_email(email):
        errors.add("email", _("Give a valid e-mail address."))
    else:
        query = select(User.id).where(func.lower(User.email) == email)
        if user is not None:
            query = query.where(User.id != user.id)
        if db.session.scalar(query) is not None:
            errors.add("email", _("Another account already uses %(email)s.", email=email))
    errors.require("name", data.name, _("Give the person's name."), max_length=200)

    partners: list[Partner] = []
    projects: list[Project] = []
    if data.role is Role.ORGANISER:
        ids = set(data.partner_ids)
        partners = list(db.session.scalars(select(Partner).where(Partner.id.in_(ids)))) if ids else []
        if len(partners) != len(ids):
            errors.add("partner_ids", _("Choose partners from the list."))
        elif not partners:
            errors.add("partner_ids", _("An organiser must act for at least one partner."))
    elif data.role is Role.MANAGER:
        ids = set(data.project_ids)
        projects = list(db.session.scalars(select(Project).where(Project.id.in_(ids)))) if ids else []
        if len(projects) != len(ids):
            errors.add("project_ids", _("Choose projects from the list."))
        elif not projects:
            errors.add("project_ids", _("A manager must manage at least one project."))

    if data.password or password_required:
        if len(data.password) < MIN_PASSWORD_LENGTH:
            errors.add(
                "password",
                ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_PASSWORD_LENGTH),
            )
        elif len(data.password) > MAX_PASSWORD_LENGTH:
            errors.add(
                "password",
                ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", MAX_PASSWORD_LENGTH),
            )

    if user is not None and user.role is Role.ADMIN and user.active and not _other_active_admins(user.id):
        if data.role is not Role.ADMIN:
            errors.add("role", _("This is the last active administrator: make someone else an administrator first."))
        if not data.active:
            errors.add("active", _("This is the last active administrator: it cannot be deactivated."))
    errors.raise_if_any()
    return email, partners, projects


def _apply_user(user: User, data: UserInput, email: str, partners: list[Partner], projects: list[Project]) -> None:
    user.email = email
    user.name = data.name.strip()
    user.role = data.role
    if user.active and not data.active:
        user.end_sessions()
    user.active = data.active
    user.partners = sorted(partners, key=lambda p: p.short_name)
    user.projects = sorted(projects, key=lambda p: p.acronym)
    if data.password:
        user.set_password(data.password)


def create_user(data: UserInput, *, actor: User | None = None) -> User:
    """Create an account. The e-mail is unique (case-insensitive) and stored lower-case; the
    password has at least 12 characters; an organiser acts for at least one partner, a manager
    manages at least one project. Raises `ValidationFailed`."""
    email, partners, projects = _check_user(data, user=None, password_required=True)
    user = User()
    _apply_user(user, data, email, partners, projects)
    db.session.add(user)
    db.session.flush()
    audit.record(
        AuditAction.USER_CREATED,
        actor=actor,
        target_id=user.id,
        details={
            "role": user.role.value,
            "partner_ids": [p.id for p in user.partners],
            "project_ids": [p.id for p in user.projects],
        },
    )
    db.session.commit()
    return user


def update_user(user: User, data: UserInput, *, actor: User | None = None) -> User:
    """Change an account; an empty password keeps the current one. A new password or
    deactivation ends the account's sessions everywhere. The last active administrator
    can be neither demoted nor deactivated, so the installation is never left without one.
    Raises `ValidationFailed`."""
    email, partners, projects = _check_user(data, user=user, password_required=False)
    before = _AccountState.of(user)
    _apply_user(user, data, email, partners, projects)
    _audit_changes(user, before, password_reset=bool(data.password), actor=actor)
    db.session.commit()
    return user


@dataclass(frozen=True)
class _AccountState:
    email: str
    name: str
    role: Role
    active: bool
    partner_ids: frozenset[int]
    project_ids: frozenset[int]

    @classmethod
    def of(cls, user: User) -> _AccountState:
        return cls(
            user.email,
            user.name,
            user.role,
            user.active,
            frozenset(p.id for p in user.partners),
            frozenset(p.id for p in user.projects),
        )


def _audit_changes(user: User, before: _AccountState, *, password_reset: bool, actor: User | None) -> None:
    """One audit entry per kind of change an administrator made to the account."""
    after = _AccountState.of(user)

    def log(action: str, **details: object) -> None:
        audit.record(action, actor=actor, target_id=user.id, details=details)

    changed = [name for name in ("email", "name") if getattr(before, name) != getattr(after, name)]
    if changed:
        log(AuditAction.USER_CHANGED, fields=changed)
    if before.role is not after.role:
        log(AuditAction.USER_ROLE_CHANGED, old=before.role.value, new=after.role.value)
    if (before.partner_ids, before.project_ids) != (after.partner_ids, after.project_ids):
        log(
            AuditAction.USER_ACCESS_CHANGED,
            partners_added=sorted(after.partner_ids - before.partner_ids),
            partners_removed=sorted(before.partner_ids - after.partner_ids),
            projects_added=sorted(after.project_ids - before.project_ids),
            projects_removed=sorted(before.project_ids - after.project_ids),
        )
    if password_reset:
        log(AuditAction.USER_PASSWORD_RESET)
    if before.active and not after.active:
        log(AuditAction.USER_DEACTIVATED)
    elif after.active and not before.active:
        log(AuditAction.USER_REACTIVATED)
