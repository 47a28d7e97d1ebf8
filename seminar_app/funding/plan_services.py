"""The plan of multiplier events (E1, E2, ...) a project promised in its application, and the
links from delivered events to it. Managers of the project and administrators change it;
every change is kept in the project's funding change log and the audit log.

The project has no start and end date in the product, so a planned month must lie in
`plan_month_range`: from January 2014 (the first Erasmus+ call whose unit costs the ledger
applies) to the end of the tenth year from today. When projects gain a duration, that
function is the one place to narrow the range."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from seminar_app import geo
from seminar_app.accounts.models import User
from seminar_app.audit.models import AuditAction
from seminar_app.audit.services import record
from seminar_app.db_types import utcnow
from seminar_app.enums import EventFormat, EventStatus
from seminar_app.errors import Conflict, DomainError, NotAllowed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.models import FundingChange, PlannedEvent
from seminar_app.funding.rules_services import PLAN_SETTING_PREFIX, change_text, may_manage_funding
from seminar_app.projects.models import Partner, Project
from seminar_app.validation import FieldErrors

MAX_PARTICIPANTS = 100_000
MAX_BUDGET = Decimal("10000000")
FIRST_PLAN_YEAR = 2014
PLAN_YEARS_AHEAD = 10


@dataclass(frozen=True)
class PlanInput:
    """One planned event as entered or imported. `planned_month` is any day of the month."""

    code: str
    title: str
    partner_id: int | None
    country: str
    planned_month: date | None
    format: str
    planned_local: int | None
    planned_international: int | None
    budget: Decimal | None = None

    @classmethod
    def from_planned(cls, planned: PlannedEvent) -> PlanInput:
        return cls(**{f.name: getattr(planned, f.name) for f in fields(cls)})


def plan_month_range(project: Project) -> tuple[date, date]:
    """The first and last month (their first days) a planned event of `project` may fall in."""
    return date(FIRST_PLAN_YEAR, 1, 1), date(date.today().year + PLAN_YEARS_AHEAD, 12, 1)


def _month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def plan_errors(project: Project, data: PlanInput, *, planned_id: int | None = None) -> dict[str, list[str]]:
    """Every reason `data` cannot be saved in `project`'s plan (field -> messages); empty
    when it can. `planned_id`: the planned event being changed (its own code is no clash)."""
    errors = FieldErrors()
    code = data.code.strip()
    errors.require("code", code, _("Give the planned event a code, such as E1."), max_length=20)
    if code and len(code) <= 20:
        clash = select(PlannedEvent.id).where(
            PlannedEvent.project_id == project.id, func.lower(PlannedEvent.code) == code.lower()
        )
        if planned_id is not None:
            clash = clash.where(PlannedEvent.id != planned_id)
        if db.session.scalar(clash) is not None:
            errors.add("code", _("The plan already has an event with the code %(code)s.", code=code))
    errors.require("title", data.title, _("Give the planned event a title."), max_length=200)
    partner = db.session.get(Partner, data.partner_id) if data.partner_id is not None else None
    if partner is None or partner.project_id != project.id:
        errors.add("partner_id", _("Choose one of the project's partners."))
    if not geo.is_country(data.country):
        errors.add("country", _("Choose the country where the event takes place."))
    first, last = plan_month_range(project)
    if data.planned_month is None:
        errors.add("planned_month", _("Enter the planned month."))
    elif not first <= data.planned_month.replace(day=1) <= last:
        errors.add(
            "planned_month",
            _(
                "The month must lie within the project's duration (%(first)s to %(last)s).",
                first=_month_label(first),
                last=_month_label(last),
            ),
        )
    if data.format not in {f.value for f in EventFormat}:
        errors.add("format", _("Choose in person, online or hybrid."))
    for name in ("planned_local", "planned_international"):
        value = getattr(data, name)
        if value is None or not 0 <= value <= MAX_PARTICIPANTS:
            errors.add(
                name, _("Enter a number of participants from 0 to %(max)s.", max=format_decimal(MAX_PARTICIPANTS))
            )
    if data.budget is not None and (not data.budget.is_finite() or not 0 <= data.budget <= MAX_BUDGET):
        errors.add("budget", _("Enter an amount from 0 to %(max)s, or leave it empty.", max=format_decimal(MAX_BUDGET)))
    elif data.budget is not None and data.budget != data.budget.quantize(Decimal("0.01")):
        errors.add("budget", _("Use at most two decimals."))
    return errors.by_field


def _allowed(actor: User, project: Project) -> None:
    if not may_manage_funding(actor, project):
        raise NotAllowed(_("Only the project's managers and administrators may change its plan."))


def _log(project: Project, actor: User, code: str, what: str, old: object = "", new: object = "") -> None:
    db.session.add(
        FundingChange(
            project_id=project.id,
            changed_at=utcnow(),
            changed_by_id=actor.id,
            changed_by_name=actor.name,
            setting=f"{PLAN_SETTING_PREFIX}{code}:{what}"[:60],
            old_value=change_text(old),
            new_value=change_text(new),
        )
    )


def _shown(planned: PlannedEvent, name: str) -> object:
    """A field's value as the change log shows it (the partner by its short name)."""
    if name == "partner_id":
        partner = db.session.get(Partner, planned.partner_id)
        return partner.short_name if partner is not None else planned.partner_id
    value = getattr(planned, name)
    return _month_label(value) if name == "planned_month" else value


def _normalised(data: PlanInput) -> dict[str, object]:
    values = {f.name: getattr(data, f.name) for f in fields(PlanInput)}
    values["code"] = data.code.strip()
    values["title"] = " ".join(data.title.split())
    values["country"] = data.country.strip().upper()
    values["planned_month"] = data.planned_month.replace(day=1) if data.planned_month else None
    return values


def apply_plan_input(
    project: Project, data: PlanInput, *, actor: User, planned: PlannedEvent | None = None, audit: bool = True
) -> tuple[PlannedEvent, list[str]]:
    """Create (`planned` None) or change a planned event from checked `data`, logging each
    change (and, with `audit`, an audit entry per row: an import records one for the file);
    does not commit. Returns the row and the names of the fields that changed."""
    values = _normalised(data)
    if planned is None:
        planned = PlannedEvent(project_id=project.id, **values)
        db.session.add(planned)
        db.session.flush()
        _log(project, actor, planned.code, "added", "", planned.title)
        if audit:
            record(
                AuditAction.FUNDING_PLAN_CHANGED,
                actor=actor,
                project=project,
                target_id=planned.id,
                details={"code": planned.code, "change": "added"},
            )
        return planned, list(values)
    changed: list[str] = []
    for name, new in values.items():
        if change_text(getattr(planned, name)) == change_text(new):
            continue
        old = _shown(planned, name)
        setattr(planned, name, new)
        _log(project, actor, planned.code, name, old, _shown(planned, name))
        changed.append(name)
    if changed and audit:
        fields_named = [n.removesuffix("_id") for n in changed]
        record(
            AuditAction.FUNDING_PLAN_CHANGED,
            actor=actor,
            project=project,
            target_id=planned.id,
            details={"code": planned.code, "change": "changed", "fields": fields_named},
        )
    return planned, changed


def create_planned(project: Project, data: PlanInput, *, actor: User) -> PlannedEvent:
    """Add a planned event to the project's plan; commits. Raises `NotAllowed`, or
    `ValidationFailed` with the fields of `PlanInput`."""
    _allowed(actor, project)
    errors = FieldErrors()
    errors.by_field = plan_errors(project, data)
    errors.raise_if_any()
    planned, _changed = apply_plan_input(project, data, actor=actor)
    db.session.commit()
    return planned


def update_planned(planned: PlannedEvent, data: PlanInput, *, actor: User) -> list[str]:
    """Change a planned event; commits when anything changed. Returns the changed fields.
    Raises as `create_planned`; a refused change leaves the row as it was."""
    _allowed(actor, planned.project)
    errors = FieldErrors()
    errors.by_field = plan_errors(planned.project, data, planned_id=planned.id)
    errors.raise_if_any()
    _planned, changed = apply_plan_input(planned.project, data, actor=actor, planned=planned)
    db.session.commit()
    return changed


def delete_planned(planned: PlannedEvent, *, actor: User) -> int:
    """Delete a planned event; the events that delivered it are unlinked, not deleted.
    Returns how many were unlinked; commits."""
    project = planned.project
    _allowed(actor, project)
    unlinked = db.session.execute(
        update(Event).where(Event.planned_event_id == planned.id).values(planned_event_id=None)
    ).rowcount
    _log(project, actor, planned.code, "deleted", planned.title, "")
    record(
        AuditAction.FUNDING_PLAN_CHANGED,
        actor=actor,
        project=project,
        target_id=planned.id,
        details={"code": planned.code, "change": "deleted", "unlinked": int(unlinked or 0)},
    )
    db.session.delete(planned)
    db.session.commit()
    return int(unlinked or 0)


def link_event(event: Event, planned: PlannedEvent, *, actor: User) -> None:
    """Record that `event` delivers `planned` (a planned event may be delivered by several
    events, an event delivers at most one); commits. Raises `NotAllowed`, `DomainError`
    for an event of another project or a cancelled one, `Conflict` when the event already
    delivers another planned event (unlink it there first: nothing moves silently)."""
    _allowed(actor, planned.project)
    if event.partner.project_id != planned.project_id:
        raise DomainError(_("This event belongs to another project."), field="event_id", code="other_project")
    if event.status is EventStatus.CANCELLED:
        raise DomainError(_("A cancelled event delivers nothing."), field="event_id", code="cancelled")
    if event.planned_event_id == planned.id:
        return
    if event.planned_event_id is not None:
        current = db.session.get(PlannedEvent, event.planned_event_id)
        raise Conflict(
            _(
                "This event already delivers %(code)s. Unlink it there first.",
                code=current.code if current else "?",
            )
        )
    event.planned_event_id = planned.id
    _log(planned.project, actor, planned.code, "linked", "", event.title)
    record(
        AuditAction.FUNDING_EVENT_LINKED, actor=actor, event=event, target_id=planned.id, details={"code": planned.code}
    )
    db.session.commit()


def unlink_event(event: Event, *, actor: User) -> None:
    """Record that `event` delivers no planned event any more; commits (nothing to do when
    it delivered none). Raises `NotAllowed`."""
    if event.planned_event_id is None:
        return
    planned = db.session.get(PlannedEvent, event.planned_event_id)
    assert planned is not None
    _allowed(actor, planned.project)
    if event.partner.project_id != planned.project_id:  # a link made outside the services
        raise DomainError(_("This event belongs to another project."), field="event_id", code="other_project")
    event.planned_event_id = None
    _log(planned.project, actor, planned.code, "unlinked", event.title, "")
    record(
        AuditAction.FUNDING_EVENT_LINKED,
        actor=actor,
        event=event,
        target_id=planned.id,
        details={"code": planned.code, "unlinked": True},
    )
    db.session.commit()
