"""Evidence documents for the funder, as PDF: the attendance sheet people sign on site
(one per event day), the list of online participants the organiser signs as a
declaration, and each attendee's certificate of attendance.

The documents travel on paper: a signature sheet is passed round the room, so no
document carries e-mail addresses or anything beyond what the funder asks for (name,
organisation, city or country, stakeholder group; online: the days and minutes).
Erased registrations never appear; the online list says how many attendees it leaves
out for that reason, so that its total still matches the reports.

Every page carries the project's funding block (EU emblem, funding statement,
programme, grant number, disclaimer). Sheets are written in the event's language, the
certificate in the attendee's, with the event's title in it where the event is translated.
Text is set in the vendored DejaVu Sans, which covers the Latin, Greek and Cyrillic names
of every partner country.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import ngettext
from fpdf import XPos, YPos
from sqlalchemy import and_, or_, select

from seminar_app import i18n
from seminar_app.attendance.models import Attendance
from seminar_app.attendance.services import ensure_event_day
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, EventStatus, RegistrationStatus
from seminar_app.errors import DomainError
from seminar_app.events.content import localized
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.geo import country_name
from seminar_app.pdf import FONT, Document
from seminar_app.registration.forms import stakeholder_group_choices
from seminar_app.registration.models import Registration
from seminar_app.timefmt import format_date

# Empty numbered rows at the end of each attendance sheet, for people who did not register.
WALK_IN_ROWS = 10


class CertificateRefused(DomainError):
    code = "certificate_refused"
    status = 409


def _sort_key(name: str) -> tuple[str, str]:
    """Alphabetical as people expect it, the same on every database: "Łukasz" next to "Luis"."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return plain.translate(str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe"})), name


def _day(event: Event, day: date, fmt: str = "long") -> str:
    return format_date(datetime.combine(day, time(12), tzinfo=event.tz), event.timezone, fmt)


def _days(event: Event, days: list[date]) -> str:
    if len(days) == 1:
        return _day(event, days[0])
    return f"{_day(event, days[0])} – {_day(event, days[-1])}"


def _place(city: str, country: str) -> str:
    return ", ".join(part for part in (city, country_name(country)) if part)


def venue_line(event: Event) -> str:
    return ", ".join(part for part in (event.venue_name, event.address, _place(event.city, event.country)) if part)


def event_facts(event: Event) -> list[tuple[str, str]]:
    project = event.project
    return [
        (_("Organiser:"), f"{event.partner.name} ({country_name(event.partner.country)})"),
        (_("Project:"), f"{project.name} ({project.acronym})"),
    ]


# --- attendance sheet ------------------------------------------------------------------------


def sheet_people(event: Event, day: date) -> list[Registration]:
    """Who is printed on `day`'s sheet: confirmed on-site registrants, unless recorded as
    attending online that day, and anyone recorded on site that day (walk-ins, online
    registrants who came in person). Never erased people; sorted by name."""
    that_day = and_(Attendance.event_id == event.id, Attendance.day == day)
    on_site = select(Attendance.registration_id).where(that_day, Attendance.mode == AttendanceMode.ONSITE)
    online = select(Attendance.registration_id).where(that_day, Attendance.mode == AttendanceMode.ONLINE)
    people = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.erased_at.is_(None),
            or_(
                and_(
                    Registration.status == RegistrationStatus.CONFIRMED,
                    Registration.mode == AttendanceMode.ONSITE,
                    Registration.id.not_in(online),
                ),
                Registration.id.in_(on_site),
            ),
        )
    )
    return sorted(people, key=lambda r: _sort_key(r.name))


def attendance_sheet_pdf(event: Event, day: date, *, blank_rows: int = WALK_IN_ROWS) -> bytes:
    """The sheet people sign on `day` of the event, followed by `blank_rows` numbered empty
    rows for walk-ins. Raises `DomainError` when `day` is not a day of the event."""
    ensure_event_day(event, day)
    with i18n.force_language(i18n.language_or_default(event.language, event.project.default_language)):
        groups = dict(stakeholder_group_choices(event.project))
        title = _("Attendance sheet")
        pdf = Document(event.project, f"{title} – {event.title} – {day.isoformat()}", landscape=True)
        which = ""
        if event.is_multi_day:
            which = _(
                "day %(number)d of %(count)d", number=event.local_days.index(day) + 1, count=len(event.local_days)
            )
        date_line = f"{_day(event, day, 'full')} ({which})" if which else _day(event, day, "full")
        pdf.heading(title, event, [(_("Date:"), date_line), (_("Venue:"), venue_line(event)), *event_facts(event)])
        pdf.paragraph(_("By signing, you confirm that you attended this event in person on this day."))
        pdf.paragraph(
            _("This sheet is kept as evidence of attendance for the funder of the project and is not published."),
            size=8,
        )
        pdf.ln(2)
        people = sheet_people(event, day)
        rows = [
            [
                str(n),
                r.name,
                r.organisation,
                _place(r.organisation_city, r.organisation_country),
                groups.get(r.stakeholder_group, r.stakeholder_group),
                "",
            ]
            for n, r in enumerate(people, start=1)
        ]
        rows += [[str(n), "", "", "", "", ""] for n in range(len(people) + 1, len(people) + blank_rows + 1)]
        headings = [_("No."), _("Name"), _("Organisation"), _("City / country"), _("Stakeholder group"), _("Signature")]
        pdf.grid(headings, (10, 55, 55, 45, 45, 63), rows, min_height=11)
        return pdf.pdf_bytes()


# --- online participants -----------------------------------------------------------------------


def online_attendance(event: Event) -> tuple[dict[Registration, list[Attendance]], int]:
    """The event's online attendance per (not erased) registrant, by day, and how many
    erased registrants attended online and are therefore left out."""
    found = db.session.execute(
        select(Attendance, Registration)
        .join(Registration, Attendance.registration_id == Registration.id)
        .where(Attendance.event_id == event.id, Attendance.mode == AttendanceMode.ONLINE)
        .order_by(Attendance.day)
    )
    by_person: dict[Registration, list[Attendance]] = defaultdict(list)
    erased: set[int] = set()
    for attendance, registration in found:
        if registration.is_erased:
            erased.add(registration.id)
        else:
            by_person[registration].append(attendance)
    return dict(sorted(by_person.items(), key=lambda item: _sort_key(item[0].name))), len(erased)


def online_participants_pdf(event: Event) -> bytes:
    """The participants recorded as attending online (imported report or ticked by hand),
    with the organiser's declaration to sign. Says so plainly when nobody was recorded."""
    with i18n.force_language(i18n.language_or_default(event.language, event.project.default_language)):
        groups = dict(stakeholder_group_choices(event.project))
        title = _("List of online participants")
        pdf = Document(event.project, f"{title} – {event.title}", landscape=True)
        facts = [(_("Date:"), _days(event, event.local_days)), (_("Online platform:"), event.online_platform)]
        pdf.heading(title, event, [*facts, *event_facts(event)])
        people, erased = online_attendance(event)
        if not people:
            pdf.paragraph(_("No online attendance has been recorded for this event."), size=11, style="B")
            return pdf.pdf_bytes()
        rows = [
            [
                str(n),
                r.name,
                r.organisation,
                country_name(r.organisation_country),
                groups.get(r.stakeholder_group, r.stakeholder_group),
                "\n".join(_day(event, a.day, "short") for a in attendances),
                "\n".join("–" if a.minutes is None else str(a.minutes) for a in attendances),
            ]
            for n, (r, attendances) in enumerate(people.items(), start=1)
        ]
        headings = [
            _("No."),
            _("Name"),
            _("Organisation"),
            _("Country"),
            _("Stakeholder group"),
            _("Day(s)"),
            _("Minutes online"),
        ]
        pdf.grid(headings, (10, 55, 60, 35, 45, 38, 30), rows, min_height=7)
        pdf.ln(3)
        if erased:
            pdf.paragraph(
                ngettext(
                    "%(num)d further participant attended online but asked for their personal data to be erased: "
                    "they are counted in the reports but not listed.",
                    "%(num)d further participants attended online but asked for their personal data to be erased: "
                    "they are counted in the reports but not listed.",
                    erased,
                ),
                size=8,
            )
        _declaration(pdf, event, len(people))
        return pdf.pdf_bytes()


def _declaration(pdf: Document, event: Event, count: int) -> None:
    if pdf.will_page_break(60):
        pdf.add_page()
    pdf.ln(4)
    pdf.paragraph(_("Declaration"), size=11, style="B")
    pdf.ln(1)
    pdf.paragraph(
        ngettext(
            "I, the undersigned, declare that the person listed above attended “%(title)s”, organised by "
            "%(partner)s, online, as recorded by the organisers.",
            "I, the undersigned, declare that the %(num)d persons listed above attended “%(title)s”, organised by "
            "%(partner)s, online, as recorded by the organisers.",
            count,
            title=event.title,
            partner=event.partner.name,
        ),
        size=10,
    )
    pdf.ln(6)
    pdf.set_font(FONT, "", 10)
    for label in (_("Name:"), _("Position:"), _("Date:"), _("Signature:")):
        pdf.cell(30, 10, label)
        pdf.cell(110, 10, "", border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# --- certificate -----------------------------------------------------------------------------


def certificate_attendance(registration: Registration) -> list[Attendance]:
    """The person's attendance, by day. Raises `CertificateRefused` when no certificate can
    be issued: the event is not over or was cancelled, or no attendance was recorded."""
    event = registration.event
    if registration.is_erased:
        raise CertificateRefused(_("This registration has been erased."))
    if event.status is EventStatus.CANCELLED:
        raise CertificateRefused(_("This event was cancelled, so there is no certificate of attendance."))
    if not event.is_past:
        raise CertificateRefused(_("The certificate of attendance is available once the event is over."))
    attended = list(
        db.session.scalars(
            select(Attendance).where(Attendance.registration_id == registration.id).order_by(Attendance.day)
        )
    )
    if not attended:
        raise CertificateRefused(
            _(
                "No attendance is recorded for you at this event, so no certificate can be issued. If you took "
                "part, please write to the organisers at %(email)s.",
                email=event.partner.contact_email,
            )
        )
    return attended


def _where_attended(event: Event, modes: set[AttendanceMode]) -> str:
    online = _("Online") + (f" ({event.online_platform})" if event.online_platform else "")
    if AttendanceMode.ONLINE not in modes:
        return venue_line(event)
    if AttendanceMode.ONSITE not in modes:
        return online
    return _("%(venue)s, and online", venue=venue_line(event))


def certificate_pdf(registration: Registration) -> bytes:
    """The person's certificate of attendance, in their language (the event's title too, where
    the event is translated into it). Raises `CertificateRefused`."""
    attended = certificate_attendance(registration)
    event = registration.event
    shown = localized(event, registration.language)
    project = event.project
    with i18n.force_language(i18n.language_or_default(registration.language, event.language)):
        title = _("Certificate of attendance")
        pdf = Document(project, f"{title} – {registration.name} – {shown.title}", landscape=False)
        days = [a.day for a in attended]
        pdf.ln(20)
        pdf.paragraph(title, size=24, style="B", align="C")
        pdf.ln(10)
        # The name stands out as on a diploma; the statement is one whole sentence that
        # refers to it, so that it reads grammatically in every language.
        pdf.paragraph(registration.name, size=20, style="B", align="C")
        if registration.organisation:
            pdf.paragraph(registration.organisation, size=11, align="C")
        pdf.ln(8)
        pdf.paragraph(
            _(
                "This is to certify that the person named above attended “%(title)s”, organised by %(partner)s "
                "as part of the project %(project)s.",
                title=shown.title,
                partner=f"{event.partner.name} ({country_name(event.partner.country)})",
                project=f"{project.name} ({project.acronym})",
            ),
            size=12,
            align="C",
        )
        pdf.ln(4)
        pdf.paragraph(_("Type of event: %(kind)s", kind=event.kind.label), size=11, align="C")
        pdf.paragraph(
            ngettext("Date: %(dates)s", "Dates: %(dates)s", len(days), dates=", ".join(_day(event, d) for d in days)),
            size=11,
            align="C",
        )
        place = _where_attended(event, {a.mode for a in attended})
        pdf.paragraph(_("Place: %(place)s", place=place), size=11, align="C")
        if event.results:
            pdf.ln(6)
            pdf.paragraph(_("Project results presented:"), size=10, style="B", align="C")
            for result in event.results:
                pdf.paragraph(result.label, size=10, align="C")
        pdf.ln(12)
        issued = format_date(utcnow(), event.timezone, "long")
        pdf.paragraph(_("Issued on %(date)s by %(partner)s.", date=issued, partner=event.partner.name), align="C")
        return pdf.pdf_bytes()
