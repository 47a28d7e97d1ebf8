"""Reading the audit log: who may see which entries, the filters, and one page of entries.

An administrator reads every entry; a manager the entries of their projects; an organiser
those of the partners they act for. Entries about accounts belong to no project, so only
administrators read them. Every page costs the same few queries whatever the log's size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import joinedload

from seminar_app.accounts.models import User, user_partner, user_project
from seminar_app.accounts.permissions import manageable_partners
from seminar_app.audit.models import ACTIONS, AuditAction, AuditEntry
from seminar_app.converters import DB_INT_MAX, query_text
from seminar_app.enums import Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project

PAGE_SIZE = 50
# The event filter lists one partner's events; a partner with more shows the latest.
MAX_EVENT_CHOICES = 500


@dataclass
class AuditFilters:
    """What the reader asked for; `errors` (field -> message) for values that make no sense."""

    project_id: int | None = None
    partner_id: int | None = None
    event_id: int | None = None
    action: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def as_args(self) -> dict[str, str]:
        """The filters as query-string values, for links to other pages and the CSV."""
        values = {
            "project": self.project_id,
            "partner": self.partner_id,
            "event": self.event_id,
            "action": self.action,
            "actor": self.actor,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {key: str(value) for key, value in values.items() if value}


def _id(args: Mapping[str, str], name: str, errors: dict[str, str], message: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if raw.isdigit() and 1 <= int(raw) <= DB_INT_MAX:
        return int(raw)
    errors[name] = message
    return None


def _date(args: Mapping[str, str], name: str, errors: dict[str, str]) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Give a date as YYYY-MM-DD, for example 2026-03-31.")
        return None


def parse_filters(args: Mapping[str, str]) -> AuditFilters:
    """The filters in a query string. Values of the wrong shape are reported in `errors`,
    never raised; whether the reader may use an id is `check_visible`'s business."""
    errors: dict[str, str] = {}
    filters = AuditFilters(
        project_id=_id(args, "project", errors, _("Choose a project from the list.")),
        partner_id=_id(args, "partner", errors, _("Choose a partner from the list.")),
        event_id=_id(args, "event", errors, _("Choose an event from the list.")),
        actor=query_text(args.get("actor"), 254).strip(),
        since=_date(args, "since", errors),
        until=_date(args, "until", errors),
        errors=errors,
    )
    action = (args.get("action") or "").strip()
    if action and action not in ACTIONS:
        errors["action"] = _("Choose an action from the list.")
    else:
        filters.action = action
    if filters.since and filters.until and filters.until < filters.since:
        errors["until"] = _("The end of the period must not be before its start.")
    return filters


def visible_projects(viewer: User) -> Select[tuple[Project]]:
    """The projects whose entries `viewer` may read (organisers: their partners' projects)."""
    query = select(Project).order_by(Project.acronym)
    if viewer.role is Role.ADMIN:
        return query
    if viewer.role is Role.MANAGER:
        return query.where(Project.id.in_(select(user_project.c.project_id).where(user_project.c.user_id == viewer.id)))
    partner_projects = select(Partner.project_id).where(
        Partner.id.in_(select(user_partner.c.partner_id).where(user_partner.c.user_id == viewer.id))
    )
    return query.where(Project.id.in_(partner_projects))


def visible_partners(viewer: User) -> Select[tuple[Partner]]:
    return manageable_partners(viewer)


def partner_events(partner_id: int) -> list[Event]:
    """The events offered by the event filter once a partner is chosen, latest first."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.partner_id == partner_id)
            .order_by(Event.starts_at.desc())
            .limit(MAX_EVENT_CHOICES)
        )
    )


def check_visible(viewer: User, filters: AuditFilters) -> bool:
    """Whether every id in `filters` names something `viewer` may read (an id that does not
    exist counts as not visible, so another partner's ids reveal nothing)."""
    if filters.project_id is not None:
        found = db.session.scalar(visible_projects(viewer).where(Project.id == filters.project_id))
        if found is None:
            return False
    if filters.partner_id is not None:
        found = db.session.scalar(visible_partners(viewer).where(Partner.id == filters.partner_id))
        if found is None:
            return False
    if filters.event_id is not None:
        partner_ids = visible_partners(viewer).with_only_columns(Partner.id).order_by(None)
        found = db.session.scalar(
            select(Event.id).where(Event.id == filters.event_id, Event.partner_id.in_(partner_ids))
        )
        if found is None:
            return False
    return True


def _scope(viewer: User | None) -> ColumnElement[bool] | None:
    if viewer is None or viewer.role is Role.ADMIN:
        return None
    if viewer.role is Role.MANAGER:
        return AuditEntry.project_id.in_(select(user_project.c.project_id).where(user_project.c.user_id == viewer.id))
    return AuditEntry.partner_id.in_(select(user_partner.c.partner_id).where(user_partner.c.user_id == viewer.id))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def entries_query(viewer: User | None, filters: AuditFilters) -> Select[tuple[AuditEntry]]:
    """The entries `viewer` may read (None: the operator's command line, every entry) that
    match `filters`, newest first, with what their descriptions name loaded in the same
    query. Dates are UTC days, both ends included."""
    query = (
        select(AuditEntry)
        .options(
            joinedload(AuditEntry.actor),
            joinedload(AuditEntry.event),
            joinedload(AuditEntry.partner),
            joinedload(AuditEntry.project),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    scope = _scope(viewer)
    if scope is not None:
        query = query.where(scope)
    if filters.project_id is not None:
        query = query.where(AuditEntry.project_id == filters.project_id)
    if filters.partner_id is not None:
        query = query.where(AuditEntry.partner_id == filters.partner_id)
    if filters.event_id is not None:
        query = query.where(AuditEntry.event_id == filters.event_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor:
        query = query.where(func.lower(AuditEntry.actor_email).contains(filters.actor.lower(), autoescape=True))
    if filters.since is not None:
        query = query.where(AuditEntry.at >= _start_of(filters.since))
    if filters.until is not None:
        query = query.where(AuditEntry.at < _start_of(filters.until + timedelta(days=1)))
    return query


def entries_page(viewer: User, filters: AuditFilters, page: int) -> Pagination:
    return db.paginate(entries_query(viewer, filters), page=page, per_page=PAGE_SIZE, error_out=False)


_USER_ACTIONS = {a for a in ACTIONS if a.startswith("user.")}
_GRANT_ACTIONS = {AuditAction.GRANT_GIVEN, AuditAction.GRANT_REVOKED}


def visible_actions(viewer: User) -> list[str]:
    """The actions `viewer` can filter by: account entries belong to no project, so they are
    the administrators' alone."""
    return [action for action in ACTIONS if viewer.is_admin or action not in _USER_ACTIONS]


def people_named(entries: list[AuditEntry]) -> dict[int, str]:
    """The names of the accounts that entries act on (a user's account, a grant's manager),
    by id, in one query. Accounts are staff; registrants are never named."""
    ids: set[int] = set()
    for entry in entries:
        if entry.action in _USER_ACTIONS and entry.target_id is not None:
            ids.add(entry.target_id)
        elif entry.action in _GRANT_ACTIONS and isinstance(entry.details.get("manager_id"), int):
            ids.add(entry.details["manager_id"])
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all())


def detail(entry: AuditEntry, key: str, default: Any = None) -> Any:
    return (entry.details or {}).get(key, default)
