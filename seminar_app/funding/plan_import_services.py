"""Importing a plan file: a preview of what each row would do (new, update of the planned
event with the same code, unchanged, or refused with the reason), nothing saved; then the
confirmed import of the valid rows in one transaction. The rows read travel between the two
steps signed and tied to the project, so the file is neither uploaded twice nor trusted
from the browser, and no state is kept on the server. A refused row changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from seminar_app.accounts.models import User
from seminar_app.audit.models import AuditAction
from seminar_app.audit.services import record
from seminar_app.errors import Conflict, DomainError, NotAllowed
from seminar_app.extensions import db
from seminar_app.funding.models import PlannedEvent
from seminar_app.funding.plan_import import PlanTable, fold
from seminar_app.funding.plan_rows import PlanRow, read_plan_row
from seminar_app.funding.plan_services import PlanInput, apply_plan_input, plan_errors
from seminar_app.funding.rules_services import change_text, may_manage_funding
from seminar_app.projects.models import Partner, Project

PREVIEW_MAX_AGE = 3 * 3600
NEW, UPDATE, UNCHANGED, REFUSED = "new", "update", "unchanged", "refused"
# PlanInput's fields as the file's columns are named (the reasons a row is refused name them).
_COLUMN_NAMES = {
    "partner_id": "partner",
    "planned_month": "month",
    "planned_local": "local",
    "planned_international": "international",
}


class StalePlanPreview(DomainError):
    code = "stale_preview"


@dataclass
class PreviewRow:
    line: int
    code: str
    title: str
    status: str
    reasons: list[str] = field(default_factory=list)
    data: PlanInput | None = None
    planned: PlannedEvent | None = None  # the planned event an update changes


@dataclass
class PlanPreview:
    rows: list[PreviewRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def importable(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.status in (NEW, UPDATE)]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="funding-plan-import")


def sign_plan(project: Project, table: PlanTable) -> str:
    return _serializer().dumps({"p": project.id, "k": table.kind, "r": [[line, row] for line, row in table.rows]})


def read_signed_plan(project: Project, payload: str) -> PlanTable:
    """What `sign_plan` signed for this project. Raises `StalePlanPreview` for anything
    altered, expired (after 3 hours) or made for another project."""
    stale = StalePlanPreview(_("This preview has expired or was not made for this project. Upload the file again."))
    try:
        data = _serializer().loads(payload or "", max_age=PREVIEW_MAX_AGE)
        if data["p"] != project.id:
            raise stale
        rows = [(int(line), {str(k): str(v) for k, v in row.items()}) for line, row in data["r"]]
        return PlanTable(str(data["k"]), rows)
    except (BadData, KeyError, TypeError, ValueError, AttributeError):
        raise stale from None


def _partner_finder(project: Project) -> dict[str, Partner]:
    partners = db.session.scalars(select(Partner).where(Partner.project_id == project.id)).all()
    names: dict[str, Partner] = {}
    for partner in partners:  # a short name wins over another partner's full name
        names.setdefault(fold(partner.name), partner)
    for partner in partners:
        names[fold(partner.short_name)] = partner
    return names


def _input(row: PlanRow, partner: Partner | None) -> PlanInput:
    return PlanInput(
        code=row.code,
        title=row.title,
        partner_id=partner.id if partner else None,
        country=row.country or (partner.country if partner else ""),
        planned_month=row.month,
        format=row.format,
        planned_local=row.local,
        planned_international=row.international,
        budget=row.budget,
    )


def _same(planned: PlannedEvent, data: PlanInput) -> bool:
    current = PlanInput.from_planned(planned)
    return all(
        change_text(getattr(current, name)) == change_text(getattr(data, name))
        for name in ("title", "partner_id", "country", "format", "planned_local", "planned_international", "budget")
    ) and current.planned_month == (data.planned_month.replace(day=1) if data.planned_month else None)


def preview_plan_import(project: Project, table: PlanTable) -> PlanPreview:
    """What importing `table` would do, nothing saved. A row is refused for an unknown
    partner, a code already used by an earlier row of the file, numbers that are negative
    or absurd, a month outside the project's duration or a value that cannot be read; a
    row whose code exists updates that planned event. An empty country is the partner's."""
    partners = _partner_finder(project)
    existing = {
        p.code.lower(): p for p in db.session.scalars(select(PlannedEvent).where(PlannedEvent.project_id == project.id))
    }
    seen: dict[str, int] = {}
    rows: list[PreviewRow] = []
    for line, values in table.rows:
        row = read_plan_row(line, values)
        reasons = list(row.problems)
        partner = partners.get(fold(row.partner)) if row.partner else None
        if row.partner and partner is None:
            reasons.append(_("the partner “%(name)s” is not a partner of this project", name=row.partner[:60]))
        key = row.code.lower()
        if key and key in seen:
            reasons.append(_("the code %(code)s is used on line %(line)d already", code=row.code[:20], line=seen[key]))
        elif key:
            seen[key] = line
        planned = existing.get(key)
        data = _input(row, partner)
        if not reasons:
            for name, messages in plan_errors(project, data, planned_id=planned.id if planned else None).items():
                reasons.extend(f"{_COLUMN_NAMES.get(name, name)}: {m[:1].lower()}{m[1:].rstrip('.')}" for m in messages)
        if reasons:
            rows.append(PreviewRow(line, row.code[:20], row.title[:200], REFUSED, reasons))
        elif planned is None:
            rows.append(PreviewRow(line, row.code, row.title, NEW, data=data))
        else:
            data = replace(data, code=planned.code)  # "e1" in the file updates E1, and keeps its code
            status = UNCHANGED if _same(planned, data) else UPDATE
            rows.append(PreviewRow(line, row.code, row.title, status, data=data, planned=planned))
    return PlanPreview(rows)


def apply_plan_import(project: Project, table: PlanTable, *, actor: User) -> PlanPreview:
    """Import the rows `preview_plan_import` finds valid at this moment, all in one
    transaction: new planned events are created, existing codes updated (each change in
    the funding change log), refused rows left out. Returns the preview applied. Raises
    `NotAllowed`, `DomainError` when no row can be imported, `Conflict` when the plan
    changed meanwhile in a way that clashes."""
    if not may_manage_funding(actor, project):
        raise NotAllowed(_("Only the project's managers and administrators may change its plan."))
    preview = preview_plan_import(project, table)
    if not preview.importable:
        raise DomainError(_("No row of this file would change the plan."), code="nothing_to_import")
    try:
        for row in preview.importable:
            assert row.data is not None
            apply_plan_input(project, row.data, actor=actor, planned=row.planned, audit=False)
        record(
            AuditAction.FUNDING_PLAN_IMPORTED,
            actor=actor,
            project=project,
            details={"new": preview.count(NEW), "updated": preview.count(UPDATE), "refused": preview.count(REFUSED)},
        )
        db.session.commit()
    except IntegrityError:  # a planned event with one of these codes was added meanwhile
        db.session.rollback()
        raise Conflict(_("The plan changed while you were looking at the preview. Check the preview again.")) from None
    return preview
