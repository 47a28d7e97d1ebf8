"""Text with NUL or other control characters, typed into any form that stores text: the
person gets a message next to the field and nothing is saved (PostgreSQL refuses NUL, so
without the check these were 500s there)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.campaigns.models import Campaign
from seminar_app.contacts.models import Contact, ContactList
from seminar_app.enums import AttendanceMode, EventStatus, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.models import Question
from seminar_app.mail.models import OutboxMessage
from seminar_app.projects.models import Partner, PrivacyNotice, Project
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput
from tests.test_campaigns_services import add_contacts, people
from tests.test_events_routes import edit_data, form_data

MESSAGE = "Remove the invisible control characters from this text."
NUL = "Zebra\x00quagga"


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def event(make_event, make_partner):  # type: ignore[no-untyped-def]
    partner = make_partner(name="Centro de Prevenção Lisboa")
    return make_event(partner, title="Mentoring in probation")


@pytest.fixture
def organiser(make_user, event):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[event.partner])


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert MESSAGE in page
    # the message sits in the field's feedback, not only in a summary
    field_at = page.index(f'id="{field}"')
    assert MESSAGE in page[field_at : field_at + 3000]


EVENT_FIELDS = [
    "title",
    "summary",
    "description",
    "venue_name",
    "address",
    "city",
    "online_platform",
    "objective",
    "outcome",
]


@pytest.mark.parametrize("field", EVENT_FIELDS)
def test_new_event_with_a_control_character_is_refused_next_to_the_field(client, login, organiser, event, field):
    login(organiser)
    before = count(Event)
    response = client.post("/manage/events/new", data=form_data(event.partner, **{field: NUL}))
    assert_refused(response, field)
    assert count(Event) == before


@pytest.mark.parametrize("field", EVENT_FIELDS)
def test_edited_event_with_a_control_character_is_refused_and_unchanged(client, login, organiser, event, field):
    login(organiser)
    before = getattr(event, field)
    response = client.post(f"/manage/events/{event.id}", data=edit_data(event, **{field: "Tab\tok\x0bnot"}))
    assert_refused(response, field)
    db.session.expire_all()
    assert getattr(db.session.get(Event, event.id), field) == before


def test_a_status_note_with_a_control_character_is_refused(client, login, organiser, event):
    login(organiser)
    response = client.post(
        f"/manage/events/{event.id}/status", data={"target": "cancelled", "note": NUL, "confirmed": "yes"}
    )
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status is EventStatus.PUBLISHED


def _item_data(event: Event, **overrides: str) -> dict[str, str]:
    start = event.local_start
    data = {
        "title": "Keynote",
        "kind": "talk",
        "starts_local": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_local": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["title", "description"])
def test_agenda_item_with_a_control_character_is_refused(client, login, organiser, event, field):
    login(organiser)
    response = client.post(f"/manage/events/{event.id}/agenda/new", data=_item_data(event, **{field: NUL}))
    assert_refused(response, field)
    assert count(AgendaItem) == 0


@pytest.mark.parametrize("field", ["name", "affiliation", "bio"])
def test_speaker_with_a_control_character_is_refused(client, login, organiser, event, field):
    login(organiser)
    data = {"name": "Dr Ana Sousa", "affiliation": "ULisboa", "bio": "", field: NUL}
    response = client.post(f"/manage/events/{event.id}/speakers/new", data=data)
    assert_refused(response, field)
    assert count(Speaker) == 0


def test_contact_list_name_with_a_control_character_is_refused(client, login, organiser, event):
    login(organiser)
    response = client.post(f"/partners/{event.partner_id}/contact-lists", data={"name": NUL})
    assert_refused(response, "name")
    assert count(ContactList) == 0


@pytest.mark.parametrize("field", ["name", "organisation", "source"])
def test_contact_with_a_control_character_is_refused(client, login, organiser, event, field):
    login(organiser)
    data = {"email": "ana@example.org", "legal_basis": "consent", "name": "Ana", field: NUL}
    response = client.post(f"/partners/{event.partner_id}/contacts/new", data=data)
    assert_refused(response, field)
    assert count(Contact) == 0


def test_campaign_note_with_a_control_character_is_refused(client, login, organiser, event):
    officers = add_contacts(event.partner, "Officers", people(2, language="en"))
    login(organiser)
    data = {"lists": [officers.id], "expected_count": "2", "send": "1", "personal_note": NUL}
    response = client.post(f"/manage/events/{event.id}/campaigns/new", data=data)
    assert_refused(response, "personal_note")
    assert count(Campaign) == 0


@pytest.mark.parametrize(("field", "extra"), [("text", {}), ("choices", {"kind": "single"})])
def test_feedback_question_with_a_control_character_is_refused(client, login, organiser, event, field, extra):
    login(organiser)
    data = {"text": "Which result?", "kind": "text", "choices": "", **extra}
    data[field] = NUL if field == "text" else f"One\n{NUL}"
    response = client.post(f"/manage/events/{event.id}/feedback/questions", data=data)
    assert_refused(response, field)
    assert not [text for text in db.session.scalars(select(Question.text)) if "quagga" in text]


def test_decline_reason_with_a_control_character_is_refused(client, login, organiser, make_event):
    organiser_event = make_event(organiser.partners[0], requires_approval=True)
    data = RegistrationInput(
        name="Pending Person", email="p@example.org", mode=AttendanceMode.ONSITE, privacy_acknowledged=True
    )
    pending = registration_services.register(organiser_event, data).registration
    mails_before = count(OutboxMessage)
    login(organiser)
    url = f"/manage/events/{organiser_event.id}/registrations/{pending.id}/decline"
    response = client.post(url, data={"reason": NUL})
    assert_refused(response, "reason")
    db.session.expire_all()
    assert db.session.get(Registration, pending.id).status is pending.status
    assert count(OutboxMessage) == mails_before


def test_walk_in_with_a_control_character_is_refused(client, login, organiser, make_event):
    today = make_event(organiser.partners[0], days_ahead=0, hours=1)
    login(organiser)
    data = {"name": NUL, "mode": "onsite", "organisation_country": "PT", "stakeholder_group": "researchers"}
    data["day"] = today.local_days[0].isoformat()
    response = client.post(f"/manage/events/{today.id}/attendance/walk-in", data=data)
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert count(Registration) == 0


# --- administrators' forms ---------------------------------------------------------------


@pytest.fixture
def admin_client(client, login, make_user):  # type: ignore[no-untyped-def]
    return login(make_user(Role.ADMIN))


def _project_data(project: Project, **overrides: str) -> dict[str, str]:
    data = {
        "name": project.name,
        "acronym": project.acronym,
        "slug": project.slug,
        "funding_programme": project.funding_programme,
        "grant_number": project.grant_number,
        "funding_statement": project.funding_statement,
        "disclaimer": project.disclaimer,
        "default_language": project.default_language,
        "feedback_min_answers": str(project.feedback_min_answers),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["name", "acronym", "funding_programme", "funding_statement", "disclaimer"])
def test_project_with_a_control_character_is_refused(admin_client, event, field):
    project = event.partner.project
    before = getattr(project, field)
    response = admin_client.post(f"/admin/projects/{project.id}/edit", data=_project_data(project, **{field: NUL}))
    assert_refused(response, field)
    db.session.expire_all()
    assert getattr(db.session.get(Project, project.id), field) == before


def test_privacy_notice_with_a_control_character_is_refused(admin_client, event):
    project = event.partner.project
    before = count(PrivacyNotice)
    response = admin_client.post(f"/admin/projects/{project.id}/privacy", data={"text": NUL})
    assert_refused(response, "text")
    assert count(PrivacyNotice) == before


@pytest.mark.parametrize("field", ["name", "short_name", "city"])
def test_partner_with_a_control_character_is_refused(admin_client, event, field):
    partner = event.partner
    data = {
        "name": partner.name,
        "short_name": partner.short_name,
        "country": partner.country,
        "city": partner.city,
        "timezone": partner.timezone,
        "default_language": partner.default_language,
        "contact_email": partner.contact_email,
        field: NUL,
    }
    response = admin_client.post(f"/admin/partners/{partner.id}/edit", data=data)
    assert_refused(response, field)
    db.session.expire_all()
    assert getattr(db.session.get(Partner, partner.id), field) == getattr(partner, field)


def test_user_name_with_a_control_character_is_refused(admin_client, event):
    data = {"email": "new@example.org", "name": NUL, "role": "admin", "active": "y"}
    data["password"] = data["password_confirm"] = "a long enough password"
    response = admin_client.post("/admin/users/new", data=data)
    assert_refused(response, "name")
