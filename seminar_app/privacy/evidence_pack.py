"""The per-event evidence pack for the funder: one zip with the agenda, the attendance
evidence, the feedback summary and the event's reporting fields, the files the organiser
uploaded (signed sheets, online reports, agenda, material, in a folder per kind), plus a
README naming each file and saying what the funder still lacks.

The attendance documents hold personal data (names, organisations), so the pack is only
built for those who may see them, and each download is logged by the service.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from seminar_app import geo, i18n
from seminar_app.attendance import evidence
from seminar_app.db_types import utcnow
from seminar_app.enums import EvidenceKind
from seminar_app.events.models import Event
from seminar_app.feedback.exports import results_csv
from seminar_app.feedback.results import feedback_results
from seminar_app.funding.evidence_files import download_name, files_of_event
from seminar_app.funding.evidence_status import evidence_for_events
from seminar_app.funding.rules import rules_for
from seminar_app.privacy.agenda_pdf import agenda_pdf
from seminar_app.registration.exports import to_csv
from seminar_app.reports.queries import status_label
from seminar_app.reports.selection import PeopleCounts, feedback_by_event, people_by_event

AGENDA = "agenda.pdf"
ONLINE_LIST = "online-participants.pdf"
FEEDBACK = "feedback-summary.csv"
REPORTING = "reporting-fields.csv"
README = "README.txt"
# The folder of each kind of uploaded file in the pack.
FOLDERS = {
    "signed_sheet": "signed-sheets",
    "online_report": "online-reports",
    "agenda": "agenda",
    "material": "material",
}


@dataclass
class EvidencePack:
    content: bytes
    files: list[str]
    people_listed: int  # distinct people named in the attendance documents


def _local(event: Event, moment_attr: str) -> str:
    return f"{getattr(event, moment_attr):%Y-%m-%d %H:%M}"


def reporting_fields(event: Event) -> list[tuple[str, str]]:
    """DOMAIN.md's per-event reporting fields as (label, value), counted by the same
    definitions as the dashboard (`reports.selection`)."""
    project = event.project
    only_this = select(Event.id).where(Event.id == event.id)
    people = people_by_event(only_this).get(event.id, PeopleCounts())
    answers, invitations = feedback_by_event(only_this)
    return [
        (_("Project"), f"{project.name} ({project.acronym})"),
        (_("Grant agreement number"), project.grant_number),
        (_("Results presented"), "; ".join(r.code for r in event.results)),
        (_("Work packages"), "; ".join(sorted({r.work_package for r in event.results if r.work_package}))),
        (_("Organising partner"), event.partner.name),
        (_("Partner country"), geo.country_name(event.partner.country)),
        (_("Title"), event.title),
        (_("Type"), event.kind.label),
        (_("Start"), _local(event, "local_start")),
        (_("End"), _local(event, "local_end")),
        (_("Time zone"), event.timezone),
        (_("City"), event.city if event.format.has_venue else ""),
        (_("Country"), geo.country_name(event.country)),
        (_("Online platform"), event.online_platform if event.format.is_online else ""),
        (_("Format"), event.format.label),
        (_("Language"), geo.language_name(event.language)),
        (_("Target audiences"), "; ".join(a.label for a in event.audiences)),
        (_("Objective"), event.objective),
        (_("Status"), status_label(event.status)),
        (_("Outcome"), event.outcome),
        (_("Registered"), str(people.registered)),
        (_("Confirmed"), str(people.confirmed)),
        (_("Attended"), str(people.attended)),
        (_("Attended, from outside the consortium"), str(people.attended_external)),
        (_("Attended, partner staff"), str(people.attended_partner_staff)),
        (_("Attended on site"), str(people.attended_on_site)),
        (_("Attended online"), str(people.attended_online)),
        (_("Feedback answers"), str(answers.get(event.id, 0))),
        (_("Invited to give feedback"), str(invitations.get(event.id, 0))),
    ]


def reporting_fields_csv(event: Event) -> bytes:
    fields = reporting_fields(event)
    return to_csv([label for label, _value in fields], [[value for _label, value in fields]])


def sheet_name(day_iso: str) -> str:
    return f"attendance-sheet-{day_iso}.pdf"


def _people_listed(event: Event) -> int:
    ids: set[int] = set()
    if event.format.has_venue:
        for day in event.local_days:
            ids.update(r.id for r in evidence.sheet_people(event, day))
    if event.format.is_online:
        ids.update(r.id for r in evidence.online_attendance(event)[0])
    return len(ids)


def _uploaded(event: Event) -> list[tuple[str, bytes, str]]:
    """The uploaded evidence files as (path in the pack, bytes, description)."""
    entries = []
    for n, upload in enumerate(files_of_event(event.id, with_content=True), start=1):
        day = f"{upload.day.isoformat()}-" if upload.day is not None else ""
        path = f"{FOLDERS.get(upload.kind, 'other')}/{day}{n:02d}-{download_name(upload)}"
        kind = EvidenceKind(upload.kind).label
        if upload.day is not None:
            described = _(
                "%(kind)s of %(day)s, uploaded as %(name)s",
                kind=kind,
                day=upload.day.isoformat(),
                name=upload.filename,
            )
        else:
            described = _("%(kind)s, uploaded as %(name)s", kind=kind, name=upload.filename)
        entries.append((path, upload.content, described))
    return entries


def _lacking(event: Event) -> list[str]:
    status = evidence_for_events([event], rules_for(event.project)).get(event.id)
    missing = [item.describe() for item in status.missing] if status is not None else []
    if not missing:
        return [_("Nothing the project's funding rules ask for is missing.")]
    return [_("Still missing for the funder:"), *(f"- {text}" for text in missing)]


def _readme(event: Event, descriptions: list[tuple[str, str]]) -> bytes:
    lines = [
        _("Evidence pack: %(title)s", title=event.title),
        f"{event.partner.name} – {event.project.name} ({event.project.acronym})",
        _("Made on %(moment)s (UTC).", moment=f"{utcnow():%Y-%m-%d %H:%M}"),
        "",
        _("Files:"),
        *(f"- {name}: {text}" for name, text in descriptions),
        "",
        *_lacking(event),
        "",
        _(
            "The attendance documents contain personal data. Keep this pack as evidence for the funder "
            "only, store it safely and do not publish it."
        ),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def build(event: Event, *, blank_rows: int = evidence.WALK_IN_ROWS) -> EvidencePack:
    """The zip, in memory (a pack holds a few small documents). Sheets are made for events
    with a venue, the online list for events with online attendance."""
    with i18n.force_language(i18n.language_or_default(event.language, event.project.default_language)):
        files = [(AGENDA, agenda_pdf(event), _("the agenda, with times and speakers"))]
        if event.format.has_venue:
            for day in event.local_days:
                sheet = evidence.attendance_sheet_pdf(event, day, blank_rows=blank_rows)
                described = _("the attendance sheet to sign on %(day)s, as printed", day=day.isoformat())
                files.append((sheet_name(day.isoformat()), sheet, described))
        if event.format.is_online:
            described = _("the list of online participants with the organiser's declaration")
            files.append((ONLINE_LIST, evidence.online_participants_pdf(event), described))
        feedback = results_csv(event, feedback_results(event))
        files.append((FEEDBACK, feedback, _("the summary of the anonymous feedback")))
        files.append((REPORTING, reporting_fields_csv(event), _("the event's reporting fields, in one row")))
        files.extend(_uploaded(event))
        readme = _readme(event, [(name, described) for name, _content, described in files])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README, readme)
        for name, content, _described in files:
            archive.writestr(name, content)
    names = [README, *(name for name, _content, _described in files)]
    return EvidencePack(buffer.getvalue(), names, _people_listed(event))


def pack_filename(event: Event) -> str:
    return f"{event.slug}-evidence-pack-{event.local_start:%Y-%m-%d}.zip"
