"""Evidence documents as the funder and the attendee get them: the attendance sheet to sign,
the list of online participants with the organiser's declaration, the certificate of
attendance, and who may download which. PDFs are read back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask import render_template
from pypdf import PdfReader
from sqlalchemy import select

from seminar_app.attendance import evidence, services
from seminar_app.attendance.models import Attendance
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, CheckInSource, EventFormat, EventStatus, RegistrationStatus, Role
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput, private_token


def register(event, name: str, mode=AttendanceMode.ONSITE, **extra) -> Registration:  # type: ignore[no-untyped-def]
    email = re.sub(r"\W", "", name.lower().encode("ascii", "ignore").decode()) + "@example.org"
    data = RegistrationInput(name=name, email=email, mode=mode, privacy_acknowledged=True, **extra)
    return registration_services.register(event, data).registration


def read_pdf(content: bytes) -> tuple[str, int]:
    """The text of every page, and the number of pages."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def blank_rows(text: str) -> list[str]:
    """The numbers of the sheet's empty rows (a row with a name reads "4 Name ...")."""
    return [line for line in lines(text) if line.isdigit()]


def end_an_hour_ago(event: Event) -> None:
    """Move the event (registrations taken) so that it ended an hour ago."""
    length = event.ends_at - event.starts_at
    event.ends_at = utcnow().replace(microsecond=0) - timedelta(hours=1)
    event.starts_at = event.ends_at - length
    db.session.commit()


def online_attendance(registration: Registration, minutes: int | None = 95) -> Attendance:
    """Attendance as the video-conference report import records it."""
    event = registration.event
    attendance = Attendance(
        event_id=event.id,
        registration=registration,
        day=event.local_days[0],
        mode=AttendanceMode.ONLINE,
        source=CheckInSource.IMPORT,
        minutes=minutes,
    )
    db.session.add(attendance)
    db.session.commit()
    return attendance


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(name="Centro de Prevenção Lisboa", default_language="en")


@pytest.fixture
def organiser(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner])


@pytest.fixture
def event(make_event, partner):  # type: ignore[no-untyped-def]
    return make_event(partner, title="National seminar on mentoring in probation")


@pytest.fixture
def people(event) -> dict[str, Registration]:  # type: ignore[no-untyped-def]
    return {
        "stefan": register(
            event,
            "Ștefan Dumitrescu",
            organisation="Administrația Națională a Penitenciarelor",
            organisation_city="București",
            organisation_country="RO",
            stakeholder_group="prison_probation",
        ),
        "lukasz": register(
            event,
            "Łukasz Żółć",
            organisation="Służba Więzienna",
            organisation_country="PL",
            stakeholder_group="law_enforcement",
        ),
        "joao": register(
            event,
            "João Gonçalves",
            organisation="Universidade de Coimbra",
            organisation_city="Coimbra",
            organisation_country="PT",
            stakeholder_group="researchers",
        ),
        "rita": register(
            event,
            "Rita Lopes",
            AttendanceMode.ONLINE,
            organisation="APAV",
            organisation_country="PT",
            stakeholder_group="ngo_community",
        ),
    }


@pytest.fixture
def as_organiser(client, login, organiser):  # type: ignore[no-untyped-def]
    return login(organiser)


def sheet_url(event: Event, day: str | None = None) -> str:
    return f"/manage/events/{event.id}/attendance/sheet/{day or event.local_days[0].isoformat()}.pdf"


def online_url(event: Event) -> str:
    return f"/manage/events/{event.id}/attendance/online.pdf"


# --- the attendance sheet ----------------------------------------------------------------------


def test_sheet_lists_on_site_people_by_name_with_a_signature_column_and_blank_rows(as_organiser, event, people):
    response = as_organiser.get(sheet_url(event))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{event.local_days[0].isoformat()}.pdf" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    text, pages = read_pdf(response.data)
    assert f"Page 1 of {pages}" in text
    for expected in (
        "Attendance sheet",
        event.title,
        "Auditório Municipal",
        "Centro de Prevenção Lisboa",
        "No. Name Organisation City / country Stakeholder group Signature",
    ):
        assert expected in text
    assert [line for line in lines(text) if re.match(r"^\d+ \D", line)] == [
        "1 João Gonçalves Universidade de Coimbra Coimbra, Portugal Researchers",
        "2 Łukasz Żółć Służba Więzienna Poland Law-enforcement officers",
        "3 Ștefan Dumitrescu Administrația Națională a Penitenciarelor București, Romania Prison and probation staff",
    ]
    assert blank_rows(text) == [str(n) for n in range(4, 14)]  # ten rows for walk-ins, numbered on
    assert "Rita Lopes" not in text  # registered online
    assert "@" not in text  # the sheet goes round the room: no e-mail addresses


def test_each_download_is_recorded_in_the_partners_access_log(as_organiser, organiser, event, people):
    from seminar_app.privacy.models import PersonalDataAccess

    as_organiser.get(sheet_url(event))
    as_organiser.get(online_url(event))
    log = db.session.scalars(select(PersonalDataAccess).order_by(PersonalDataAccess.id)).all()
    day = event.local_days[0].isoformat()
    assert [(e.user_email, e.what, e.row_count) for e in log] == [
        (organiser.email, f"attendance-sheet-{day}.pdf", 3),
        (organiser.email, "online-participants.pdf", len(evidence.online_attendance(event)[0])),
    ]
    assert {e.partner_id for e in log} == {event.partner_id}


def test_sheet_carries_the_funding_block_with_the_grant_number(as_organiser, event, people):
    project = event.project

    text, _ = read_pdf(as_organiser.get(sheet_url(event)).data)

    assert project.funding_statement in text
    assert project.grant_number in text
    assert "Erasmus+ KA220-ADU" in text
    assert project.disclaimer in text


def test_sheet_for_sixty_people_runs_over_pages_numbered_page_n_of_total(event):
    for n in range(60):
        db.session.add(
            Registration(
                event=event,
                status=RegistrationStatus.CONFIRMED,
                mode=AttendanceMode.ONSITE,
                name=f"Participant {n:02d}",
                organisation="Probation Service",
            )
        )
    db.session.commit()

    text, pages = read_pdf(evidence.attendance_sheet_pdf(event, event.local_days[0]))

    assert pages >= 4
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert text.count("Signature") == pages  # the headings repeat on every page
    assert text.count(event.project.grant_number) == pages
    assert "Participant 00" in text and "Participant 59" in text
    assert blank_rows(text) == [str(n) for n in range(61, 71)]


def test_sheet_leaves_out_erased_people_and_those_who_attended_online_that_day(event, people):
    registration_services.erase_registration(people["stefan"])
    day = event.local_days[0]
    online_attendance(people["joao"])
    came_in_person = services.check_in(people["rita"], day, source=CheckInSource.QR).attendance

    text, _ = read_pdf(evidence.attendance_sheet_pdf(event, day))

    assert "Ștefan" not in text and "Administrația" not in text
    assert "João Gonçalves" not in text
    assert came_in_person.mode is AttendanceMode.ONSITE and "Rita Lopes" in text
    assert "Łukasz Żółć" in text


def test_sheet_is_in_the_events_language(make_partner, make_event):
    lisbon = make_partner(default_language="pt")
    event = make_event(lisbon, title="Seminário nacional")

    text, _ = read_pdf(evidence.attendance_sheet_pdf(event, event.local_days[0]))

    assert "Número da convenção de subvenção:" in text
    assert "Grant agreement number:" not in text


def test_sheet_of_a_day_outside_the_event_or_of_an_online_event_is_not_found(as_organiser, event, make_event, partner):
    outside = (event.local_days[-1] + timedelta(days=1)).isoformat()
    webinar = make_event(partner, format=EventFormat.ONLINE, capacity_onsite=None)

    assert as_organiser.get(sheet_url(event, outside)).status_code == 404
    assert as_organiser.get(sheet_url(event, "tomorrow")).status_code == 404
    assert as_organiser.get(sheet_url(event, event.local_days[0].strftime("%Y%m%d"))).status_code == 404
    assert as_organiser.get(sheet_url(webinar)).status_code == 404
    with pytest.raises(DomainError, match="not a day of this event"):
        evidence.attendance_sheet_pdf(event, event.local_days[-1] + timedelta(days=1))


def test_evidence_links_offer_a_sheet_per_day_at_a_venue_and_the_online_list_online(app, make_event, partner):
    hybrid = make_event(partner, hours=30)
    in_person = make_event(partner, format=EventFormat.IN_PERSON, capacity_online=None)
    webinar = make_event(partner, format=EventFormat.ONLINE, capacity_onsite=None)

    with app.test_request_context():
        links = {e: render_template("attendance/_evidence_links.html", event=e) for e in (hybrid, in_person, webinar)}

    assert [sheet_url(hybrid, d.isoformat()) in links[hybrid] for d in hybrid.local_days] == [True, True]
    assert online_url(hybrid) in links[hybrid]
    assert sheet_url(in_person) in links[in_person] and online_url(in_person) not in links[in_person]
    assert "/sheet/" not in links[webinar] and online_url(webinar) in links[webinar]


def test_multi_day_event_has_a_sheet_per_day(as_organiser, make_event, partner):
    event = make_event(partner, hours=30)
    first, second = event.local_days[:2]

    text, _ = read_pdf(as_organiser.get(sheet_url(event, second.isoformat())).data)

    assert "day 2 of 2" in text
    assert as_organiser.get(sheet_url(event, first.isoformat())).status_code == 200


# --- the online participant list ---------------------------------------------------------------


def test_online_list_names_online_attendees_with_minutes_and_the_organisers_declaration(as_organiser, event, people):
    end_an_hour_ago(event)
    online_attendance(people["rita"], minutes=95)
    online_attendance(people["lukasz"], minutes=None)
    services.check_in(people["joao"], event.local_days[0])

    response = as_organiser.get(online_url(event))

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment;" in response.headers["Content-Disposition"]
    text, _ = read_pdf(response.data)
    for expected in ("List of online participants", "Rita Lopes", "APAV", "NGO and community members", "95"):
        assert expected in text
    assert "Łukasz Żółć" in text and "Służba Więzienna" in text
    assert "João Gonçalves" not in text  # checked in on site
    assert "@" not in text
    flat = " ".join(text.split())
    assert "I, the undersigned, declare that the 2 persons listed above attended" in flat
    assert "Signature:" in text and "Position:" in text
    assert event.project.grant_number in text


def test_online_list_leaves_out_erased_attendees_but_says_how_many(event, people):
    end_an_hour_ago(event)
    online_attendance(people["rita"])
    online_attendance(people["lukasz"])
    registration_services.erase_registration(people["lukasz"])

    text, _ = read_pdf(evidence.online_participants_pdf(event))

    assert "Rita Lopes" in text and "Łukasz" not in text and "Służba" not in text
    assert "1 further participant attended online but asked for their personal data to be erased" in " ".join(
        text.split()
    )


def test_online_list_without_recorded_attendance_says_so_and_has_no_declaration(event, people):
    text, _ = read_pdf(evidence.online_participants_pdf(event))

    assert "No online attendance has been recorded for this event." in text
    assert "undersigned" not in text
    assert event.project.grant_number in text


# --- who may download the organiser's documents ----------------------------------------------------


@pytest.mark.parametrize("which", ["sheet", "online"])
def test_another_partners_organiser_gets_404_and_a_manager_without_a_grant_403(
    which, client, login, make_user, make_partner, event, people
):
    url = sheet_url(event) if which == "sheet" else online_url(event)
    other = make_user(Role.ORGANISER, partners=[make_partner(event.project)])
    manager = make_user(Role.MANAGER, projects=[event.project])

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(other)
    assert client.get(url).status_code == 404
    client.post("/logout")
    login(manager)
    refused = client.get(url)
    assert refused.status_code == 403 and refused.mimetype == "text/html"
    assert "Personal data of another organisation" in refused.get_data(as_text=True)


# --- the certificate ----------------------------------------------------------------------------


def test_attendee_downloads_a_certificate_from_their_private_page(client, event, people):
    joao = people["joao"]
    event.results = [r for r in event.project.results if r.code == "PR2"]
    end_an_hour_ago(event)
    services.check_in(joao, event.local_days[0])
    token = private_token(joao)

    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert f"/r/{token}/certificate.pdf" in page and "My certificate of attendance" in page
    response = client.get(f"/r/{token}/certificate.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text, pages = read_pdf(response.data)
    text = " ".join(text.split())  # the title may wrap inside the sentence
    assert pages == 1
    for expected in (
        "Certificate of attendance",
        "João Gonçalves",
        "Universidade de Coimbra",
        event.title,
        "Auditório Municipal",
        "Centro de Prevenção Lisboa",
        event.project.acronym,
        event.project.grant_number,
        "PR2 – Mentoring Model and Programme",
    ):
        assert expected in text


def test_certificate_of_an_online_attendee_says_online(event, people):
    end_an_hour_ago(event)
    online_attendance(people["rita"])

    text, _ = read_pdf(evidence.certificate_pdf(people["rita"]))

    assert "Rita Lopes" in text and "Online (Zoom)" in text
    assert "Auditório Municipal" not in text


def test_certificate_is_in_the_attendees_language(make_partner, make_event):
    event = make_event(make_partner(default_language="pt"), title="Seminário nacional")
    english = register(event, "Mary Byrne", language="en")
    portuguese = register(event, "Inês Carvalho", language="pt")
    end_an_hour_ago(event)
    for registration in (english, portuguese):
        services.check_in(registration, event.local_days[0])

    english_text, _ = read_pdf(evidence.certificate_pdf(english))
    portuguese_text, _ = read_pdf(evidence.certificate_pdf(portuguese))

    assert "Grant agreement number:" in " ".join(english_text.split())
    assert "Número da convenção de subvenção:" in " ".join(portuguese_text.split())


def test_no_certificate_without_recorded_attendance_the_page_says_why(client, event, people):
    end_an_hour_ago(event)
    token = private_token(people["lukasz"])

    assert "certificate.pdf" not in client.get(f"/r/{token}").get_data(as_text=True)
    response = client.get(f"/r/{token}/certificate.pdf", follow_redirects=True)

    assert response.request.path == f"/r/{token}"
    assert "No attendance is recorded for you at this event" in response.get_data(as_text=True)
    with pytest.raises(evidence.CertificateRefused):
        evidence.certificate_pdf(people["lukasz"])


def test_no_certificate_before_the_event_is_over(client, event, people):
    services.check_in(people["joao"], event.local_days[0])
    token = private_token(people["joao"])

    response = client.get(f"/r/{token}/certificate.pdf", follow_redirects=True)

    assert response.request.path == f"/r/{token}"
    assert "available once the event is over" in response.get_data(as_text=True)
    assert "My certificate of attendance" not in response.get_data(as_text=True)


def test_no_certificate_for_a_cancelled_event_even_with_attendance_recorded(event, people):
    services.check_in(people["joao"], event.local_days[0])
    end_an_hour_ago(event)
    event.status = EventStatus.CANCELLED
    db.session.commit()

    with pytest.raises(evidence.CertificateRefused, match="cancelled"):
        evidence.certificate_pdf(people["joao"])


def test_certificate_for_an_unknown_link_is_not_found(client, event, people):
    response = client.get("/r/not-a-real-token/certificate.pdf")

    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)
