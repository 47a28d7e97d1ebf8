"""The per-event evidence pack: the zip's files for each event format, the agenda PDF (read
back with pypdf), the reporting fields, and who may download it (each download logged)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from flask import render_template_string
from flask_login import login_user
from pypdf import PdfReader
from sqlalchemy import select

from seminar_app.attendance.models import Attendance
from seminar_app.enums import AgendaItemKind, AttendanceMode, CheckInSource, EventFormat
from seminar_app.extensions import db
from seminar_app.privacy import evidence_pack, services
from seminar_app.privacy.agenda_pdf import agenda_pdf
from seminar_app.privacy.models import PersonalDataAccess
from seminar_app.registration.models import Registration
from tests import test_privacy_grants

register = test_privacy_grants.register
world = test_privacy_grants.world  # the same people and partners as the grant tests


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def attend(registration: Registration, day_index: int, mode: AttendanceMode) -> None:
    event = registration.event
    db.session.add(
        Attendance(
            event_id=event.id,
            registration=registration,
            day=event.local_days[day_index],
            mode=mode,
            source=CheckInSource.MANUAL,
        )
    )
    db.session.commit()


def open_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


@pytest.fixture
def event(world, make_agenda_item, make_speaker):  # type: ignore[no-untyped-def]
    """A's hybrid event over two days, with an agenda, an on-site and an online attendee."""
    event = world["event"]
    event.ends_at = event.starts_at + timedelta(hours=27)
    event.language = "en"  # the documents are written in the event's language
    db.session.commit()
    speaker = make_speaker(event, name="Dr Ana Sousa Lopes", affiliation="Universidade de Lisboa")
    make_agenda_item(event, title="Welcome by the Director-General", kind=AgendaItemKind.WELCOME)
    make_agenda_item(
        event,
        start_offset=timedelta(minutes=30),
        duration=timedelta(hours=1),
        title="The Mentoring Model",
        speakers=[speaker],
    )
    make_agenda_item(event, start_offset=timedelta(hours=24), title="Round table on probation practice")
    event.results = [world["project"].results[1]]
    db.session.commit()
    ana = db.session.scalars(select(Registration).where(Registration.name == "Ana Sousa")).one()
    attend(ana, 0, AttendanceMode.ONSITE)
    rui = register(event, "Rui Online", mode=AttendanceMode.ONLINE, organisation="APAV", is_partner_staff=True)
    attend(rui, 1, AttendanceMode.ONLINE)
    return event


def pack_url(event) -> str:  # type: ignore[no-untyped-def]
    return f"/manage/events/{event.id}/evidence-pack.zip"


def test_the_pack_of_a_hybrid_two_day_event_holds_every_document_and_a_readme(client, login, world, event) -> None:
    login(world["organiser_a"])

    response = client.get(pack_url(event))

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{event.slug}-evidence-pack-{event.local_start:%Y-%m-%d}.zip"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    first, second = (d.isoformat() for d in event.local_days)
    archive = open_zip(response.data)
    assert archive.namelist() == [
        "README.txt",
        "agenda.pdf",
        f"attendance-sheet-{first}.pdf",
        f"attendance-sheet-{second}.pdf",
        "online-participants.pdf",
        "feedback-summary.csv",
        "reporting-fields.csv",
    ]
    readme = archive.read("README.txt").decode()
    assert "National seminar in Lisbon" in readme
    for name in archive.namelist()[1:]:
        assert f"- {name}: " in readme
    assert "personal data" in readme
    assert "Ana Sousa" in pdf_text(archive.read(f"attendance-sheet-{first}.pdf"))
    assert "Rui Online" in pdf_text(archive.read("online-participants.pdf"))
    assert "Answers" in archive.read("feedback-summary.csv").decode("utf-8-sig")


def test_the_agenda_pdf_shows_each_days_items_with_times_speakers_and_the_funding_block(world, event) -> None:
    text = pdf_text(agenda_pdf(event))

    for expected in (
        "Agenda",
        "National seminar in Lisbon",
        "Welcome by the Director-General",
        "The Mentoring Model",
        "Dr Ana Sousa Lopes (Universidade de Lisboa)",
        "Round table on probation practice",
        "09:30–10:30",
        "Europe/Lisbon",
        "Auditório Municipal",
        "Zoom",
        "PR2 – Mentoring Model and Programme",
        world["project"].funding_statement,
        world["project"].grant_number,
    ):
        assert expected in text, expected
    assert text.index("The Mentoring Model") < text.index("Round table on probation practice")


def test_an_agenda_without_items_says_so(world) -> None:
    world["event"].language = "en"
    assert "No agenda items have been entered for this event." in pdf_text(agenda_pdf(world["event"]))


@pytest.mark.parametrize(
    ("event_format", "sheets", "online_list"),
    [(EventFormat.ONLINE, False, True), (EventFormat.IN_PERSON, True, False)],
)
def test_only_the_documents_of_the_events_format_are_packed(
    world,
    make_event,
    event_format: EventFormat,
    sheets: bool,
    online_list: bool,
) -> None:
    event = make_event(world["a"], format=event_format, title="One-format seminar", language="en")

    names = evidence_pack.build(event).files

    assert any(n.startswith("attendance-sheet-") for n in names) is sheets
    assert ("online-participants.pdf" in names) is online_list
    assert {"README.txt", "agenda.pdf", "feedback-summary.csv", "reporting-fields.csv"} <= set(names)


def test_the_reporting_fields_are_one_row_with_the_counts_of_the_reports(world, event) -> None:
    rows = list(csv.reader(io.StringIO(evidence_pack.reporting_fields_csv(event).decode("utf-8-sig"))))

    assert len(rows) == 2
    fields = dict(zip(*rows, strict=True))
    assert fields["Title"] == "National seminar in Lisbon"
    assert fields["Grant agreement number"] == world["project"].grant_number
    assert fields["Organising partner"] == "Centro de Prevenção Lisboa"
    assert (fields["Results presented"], fields["Work packages"]) == ("PR2", "WP3")
    assert (fields["Format"], fields["Time zone"], fields["Online platform"]) == ("Hybrid", "Europe/Lisbon", "Zoom")
    assert fields["Status"] == "Planned (published)"
    assert (fields["Registered"], fields["Attended"]) == ("2", "2")
    assert (fields["Attended on site"], fields["Attended online"]) == ("1", "1")
    assert (fields["Attended, from outside the consortium"], fields["Attended, partner staff"]) == ("1", "1")
    assert fields["Start"] == f"{event.local_start:%Y-%m-%d %H:%M}"


def test_a_download_is_logged_with_the_number_of_people_named(client, login, world, event) -> None:
    login(world["organiser_a"])

    client.get(pack_url(event))

    entries = [(e.user_email, e.what, e.row_count, e.event_id) for e in db.session.scalars(select(PersonalDataAccess))]
    assert entries == [(world["organiser_a"].email, "evidence-pack", 2, event.id)]


@pytest.mark.parametrize(("who", "status"), [("organiser_b", 404), ("foreign_manager", 404), ("manager", 403)])
def test_only_those_who_may_see_the_people_get_the_pack(client, login, world, event, who: str, status: int) -> None:
    login(world[who])

    response = client.get(pack_url(event))

    assert response.status_code == status
    assert db.session.scalars(select(PersonalDataAccess)).first() is None


def test_a_granted_manager_gets_the_pack_until_the_grant_is_revoked(client, login, world, event) -> None:
    grant = services.grant_personal_data(world["a"], world["manager"], actor=world["organiser_a"])
    login(world["manager"])

    assert client.get(pack_url(event)).status_code == 200
    services.revoke_personal_data(grant, actor=world["organiser_a"])
    assert client.get(pack_url(event)).status_code == 403


def test_the_workspace_link_shows_only_to_those_who_may_download_the_pack(app, world, event) -> None:
    template = '{% include "privacy/_evidence_pack_link.html" %}'
    with app.test_request_context():
        login_user(world["organiser_a"])
        assert pack_url(event) in render_template_string(template, event=event)
    with app.test_request_context():
        login_user(world["manager"])
        assert render_template_string(template, event=event).strip() == ""


def test_the_agenda_is_written_in_the_events_language(world) -> None:
    event = world["event"]
    event.language = "pt"

    text = pdf_text(agenda_pdf(event))

    assert text.startswith("Programa")


def test_the_uploaded_files_are_packed_by_kind_and_the_readme_says_what_is_missing(world, event) -> None:
    from seminar_app.funding.models import EvidenceFile

    # The event is over (40 days ago): every day's evidence is due.
    event.starts_at -= timedelta(days=70)
    event.ends_at -= timedelta(days=70)
    db.session.commit()
    first, second = event.local_days
    pdf, jpeg = b"%PDF-1.4 scan of the signed sheet", b"\xff\xd8\xff\xe0 page"
    for kind, day, name, content, content_type in (
        ("signed_sheet", first, "Sheet day 1.pdf", pdf, "application/pdf"),
        ("signed_sheet", second, "page1.jpg", jpeg, "image/jpeg"),
        ("material", None, "slides.pdf", pdf, "application/pdf"),
    ):
        db.session.add(
            EvidenceFile(
                event_id=event.id,
                kind=kind,
                day=day,
                filename=name,
                content_type=content_type,
                size=len(content),
                sha256="0" * 64,
                content=content,
            )
        )
    db.session.commit()

    pack = evidence_pack.build(event)

    archive = open_zip(pack.content)
    uploaded = [n for n in archive.namelist() if "/" in n]
    assert uploaded == [
        "material/01-slides.pdf",
        f"signed-sheets/{first.isoformat()}-02-Sheet_day_1.pdf",
        f"signed-sheets/{second.isoformat()}-03-page1.jpg",
    ]
    assert archive.read(uploaded[2]) == jpeg
    readme = archive.read("README.txt").decode()
    for name in uploaded:
        assert f"- {name}: " in readme
    assert "Signed attendance sheet of" in readme and "uploaded as page1.jpg" in readme
    assert "Still missing for the funder:" in readme
    assert "online participant report for" in readme.split("Still missing for the funder:")[1]
