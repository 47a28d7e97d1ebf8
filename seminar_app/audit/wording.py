"""Each audit entry in plain words, in the reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from seminar_app.audit.models import AuditAction, AuditEntry
from seminar_app.enums import EvidenceKind, RegistrationStatus, Role
from seminar_app.timefmt import format_date

_EVENT_FIELDS = {
    "title": _l("title"),
    "kind": _l("kind"),
    "slug": _l("address"),
    "summary": _l("summary"),
    "description": _l("description"),
    "language": _l("language"),
    "timezone": _l("time zone"),
    "starts_at": _l("start"),
    "ends_at": _l("end"),
    "format": _l("format"),
    "venue_name": _l("venue"),
    "address": _l("street address"),
    "city": _l("city"),
    "country": _l("country"),
    "online_platform": _l("online platform"),
    "joining_url": _l("joining link"),
    "capacity_onsite": _l("seats on site"),
    "capacity_online": _l("seats online"),
    "registration_opens_at": _l("registration opening"),
    "registration_closes_at": _l("registration closing"),
    "requires_approval": _l("approval"),
    "target_audiences": _l("target audiences"),
    "objective": _l("objective"),
    "outcome": _l("outcome"),
    "results": _l("project results"),
    "reminder_hours_before": _l("reminder"),
}
_USER_FIELDS = {"email": _l("e-mail address"), "name": _l("name")}
_FUNDING_FIELDS = {
    "model": _l("funding model"),
    "amount_local": _l("amount per local participant"),
    "amount_international": _l("amount per international participant"),
    "cap": _l("cap"),
    "currency": _l("currency"),
    "partner_staff_count": _l("whether partner staff count"),
    "min_online_minutes": _l("minimum online minutes"),
    "needs_signed_sheet": _l("signed sheet needed"),
    "needs_online_report": _l("online report needed"),
    "needs_agenda": _l("agenda needed"),
    "needs_material": _l("material needed"),
    "code": _l("code"),
    "title": _l("title"),
    "partner": _l("partner"),
    "country": _l("country"),
    "planned_month": _l("planned month"),
    "format": _l("format"),
    "planned_local": _l("planned local participants"),
    "planned_international": _l("planned international participants"),
    "budget": _l("budget"),
}


def actor_name(entry: AuditEntry) -> str:
    """Who acted: the account's name, else the e-mail copied when it acted; without an
    account, the attendee (through their private link) or the system."""
    if entry.actor is not None:
        return entry.actor.name
    if entry.actor_email:
        return entry.actor_email
    if entry.details.get("by") == "attendee" or entry.action.startswith("attendance.recorded"):
        return _("The attendee")
    return _("The system")


def _role_label(value: object) -> str:
    try:
        return Role(str(value)).label
    except ValueError:
        return str(value)


def _status_label(value: object) -> str:
    try:
        return RegistrationStatus(str(value)).label
    except ValueError:
        return str(value)


def _day(value: object) -> str:
    """An event day as stored ("2026-03-31"), in the reader's words."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_date(datetime.combine(day, time(12), tzinfo=UTC), "UTC", "medium")


def _fields(names: object, labels: dict[str, object]) -> str:
    if not isinstance(names, list):
        return ""
    return ", ".join(str(labels.get(str(name), name)) for name in names)


def _evidence_kind(value: object) -> str:
    try:
        return str(EvidenceKind(str(value)).label)
    except ValueError:
        return str(value)


def _evidence(action: str, who: str, event: str, kind: str, day: object) -> str:
    """An evidence file uploaded or deleted: "Marta uploaded Signed attendance sheet of 12 Mar 2026 for ..."."""
    if action == AuditAction.EVIDENCE_UPLOADED:
        if day:
            return _(
                "%(actor)s uploaded a file (%(kind)s, %(day)s) to the evidence of “%(event)s”.",
                actor=who,
                kind=kind,
                day=_day(day),
                event=event,
            )
        return _(
            "%(actor)s uploaded a file (%(kind)s) to the evidence of “%(event)s”.", actor=who, kind=kind, event=event
        )
    if day:
        return _(
            "%(actor)s deleted a file (%(kind)s, %(day)s) from the evidence of “%(event)s”.",
            actor=who,
            kind=kind,
            day=_day(day),
            event=event,
        )
    return _("%(actor)s deleted a file (%(kind)s) from the evidence of “%(event)s”.", actor=who, kind=kind, event=event)


def describe(entry: AuditEntry, people: dict[int, str]) -> str:
    """One sentence saying what the entry records. `people`: staff names by account id
    (`queries.people_named`)."""
    d = entry.details or {}
    who = actor_name(entry)
    event = entry.event.title if entry.event is not None else str(d.get("title") or _("an event that was deleted"))
    partner = entry.partner.name if entry.partner is not None else _("a partner")
    number = entry.target_id or 0
    account = people.get(entry.target_id or 0, _("account #%(id)d", id=number))
    manager_id = d.get("manager_id")
    manager = people.get(manager_id, _("account #%(id)d", id=manager_id)) if isinstance(manager_id, int) else ""
    day = _day(d.get("day", ""))
    by_attendee = d.get("by") == "attendee"
    a = AuditAction
    match entry.action:
        case a.EVENT_CREATED if d.get("copied_from"):
            return _(
                "%(actor)s created the event “%(event)s” as a copy of event #%(source)s.",
                actor=who,
                event=event,
                source=d.get("copied_from"),
            )
        case a.EVENT_CREATED:
            return _("%(actor)s created the event “%(event)s”.", actor=who, event=event)
        case a.EVENT_CHANGED:
            return _(
                "%(actor)s changed the event “%(event)s”: %(fields)s.",
                actor=who,
                event=event,
                fields=_fields(d.get("fields"), _EVENT_FIELDS),
            )
        case a.EVENT_PUBLISHED:
            return _("%(actor)s published the event “%(event)s”.", actor=who, event=event)
        case a.EVENT_POSTPONED:
            return _("%(actor)s postponed the event “%(event)s”.", actor=who, event=event)
        case a.EVENT_CANCELLED:
            return _("%(actor)s cancelled the event “%(event)s”.", actor=who, event=event)
        case a.EVENT_DELIVERED:
            return _("%(actor)s marked the event “%(event)s” as delivered.", actor=who, event=event)
        case a.EVENT_DELETED:
            return _("%(actor)s deleted the draft event “%(event)s”.", actor=who, event=event)
        case a.REGISTRATION_ADDED:
            return _(
                "%(actor)s added registration #%(id)d to “%(event)s” (%(status)s).",
                actor=who,
                id=number,
                event=event,
                status=_status_label(d.get("status", "")),
            )
        case a.REGISTRATION_APPROVED:
            return _("%(actor)s approved registration #%(id)d for “%(event)s”.", actor=who, id=number, event=event)
        case a.REGISTRATION_DECLINED:
            return _("%(actor)s declined registration #%(id)d for “%(event)s”.", actor=who, id=number, event=event)
        case a.REGISTRATION_PROMOTED:
            return _(
                "%(actor)s gave registration #%(id)d for “%(event)s” a seat from the waiting list.",
                actor=who,
                id=number,
                event=event,
            )
        case a.REGISTRATION_CANCELLED if by_attendee:
            return _(
                "The attendee cancelled registration #%(id)d for “%(event)s” through their private link.",
                id=number,
                event=event,
            )
        case a.REGISTRATION_CANCELLED:
            return _("%(actor)s cancelled registration #%(id)d for “%(event)s”.", actor=who, id=number, event=event)
        case a.REGISTRATION_ERASED if by_attendee:
            return _(
                "The attendee erased their personal data from registration #%(id)d for “%(event)s”.",
                id=number,
                event=event,
            )
        case a.REGISTRATION_ERASED:
            return _(
                "%(actor)s erased the personal data of registration #%(id)d for “%(event)s”.",
                actor=who,
                id=number,
                event=event,
            )
        case a.ATTENDANCE_RECORDED if d.get("source") == "walk_in":
            return _(
                "%(actor)s added a walk-in (registration #%(id)d) to “%(event)s” and recorded their attendance on "
                "%(day)s.",
                actor=who,
                id=number,
                event=event,
                day=day,
            )
        case a.ATTENDANCE_RECORDED:
            return _(
                "%(actor)s recorded the attendance of registration #%(id)d at “%(event)s” on %(day)s.",
                actor=who,
                id=number,
                event=event,
                day=day,
            )
        case a.ATTENDANCE_UNDONE:
            return _(
                "%(actor)s removed the attendance of registration #%(id)d at “%(event)s” on %(day)s.",
                actor=who,
                id=number,
                event=event,
                day=day,
            )
        case a.ATTENDANCE_IMPORTED:
            count = d.get("count", 0) if isinstance(d.get("count"), int) else 0
            return ngettext(
                "%(actor)s imported %(num)d online attendance for “%(event)s” on %(day)s from a meeting report.",
                "%(actor)s imported %(num)d online attendances for “%(event)s” on %(day)s from a meeting report.",
                count,
                actor=who,
                event=event,
                day=day,
            )
        case a.EVIDENCE_UPLOADED | a.EVIDENCE_DELETED:
            return _evidence(entry.action, who, event, _evidence_kind(d.get("kind", "")), d.get("day"))
        case a.ELIGIBILITY_EXCLUDED:
            return _(
                "%(actor)s marked registration #%(id)d at “%(event)s” not eligible for the funder.",
                actor=who,
                id=number,
                event=event,
            )
        case a.ELIGIBILITY_RESTORED:
            return _(
                "%(actor)s marked registration #%(id)d at “%(event)s” eligible for the funder again.",
                actor=who,
                id=number,
                event=event,
            )
        case a.GRANT_GIVEN:
            return _(
                "%(actor)s let %(manager)s see the personal data of the attendees of %(partner)s.",
                actor=who,
                manager=manager,
                partner=partner,
            )
        case a.GRANT_REVOKED:
            return _(
                "%(actor)s ended the access of %(manager)s to the personal data of the attendees of %(partner)s.",
                actor=who,
                manager=manager,
                partner=partner,
            )
        case a.EXPORT_PERSONAL_DATA:
            rows = d.get("rows", 0) if isinstance(d.get("rows"), int) else 0
            if entry.event_id is not None:
                return ngettext(
                    "%(actor)s downloaded %(file)s for “%(event)s”, listing %(num)d person.",
                    "%(actor)s downloaded %(file)s for “%(event)s”, listing %(num)d people.",
                    rows,
                    actor=who,
                    file=d.get("what", ""),
                    event=event,
                )
            return ngettext(
                "%(actor)s downloaded %(file)s of %(partner)s, listing %(num)d person.",
                "%(actor)s downloaded %(file)s of %(partner)s, listing %(num)d people.",
                rows,
                actor=who,
                file=d.get("what", ""),
                partner=partner,
            )
        case a.USER_CREATED:
            return _(
                "%(actor)s created the account of %(user)s (%(role)s).",
                actor=who,
                user=account,
                role=_role_label(d.get("role", "")),
            )
        case a.USER_CHANGED:
            return _(
                "%(actor)s changed the %(fields)s of the account of %(user)s.",
                actor=who,
                fields=_fields(d.get("fields"), _USER_FIELDS),
                user=account,
            )
        case a.USER_ROLE_CHANGED:
            return _(
                "%(actor)s changed the role of %(user)s from %(old)s to %(new)s.",
                actor=who,
                user=account,
                old=_role_label(d.get("old", "")),
                new=_role_label(d.get("new", "")),
            )
        case a.USER_ACCESS_CHANGED:
            return _("%(actor)s changed the partners or projects %(user)s acts for.", actor=who, user=account)
        case a.USER_PASSWORD_RESET:
            return _("%(actor)s set a new password for %(user)s.", actor=who, user=account)
        case a.USER_DEACTIVATED:
            return _("%(actor)s deactivated the account of %(user)s.", actor=who, user=account)
        case a.USER_REACTIVATED:
            return _("%(actor)s reactivated the account of %(user)s.", actor=who, user=account)
        case a.FUNDING_RULES_CHANGED:
            return _(
                "%(actor)s changed the funding rules: %(fields)s.",
                actor=who,
                fields=_fields(d.get("fields"), _FUNDING_FIELDS),
            )
        case a.FUNDING_PLAN_CHANGED if d.get("change") == "added":
            return _("%(actor)s added %(code)s to the plan of multiplier events.", actor=who, code=d.get("code", ""))
        case a.FUNDING_PLAN_CHANGED if d.get("change") == "deleted":
            return _(
                "%(actor)s deleted %(code)s from the plan of multiplier events.", actor=who, code=d.get("code", "")
            )
        case a.FUNDING_PLAN_CHANGED:
            return _(
                "%(actor)s changed %(code)s in the plan of multiplier events: %(fields)s.",
                actor=who,
                code=d.get("code", ""),
                fields=_fields(d.get("fields"), _FUNDING_FIELDS),
            )
        case a.FUNDING_PLAN_IMPORTED:
            return _(
                "%(actor)s imported the plan of multiplier events: %(new)s new, %(updated)s updated.",
                actor=who,
                new=d.get("new", 0),
                updated=d.get("updated", 0),
            )
        case a.FUNDING_EVENT_LINKED if d.get("unlinked"):
            return _(
                "%(actor)s unlinked the event “%(event)s” from %(code)s of the plan.",
                actor=who,
                event=event,
                code=d.get("code", ""),
            )
        case a.FUNDING_EVENT_LINKED:
            return _(
                "%(actor)s linked the event “%(event)s” to %(code)s of the plan.",
                actor=who,
                event=event,
                code=d.get("code", ""),
            )
    return f"{who}: {entry.action}"


ACTION_LABELS = {
    AuditAction.EVENT_CREATED: _l("Event created"),
    AuditAction.EVENT_CHANGED: _l("Event changed"),
    AuditAction.EVENT_PUBLISHED: _l("Event published"),
    AuditAction.EVENT_POSTPONED: _l("Event postponed"),
    AuditAction.EVENT_CANCELLED: _l("Event cancelled"),
    AuditAction.EVENT_DELIVERED: _l("Event delivered"),
    AuditAction.EVENT_DELETED: _l("Draft deleted"),
    AuditAction.REGISTRATION_ADDED: _l("Registration added"),
    AuditAction.REGISTRATION_APPROVED: _l("Registration approved"),
    AuditAction.REGISTRATION_DECLINED: _l("Registration declined"),
    AuditAction.REGISTRATION_PROMOTED: _l("Seat given from the waiting list"),
    AuditAction.REGISTRATION_CANCELLED: _l("Registration cancelled"),
    AuditAction.REGISTRATION_ERASED: _l("Personal data erased"),
    AuditAction.ATTENDANCE_RECORDED: _l("Attendance recorded"),
    AuditAction.ATTENDANCE_IMPORTED: _l("Attendance imported"),
    AuditAction.ATTENDANCE_UNDONE: _l("Attendance removed"),
    AuditAction.EVIDENCE_UPLOADED: _l("Evidence file uploaded"),
    AuditAction.EVIDENCE_DELETED: _l("Evidence file deleted"),
    AuditAction.ELIGIBILITY_EXCLUDED: _l("Marked not eligible"),
    AuditAction.ELIGIBILITY_RESTORED: _l("Marked eligible again"),
    AuditAction.GRANT_GIVEN: _l("Access to personal data given"),
    AuditAction.GRANT_REVOKED: _l("Access to personal data ended"),
    AuditAction.EXPORT_PERSONAL_DATA: _l("Personal data downloaded"),
    AuditAction.USER_CREATED: _l("Account created"),
    AuditAction.USER_CHANGED: _l("Account changed"),
    AuditAction.USER_ROLE_CHANGED: _l("Role changed"),
    AuditAction.USER_ACCESS_CHANGED: _l("Partners or projects changed"),
    AuditAction.USER_PASSWORD_RESET: _l("Password set by an administrator"),
    AuditAction.USER_DEACTIVATED: _l("Account deactivated"),
    AuditAction.USER_REACTIVATED: _l("Account reactivated"),
    AuditAction.FUNDING_RULES_CHANGED: _l("Funding rules changed"),
    AuditAction.FUNDING_PLAN_CHANGED: _l("Plan of multiplier events changed"),
    AuditAction.FUNDING_PLAN_IMPORTED: _l("Plan of multiplier events imported"),
    AuditAction.FUNDING_EVENT_LINKED: _l("Event linked to the plan"),
}
