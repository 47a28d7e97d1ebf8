"""Every participant of a partner's events in one file (CSV or XLSX): DOMAIN.md's
per-participant fields, for the partner's own organisers and the managers it granted.

Erased people stay in the file as anonymous rows (no name, e-mail, organisation, city or
function; their country, group, mode, attendance and partner flag are kept, as erasure
keeps them) so that the file's totals match the reports. Every cell is neutralised by the
writers of `registration.exports`, which this module reuses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.utils import secure_filename

from seminar_app import geo
from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import Partner
from seminar_app.registration.exports import to_csv, to_xlsx
from seminar_app.registration.forms import stakeholder_group_choices
from seminar_app.registration.models import Registration


@dataclass
class ParticipantRow:
    event: Event
    registration: Registration
    attendance: list[tuple[date, AttendanceMode]] = field(default_factory=list)


def participant_rows(partner: Partner) -> list[ParticipantRow]:
    """Every registration of every event of `partner` (all statuses, erased ones included),
    by event start, then registration order, with the days each person attended. Two
    queries whatever the number of events and people."""
    found = db.session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.partner_id == partner.id)
        .order_by(Event.starts_at, Event.id, Registration.id)
    ).all()
    days: dict[int, list[tuple[date, AttendanceMode]]] = defaultdict(list)
    for registration_id, day, mode in db.session.execute(
        select(Attendance.registration_id, Attendance.day, Attendance.mode)
        .join(Event, Event.id == Attendance.event_id)
        .where(Event.partner_id == partner.id)
        .order_by(Attendance.day)
    ):
        days[registration_id].append((day, mode))
    return [ParticipantRow(event, registration, days[registration.id]) for registration, event in found]


def columns() -> list[tuple[str, int]]:
    """Header and XLSX width of every column, in order."""
    return [
        (_("Event"), 36),
        (_("Event date"), 12),
        (_("Name"), 28),
        (_("Function or role"), 24),
        (_("Organisation"), 30),
        (_("City"), 18),
        (_("Country"), 18),
        (_("E-mail"), 32),
        (_("Stakeholder group"), 26),
        (_("Attends"), 10),
        (_("Status"), 14),
        (_("Attended"), 10),
        (_("Attendance per day"), 34),
        (_("Partner staff"), 12),
    ]


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _attendance(row: ParticipantRow) -> str:
    return "; ".join(f"{day.isoformat()} {mode.label}" for day, mode in row.attendance)


def export_row(row: ParticipantRow, groups: dict[str, str]) -> list[str]:
    """One participant as the cells of an export row (not yet neutralised)."""
    r = row.registration
    erased = r.is_erased
    return [
        row.event.title,
        row.event.local_start.date().isoformat(),
        _("Erased") if erased else r.name,
        "" if erased else r.function_role,
        "" if erased else r.organisation,
        "" if erased else r.organisation_city,
        geo.country_name(r.organisation_country) if r.organisation_country else "",
        "" if erased else r.email or "",
        groups.get(r.stakeholder_group, r.stakeholder_group),
        r.mode.label,
        r.status.label,
        _yes_no(bool(row.attendance)),
        _attendance(row),
        _yes_no(r.is_partner_staff),
    ]


def _cells(partner: Partner, rows: list[ParticipantRow]) -> list[list[str]]:
    groups = dict(stakeholder_group_choices(partner.project))
    return [export_row(row, groups) for row in rows]


def participants_csv(partner: Partner, rows: list[ParticipantRow]) -> bytes:
    return to_csv([h for h, _w in columns()], _cells(partner, rows))


def participants_xlsx(partner: Partner, rows: list[ParticipantRow]) -> bytes:
    cols = columns()
    return to_xlsx([h for h, _w in cols], [w for _h, w in cols], _cells(partner, rows), _("Participants"))


def export_filename(partner: Partner, extension: str) -> str:
    """`<project>-<partner>-participants.<extension>`, safe for a Content-Disposition header."""
    name = secure_filename(f"{partner.project.slug}-{partner.short_name}-participants.{extension}")
    return name or f"participants.{extension}"
