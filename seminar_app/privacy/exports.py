"""Every participant of a partner's events in one file (CSV or XLSX): DOMAIN.md's
per-participant fields, for the partner's own organisers and the managers it granted.

Erased people stay in the file as anonymous rows (no name, e-mail, organisation, city or
function; their country, group, mode, attendance and partner flag are kept, as erasure
keeps them) so that the file's totals match the reports. Every cell is neutralised by the
writers of `registration.exports`, which this module reuses.

A partner can hold hundreds of thousands of registrations, so the files are streamed: one
query of plain row tuples (no ORM objects), read from a server-side cursor a batch at a
time, turned into cells and written out as they come. Labels (modes, statuses, countries,
groups, event dates) are looked up once per value, not once per row. Memory stays the same
whatever the number of people.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from werkzeug.utils import secure_filename

from seminar_app import geo
from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import Partner
from seminar_app.registration.exports import stream_csv, xlsx_text
from seminar_app.registration.forms import stakeholder_group_choices
from seminar_app.registration.models import Registration
from seminar_app.timefmt import to_local
from seminar_app.workbooks import sheet_title
from seminar_app.xlsx_stream import stream_xlsx

# Rows fetched from the server-side cursor at a time.
FETCH_ROWS = 2_000


def participant_count(partner: Partner) -> int:
    """How many registrations the file lists (all statuses, erased ones included)."""
    query = select(func.count(Registration.id)).join(Event, Event.id == Registration.event_id)
    return db.session.scalar(query.where(Event.partner_id == partner.id)) or 0


def _participants_query(partner_id: int) -> Select[Any]:
    """Every registration of the partner's events, by event start, then registration order,
    one row per day attended (or one row with no day), days in order."""
    return (
        select(
            Registration.id,
            Event.id,
            Event.title,
            Event.starts_at,
            Event.timezone,
            Registration.name,
            Registration.function_role,
            Registration.organisation,
            Registration.organisation_city,
            Registration.organisation_country,
            Registration.email,
            Registration.stakeholder_group,
            Registration.mode,
            Registration.status,
            Registration.is_partner_staff,
            Registration.erased_at,
            Attendance.day,
            Attendance.mode,
        )
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(Event.partner_id == partner_id)
        .order_by(Event.starts_at, Event.id, Registration.id, Attendance.day)
    )


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


class _Labels:
    """The reader's words for every coded value, each translated once per file."""

    def __init__(self, partner: Partner) -> None:
        self.groups = dict(stakeholder_group_choices(partner.project))
        self.modes = {m: m.label for m in AttendanceMode}
        self.statuses = {s: s.label for s in RegistrationStatus}
        self.yes, self.no, self.erased = _("Yes"), _("No"), _("Erased")
        self.countries: dict[str, str] = {}
        self.event_dates: dict[int, str] = {}

    def country(self, code: str) -> str:
        if code not in self.countries:
            self.countries[code] = geo.country_name(code) if code else ""
        return self.countries[code]

    def event_date(self, event_id: int, starts_at: Any, timezone: str) -> str:
        if event_id not in self.event_dates:
            self.event_dates[event_id] = to_local(starts_at, timezone).date().isoformat()
        return self.event_dates[event_id]


def _cells(row: Sequence[Any], days: list[tuple[date, AttendanceMode]], labels: _Labels) -> list[str]:
    """One participant as the cells of an export row (not yet neutralised)."""
    (_rid, event_id, title, starts_at, zone, name, function_role, organisation, city, country, email, group, mode,
     status, staff, erased_at, _day, _day_mode) = row  # fmt: skip
    erased = erased_at is not None
    return [
        title,
        labels.event_date(event_id, starts_at, zone),
        labels.erased if erased else name,
        "" if erased else function_role,
        "" if erased else organisation,
        "" if erased else city,
        labels.country(country),
        "" if erased else email or "",
        labels.groups.get(group, group),
        labels.modes[mode],
        labels.statuses[status],
        labels.yes if days else labels.no,
        "; ".join(f"{day.isoformat()} {labels.modes[day_mode]}" for day, day_mode in days),
        labels.yes if staff else labels.no,
    ]


def participant_cells(partner: Partner) -> Iterator[list[str]]:
    """Every participant's cells, in file order, read from a server-side cursor: the rows of
    one registration (one per day attended) arrive together and become one list of cells."""
    labels = _Labels(partner)
    query = _participants_query(partner.id)

    def generate() -> Iterator[list[str]]:
        result = db.session.connection().execute(query, execution_options={"yield_per": FETCH_ROWS})
        current: Sequence[Any] | None = None
        days: list[tuple[date, AttendanceMode]] = []
        for row in result:
            if current is not None and row[0] != current[0]:
                yield _cells(current, days, labels)
                days = []
            current = row
            if row[16] is not None:
                days.append((row[16], row[17]))
        if current is not None:
            yield _cells(current, days, labels)

    return generate()


def participants_csv(partner: Partner) -> Iterator[bytes]:
    return stream_csv([h for h, _w in columns()], participant_cells(partner))


def participants_xlsx(partner: Partner) -> Iterator[bytes]:
    cols = columns()
    rows = ([xlsx_text(cell) for cell in cells] for cells in participant_cells(partner))
    title = sheet_title(_("Participants"), set())
    return stream_xlsx([xlsx_text(h) for h, _w in cols], [w for _h, w in cols], rows, title)


def export_filename(partner: Partner, extension: str) -> str:
    """`<project>-<partner>-participants.<extension>`, safe for a Content-Disposition header."""
    name = secure_filename(f"{partner.project.slug}-{partner.short_name}-participants.{extension}")
    return name or f"participants.{extension}"
