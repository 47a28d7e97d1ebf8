"""Each person in their own language: every way into a registration stores the language the
person registered in, every message to them uses it, and organisers see and change it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from seminar_app.attendance import services as attendance_services
from seminar_app.campaigns import batches
from seminar_app.campaigns.models import Invitation
from seminar_app.campaigns.tokens import invitation_token
from seminar_app.enums import AttendanceMode, Role
from seminar_app.errors import InvalidTransition, ValidationFailed
from seminar_app.extensions import db
from seminar_app.feedback import services as feedback_services
from seminar_app.jobs import emails as job_emails
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput
from tests.mail_rows import write_pending_mail
from tests.test_campaigns_services import add_contacts, start

CONFIRMED_PT = "O seu lugar está confirmado."
CONFIRMED_EN = "Your place is confirmed."


def form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Inês Carvalho",
        "email": "ines@probation.example",
        "organisation_country": "PT",
        "stakeholder_group": "prison_probation",
        "mode": "onsite",
        "privacy_acknowledged": "y",
    }
    values.update(overrides)
    return values


def person(email: str = "mary@probation.example", **overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = {"name": "Mary Byrne", "email": email, "mode": AttendanceMode.ONSITE, "privacy_acknowledged": True}
    values.update(overrides)
    return RegistrationInput(**values)


def mails(kind: str) -> list[OutboxMessage]:
    write_pending_mail()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def registration_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration)) or 0


def only_registration() -> Registration:
    return db.session.scalars(select(Registration)).one()


@pytest.fixture
def event(make_event, make_partner):  # type: ignore[no-untyped-def]
    """An English-language event of a partner whose own language is Portuguese."""
    return make_event(make_partner(default_language="pt"), slug="mentoring", language="en")


@pytest.fixture
def organiser(make_user, event):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[event.partner])


# --- the public form ------------------------------------------------------------------------------


def test_registering_on_the_portuguese_page_gets_portuguese_mail_for_an_english_event(client, event) -> None:
    client.get("/lang/pt")
    response = client.post("/events/mentoring/register", data=form())

    assert response.status_code == 302
    assert only_registration().language == "pt"
    [mail] = mails("registration_confirmed")
    assert CONFIRMED_PT in mail.body_text and CONFIRMED_EN not in mail.body_text


def test_the_browsers_language_is_the_pages_and_so_the_registrations(client, event) -> None:
    client.post("/events/mentoring/register", data=form(), headers={"Accept-Language": "pt-PT,pt;q=0.9"})
    assert only_registration().language == "pt"


# --- the invitation link ----------------------------------------------------------------------------


def test_a_contact_invited_in_portuguese_is_mailed_and_registered_in_portuguese(client, event) -> None:
    contacts = add_contacts(event.partner, "Officers", [{"email": "rui@probation.example", "language": "pt"}])
    campaign = start(event, contacts)
    batches.queue_next_batch(campaign)
    [invitation_mail] = mails("invitation")
    assert invitation_mail.subject.startswith("Convite:"), "the invitation is in the contact's language"
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.language == "pt"

    token = invitation_token(invitation)
    response = client.post(
        f"/events/mentoring/register?invitation={token}",
        data=form(email="rui@probation.example"),
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 302
    registration = only_registration()
    assert (registration.source, registration.language) == ("invitation", "pt")
    assert CONFIRMED_PT in mails("registration_confirmed")[0].body_text


# --- the API ----------------------------------------------------------------------------------------


def api_body(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Rui Costa",
        "email": "rui@probation.example",
        "mode": "onsite",
        "privacy_acknowledged": True,
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("extra", "headers", "expected"),
    [
        ({"language": "pt"}, {"Accept-Language": "en"}, "pt"),
        ({}, {"Accept-Language": "pt-PT"}, "pt"),
        ({}, {"Accept-Language": "fi"}, "fi"),  # shipped: mail follows once the catalogue is complete
        ({}, {}, "en"),  # no preference at all: the event's language
    ],
)
def test_the_api_stores_the_named_or_requested_language(client, event, extra, headers, expected) -> None:
    response = client.post(f"/api/v1/events/{event.id}/registrations", json=api_body(**extra), headers=headers)
    assert response.status_code == 202
    assert only_registration().language == expected


def test_the_api_stores_the_events_language_when_nothing_is_asked_for_a_portuguese_event(client, make_event) -> None:
    event = make_event(language="pt")
    client.post(f"/api/v1/events/{event.id}/registrations", json=api_body())
    assert only_registration().language == "pt"
    assert CONFIRMED_PT in mails("registration_confirmed")[0].body_text


@pytest.mark.parametrize("language", ["xx", "el", ""])
def test_the_api_refuses_a_language_the_platform_does_not_ship(client, event, language) -> None:
    response = client.post(f"/api/v1/events/{event.id}/registrations", json=api_body(language=language))
    assert response.status_code == 422
    assert "language" in response.get_json()["error"]["errors"]
    assert registration_count() == 0 and mails("registration_confirmed") == []


# --- walk-ins and people added by hand ----------------------------------------------------------------


def test_a_walk_in_gets_the_events_language_unless_the_organiser_chooses_another(event) -> None:
    day = event.local_days[0]
    walk_in = attendance_services.WalkInInput
    onsite = AttendanceMode.ONSITE
    english = attendance_services.add_walk_in(event, walk_in(name="Mary", email="mary@x.example", mode=onsite), day)
    portuguese = attendance_services.add_walk_in(
        event, walk_in(name="Inês", email="ines@x.example", mode=onsite, language="pt"), day
    )

    assert (english.language, portuguese.language) == ("en", "pt")
    by_address = {m.to_address: m for m in mails("registration_confirmed")}
    assert CONFIRMED_PT in by_address["ines@x.example"].body_text
    assert CONFIRMED_EN in by_address["mary@x.example"].body_text


def test_a_walk_in_in_an_unknown_language_is_refused_and_nobody_is_added(event) -> None:
    with pytest.raises(ValidationFailed) as refused:
        attendance_services.add_walk_in(
            event,
            attendance_services.WalkInInput(name="Ana", mode=AttendanceMode.ONSITE, language="xx"),
            event.local_days[0],
        )
    assert "“xx” is not one of the languages of this platform" in refused.value.errors["language"][0]
    assert registration_count() == 0


def test_the_walk_in_form_offers_the_shipped_languages_with_the_events_preselected(
    client, login, organiser, event
) -> None:
    login(organiser)
    page = client.get(f"/manage/events/{event.id}/attendance").get_data(as_text=True)
    select_tag = re.search(r'<select[^>]*name="language".*?</select>', page, re.S)
    assert select_tag is not None
    options = re.findall(r'<option[^>]*value="([^"]*)"', select_tag.group(0))
    assert sorted(options) == sorted(["en", "pt", "it", "ro", "fi", "tr", "es", "fr", "de", "pl"])
    assert re.search(r'<option selected value="en">English</option>', select_tag.group(0))
    assert ">Português<" in select_tag.group(0) and ">Suomi<" in select_tag.group(0), "each in its own name"


ADD = {"name": "Inês", "email": "ines@x.example", "mode": "onsite", "organisation_country": "", "stakeholder_group": ""}


def test_an_organiser_adds_a_person_in_their_language(client, login, organiser, event) -> None:
    login(organiser)
    page = client.get(f"/manage/events/{event.id}/registrations/new").get_data(as_text=True)
    assert '<option selected value="en">English</option>' in page, "the event's language by default"

    data = {**ADD, "language": "pt"}
    response = client.post(f"/manage/events/{event.id}/registrations/new", data=data)

    assert response.status_code == 302
    assert only_registration().language == "pt"
    assert CONFIRMED_PT in mails("registration_confirmed")[0].body_text


def test_adding_a_person_in_an_unknown_language_says_so_and_adds_nobody(client, login, organiser, event) -> None:
    login(organiser)
    data = {**ADD, "language": "klingon"}
    response = client.post(f"/manage/events/{event.id}/registrations/new", data=data)

    assert response.status_code == 422
    assert "is not one of the languages of this platform" in response.get_data(as_text=True)
    assert registration_count() == 0 and mails("registration_confirmed") == []


# --- later messages: reminder, feedback, questionnaire ----------------------------------------------------


def test_reminder_feedback_request_and_questionnaire_follow_the_persons_language(client, event) -> None:
    ines = services.register(event, person("ines@x.example", language="pt")).registration
    mary = services.register(event, person("mary@x.example", language="en")).registration
    for registration in (ines, mary):
        job_emails.queue_reminder(registration)
    reminders = {m.to_address: m.subject for m in mails("reminder")}
    assert reminders["ines@x.example"].startswith("Lembrete – ")
    assert reminders["mary@x.example"].startswith("Reminder – ")

    invitation = feedback_services.invite(ines)
    url = f"/feedback/{feedback_services.invitation_token(invitation)}"
    job_emails.queue_feedback_request(ines, url)
    db.session.commit()
    assert mails("feedback_request")[0].subject.startswith("A sua opinião, por favor – ")

    event.starts_at, event.ends_at = event.starts_at.replace(year=2020), event.ends_at.replace(year=2020)
    db.session.commit()
    page = client.get(url, headers={"Accept-Language": "en"})
    assert '<html lang="pt-PT">' in page.get_data(as_text=True), "her language, not the event's nor the browser's"


# --- seeing and changing a registrant's language ---------------------------------------------------------


def test_the_list_shows_each_persons_language_and_links_to_change_it(client, login, organiser, event) -> None:
    ines = services.register(event, person("ines@x.example", language="pt")).registration
    login(organiser)
    page = client.get(f"/manage/events/{event.id}/registrations").get_data(as_text=True)

    row = re.search(rf'<tr id="registration-{ines.id}">.*?</tr>', page, re.S)
    assert row is not None and "Portuguese" in row.group(0)
    assert f"/registrations/{ines.id}/language" in row.group(0)


def test_changing_the_language_sends_nothing_and_the_next_mail_uses_it(client, login, organiser, event) -> None:
    mary = services.register(event, person(language="en")).registration
    sent_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    login(organiser)
    address = f"/manage/events/{event.id}/registrations/{mary.id}/language"
    page = client.get(address).get_data(as_text=True)
    assert '<option selected value="en">English</option>' in page
    assert "Changing the language sends no e-mail" in page

    response = client.post(address, data={"language": "pt"}, follow_redirects=True)

    assert "Mary Byrne is now written to in Portuguese, from the next e-mail on." in response.get_data(as_text=True)
    db.session.refresh(mary)
    assert mary.language == "pt"
    count = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert count == sent_before, "changing the language mails nobody"

    services.resend_confirmation(mary)
    [again] = mails("link_again")
    assert again.subject.startswith("A sua inscrição – ") and CONFIRMED_PT in again.body_text


def test_an_unknown_language_is_refused_with_a_message_and_nothing_changes(client, login, organiser, event) -> None:
    mary = services.register(event, person(language="en")).registration
    login(organiser)
    response = client.post(f"/manage/events/{event.id}/registrations/{mary.id}/language", data={"language": "xx"})
    assert response.status_code == 422
    assert "“xx” is not one of the languages of this platform" in response.get_data(as_text=True)
    db.session.refresh(mary)
    assert mary.language == "en"


def test_the_service_refuses_unknown_codes_and_erased_registrations(event) -> None:
    mary = services.register(event, person(language="en")).registration
    for code in ("xx", "", "pt_PT", "el"):
        with pytest.raises(ValidationFailed):
            services.change_language(mary, code)
    db.session.refresh(mary)
    assert mary.language == "en"
    services.change_language(mary, "fi")
    assert mary.language == "fi"

    services.erase_registration(mary)
    with pytest.raises(InvalidTransition):
        services.change_language(mary, "pt")


def test_another_partners_organiser_cannot_see_or_change_the_language(
    client, login, make_user, make_partner, event
) -> None:
    mary = services.register(event, person(language="en")).registration
    login(make_user(Role.ORGANISER, partners=[make_partner(event.partner.project)]))
    address = f"/manage/events/{event.id}/registrations/{mary.id}/language"
    assert client.get(address).status_code == 404
    assert client.post(address, data={"language": "pt"}).status_code == 404
    db.session.refresh(mary)
    assert mary.language == "en"


def test_the_calendar_invitation_and_its_update_follow_the_persons_current_language(event) -> None:
    from seminar_app.calendar import invitations

    mary = services.register(event, person(language="en")).registration
    [confirmation] = mails("registration_confirmed")
    assert "Your registration (see\\, change" in "".join(confirmation.calendar_ics.split("\r\n "))

    services.change_language(mary, "pt")
    before = invitations.snapshot(event)
    event.venue_name = "Auditório Novo"
    assert services.tell_attendees_of_change(event, before) == 1
    db.session.commit()

    [update] = mails("event_changed")
    assert update.subject.startswith("Evento alterado – ")
    unfolded = "".join(update.calendar_ics.split("\r\n "))
    assert "A sua inscrição (consultar" in unfolded and "SEQUENCE:1" in unfolded


def test_the_cancel_page_says_which_language_the_mail_will_be_in(client, login, organiser, event) -> None:
    ines = services.register(event, person("ines@x.example", language="pt")).registration
    login(organiser)
    page = client.get(f"/manage/events/{event.id}/registrations/{ines.id}/cancel").get_data(as_text=True)
    assert re.search(r"<dt[^>]*>Language</dt><dd[^>]*>Portuguese</dd>", page)
