"""Calendar files with any text an organiser may store (line breaks, commas, semicolons,
backslashes, quotes) in titles, venues, descriptions and names: every download, feed and
mailed calendar is served, read back exactly by libical and ical.js; feed names are TEXT;
Last-Modified follows the partner and the project; UIDs are this installation's own."""

from __future__ import annotations

import re
import time
from typing import Any

import icalendar
import pytest
from sqlalchemy import select

from seminar_app.campaigns.emails import save_the_date
from seminar_app.enums import AttendanceMode
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.projects import services as project_services
from seminar_app.registration import services
from tests.mail_rows import write_pending_mail
from tests.test_calendar_invitations import edit
from tests.test_registration_services import person

TITLE = 'Seminário: inclusão, integração; 2ª edição\nSecond line with a \\ backslash and "quotes"'
VENUE = "Sala 1, Piso 2; Edifício\\Norte\r\nEntrada B"
SUMMARY = "Line one, with comma;\nline two\\three"
PARTNER = 'Centro "Prevenção", Lisboa; PT\\Sul'


def unfolded(body: bytes) -> str:
    return body.replace(b"\r\n ", b"").decode()


def as_text(value: str) -> str:
    """`value` escaped as RFC 5545 TEXT, worked out by hand."""
    escaped = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return escaped.replace("\r\n", "\\n").replace("\n", "\\n")


def read_back(body: bytes, libical: Any, icaljs: Any) -> dict[str, Any]:
    """The calendar as icalendar, libical and ical.js read it; each must accept it."""
    checked = libical(body)
    assert checked["parsed"] and checked["errors"] == [], checked
    (entry,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    (js_entry,) = icaljs(body)["events"]
    return {"entry": entry, "js": js_entry}


@pytest.fixture
def hostile_event(make_partner, make_event, make_agenda_item):  # type: ignore[no-untyped-def]
    partner = make_partner(name=PARTNER)
    event = make_event(partner, title=TITLE, venue_name=VENUE, summary=SUMMARY, address="Rua A, 1; 2\\3")
    make_agenda_item(event, title="Opening, welcome; coffee\nand talk")
    return event


def assert_exact(read: dict[str, Any]) -> None:
    assert str(read["entry"]["SUMMARY"]) == TITLE.replace("\r\n", "\n")
    assert read["js"]["summary"] == TITLE
    assert VENUE.replace("\r\n", "\n") in read["js"]["location"]
    assert SUMMARY in read["js"]["description"]
    assert "Opening, welcome; coffee\nand talk" in read["js"]["description"]
    assert read["js"]["organizer"]["cn"] == PARTNER


def test_public_download_of_an_event_with_a_line_break_in_its_title(client, hostile_event, libical, icaljs):
    response = client.get(f"/events/{hostile_event.slug}/calendar.ics")
    assert response.status_code == 200
    assert_exact(read_back(response.data, libical, icaljs))
    assert f"\r\nX-WR-CALNAME:{as_text(TITLE)}\r\n" in unfolded(response.data)


def test_feeds_with_such_events(client, hostile_event, libical, icaljs):
    partner = hostile_event.partner
    for url in (
        f"/feeds/partners/{partner.id}.ics",
        f"/feeds/projects/{partner.project.slug}.ics",
        "/feeds/countries/pt.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_exact(read_back(response.data, libical, icaljs))


def test_feed_names_are_escaped_as_text(client, hostile_event):
    response = client.get(f"/feeds/partners/{hostile_event.partner_id}.ics")
    text = unfolded(response.data)
    escaped = as_text(f"{PARTNER} events ({hostile_event.partner.project.acronym})")
    assert f"\r\nNAME:{escaped}\r\n" in text
    assert f"\r\nX-WR-CALNAME:{escaped}\r\n" in text


def test_personal_download_and_invitation_mail(client, hostile_event, libical, icaljs):
    edit(hostile_event, joining_url="https://zoom.example/j/42?pwd=a b\nc")
    registration = services.register(hostile_event, person(1, mode=AttendanceMode.ONLINE)).registration
    token = services.private_token(registration)
    response = client.get(f"/r/{token}/calendar.ics")
    assert response.status_code == 200
    read = read_back(response.data, libical, icaljs)
    assert_exact(read)
    assert token in read["js"]["description"]

    write_pending_mail()
    (mail,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.calendar_ics != ""))
    invitation = read_back(mail.calendar_ics.encode(), libical, icaljs)
    assert_exact(invitation)
    assert str(invitation["entry"]["CONFERENCE"]) == "https://zoom.example/j/42?pwd=a%20b%0Ac"


def test_save_the_date_calendar_of_a_campaign(hostile_event, libical, icaljs):
    read = read_back(save_the_date(hostile_event, "pt").encode(), libical, icaljs)
    assert_exact(read)


# --- Last-Modified and UIDs ----------------------------------------------------------------


def test_renaming_the_partner_or_project_changes_last_modified(client, make_partner, make_event):
    partner = make_partner(name="Old name")
    make_event(partner, title="Seminar")
    url = f"/feeds/partners/{partner.id}.ics"
    first = client.get(url).headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": first}).status_code == 304

    time.sleep(1.1)  # Last-Modified has a resolution of one second.
    data = project_services.PartnerInput.from_partner(partner)
    data.name = "New name"
    project_services.update_partner(partner, data)
    renamed = client.get(url, headers={"If-Modified-Since": first})
    assert renamed.status_code == 200
    assert "New name" in unfolded(renamed.data)

    second = renamed.headers["Last-Modified"]
    time.sleep(1.1)
    project = partner.project
    project_data = project_services.ProjectInput.from_project(project)
    project_data.acronym = "RENAMED"
    project_services.update_project(project, project_data)
    again = client.get(url, headers={"If-Modified-Since": second})
    assert again.status_code == 200
    assert "RENAMED" in unfolded(again.data)


def test_changing_the_agenda_changes_last_modified(client, make_event, make_agenda_item):
    from seminar_app.agenda import services as agenda_services

    event = make_event(title="Seminar")
    url = f"/events/{event.slug}/calendar.ics"
    first = client.get(url).headers["Last-Modified"]
    time.sleep(1.1)
    item = make_agenda_item(event, title="Opening")
    data = agenda_services.AgendaItemInput(
        title="Opening and welcome", starts_local=item.local_start, ends_local=item.local_end
    )
    agenda_services.update_agenda_item(item, data)
    response = client.get(url, headers={"If-Modified-Since": first})
    assert response.status_code == 200
    assert "Opening and welcome" in unfolded(response.data)


def test_uids_carry_this_installations_id_and_stay_the_same(client, make_event):
    from seminar_app.calendar.invitations import uid_space

    event = make_event()
    uids = uid_space()
    assert len(uids.installation_id) >= 32
    body = client.get(f"/events/{event.slug}/calendar.ics").data
    (uid,) = re.findall(r"\r\nUID:([^\r]+)\r\n", unfolded(body))
    assert uid == f"event-{event.id}-{uids.installation_id}@{uids.domain}"
    assert client.get(f"/events/{event.slug}/calendar.ics").data.count(uid.encode()) == 1
    assert uid_space() == uids


def test_a_missing_installation_id_is_made_once_and_kept(app):
    from seminar_app.installation import AppSetting, installation_id

    db.session.query(AppSetting).delete()
    db.session.commit()
    made = installation_id()
    db.session.commit()
    db.session.expire_all()
    assert installation_id() == made and len(made) == 32
