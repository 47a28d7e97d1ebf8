"""The attendee's pages: the registration form, "check your inbox", and the private link's pages."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminar_app import create_app
from seminar_app.enums import AttendanceMode, ConsentPurpose, EventFormat, EventStatus, RegistrationStatus
from seminar_app.extensions import db, limiter
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput

S = RegistrationStatus


def form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Ana Silva",
        "email": "ana@probation.example",
        "organisation": "Direção-Geral de Reinserção",
        "organisation_city": "Lisboa",
        "organisation_country": "PT",
        "function_role": "Probation officer",
        "stakeholder_group": "prison_probation",
        "mode": "onsite",
        "privacy_acknowledged": "y",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def person(n: int, mode: AttendanceMode = AttendanceMode.ONSITE, **overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = {
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "organisation": f"Organisation {n}",
        "mode": mode,
        "privacy_acknowledged": True,
    }
    values.update(overrides)
    return RegistrationInput(**values)


def registrations() -> list[Registration]:
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    return list(db.session.scalars(query.where(OutboxMessage.kind == kind) if kind else query))


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def link(registration: Registration) -> str:
    return f"/r/{services.private_token(registration)}"


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(slug="mentoring", capacity_onsite=1, capacity_online=1)


# --- the form ---------------------------------------------------------------------------------


def test_the_form_has_every_field_the_notice_and_unticked_consents(client, event) -> None:
    page = text(client.get("/events/mentoring/register"))

    for label in [
        "Name",
        "E-mail",
        "Organisation",
        "City of the organisation",
        "Country of the organisation",
        "Function or role",
        "Which group do you belong to?",
        "How will you attend?",
        "I work for a partner organisation of this project",
        "deleted automatically after the event",
        "I have read the privacy notice",
    ]:
        assert label in page, label
    assert "We process your data to run the seminar." in page, "the project's privacy notice is shown"
    assert "Prison and probation staff" in page, "stakeholder groups of the project"
    assert "On site – 1 seat left" in page and "Online – 1 seat left" in page
    for purpose in ("photos", "attendee_list", "news"):
        tag = page[page.index(f'name="consent_{purpose}"') - 80 : page.index(f'name="consent_{purpose}"') + 80]
        assert "checked" not in tag, f"consent_{purpose} must be unticked"
    assert 'aria-hidden="true"' in page and 'name="website"' in page and 'tabindex="-1"' in page


def test_registering_confirms_and_shows_check_your_inbox(client, event) -> None:
    response = client.post("/events/mentoring/register", data=form(), headers={"Accept-Language": "pt"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/events/mentoring/register/done")
    done = client.get(response.headers["Location"])
    assert done.status_code == 200
    [reg] = registrations()
    assert (reg.status, reg.mode, reg.name, reg.organisation_country) == (
        S.CONFIRMED,
        AttendanceMode.ONSITE,
        "Ana Silva",
        "PT",
    )
    assert reg.language == "pt", "the interface language of the person"
    assert reg.source == "form"
    assert [m.kind for m in outbox()] == ["registration_confirmed"]


def test_a_full_mode_puts_people_on_the_waiting_list_and_the_event_page_says_so(client, event) -> None:
    before = text(client.get("/events/mentoring"))
    assert "On site: 1 seat left" in before and 'href="/events/mentoring/register"' in before

    client.post("/events/mentoring/register", data=form())
    client.post("/events/mentoring/register", data=form(name="Rui Costa", email="rui@example.org"))

    first, second = registrations()
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED)
    assert services.waitlist_position(second) == 1
    assert [m.kind for m in outbox()] == ["registration_confirmed", "registration_waitlisted"]
    after = text(client.get("/events/mentoring"))
    assert "On site: waiting list" in after, "the cached event page is refreshed by registrations"
    assert "Online: 1 seat left" in after
    assert "On site: waiting list · Online: 1 seat left" in text(client.get("/")), "the event card"
    assert "On site – full, you join the waiting list" in text(client.get("/events/mentoring/register"))


def test_a_repeated_registration_shows_the_same_page_and_sends_the_link_again(client, event) -> None:
    new = client.post("/events/mentoring/register", data=form())
    again = client.post("/events/mentoring/register", data=form(name="Someone Else", email="ANA@probation.example"))

    assert (new.status_code, new.headers["Location"]) == (again.status_code, again.headers["Location"])
    assert new.get_data() == again.get_data()
    assert client.get(new.headers["Location"]).get_data() == client.get(again.headers["Location"]).get_data()
    assert len(registrations()) == 1 and registrations()[0].name == "Ana Silva"
    [resent] = outbox("link_again")
    assert resent.to_address == "ana@probation.example"
    assert link(registrations()[0]) in resent.body_text


def _closed(make_event, how: str):  # type: ignore[no-untyped-def]
    if how == "cancelled":
        return make_event(slug="closed", status=EventStatus.CANCELLED)
    if how == "past":
        return make_event(slug="closed", days_ahead=-3)
    if how == "postponed":
        return make_event(slug="closed", status=EventStatus.POSTPONED)
    event = make_event(slug="closed")
    event.registration_closes_at = event.created_at - timedelta(minutes=1)
    db.session.commit()
    return event


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("cancelled", "This event is cancelled."),
        ("past", "Registration is closed: this event is not open to registration."),
        ("postponed", "This event is postponed"),
        ("window", "Registration has closed."),
    ],
)
def test_closed_events_say_why_and_show_no_form(client, make_event, how, message) -> None:
    _closed(make_event, how)

    page = client.get("/events/closed/register")
    assert page.status_code == 200
    assert message in text(page)
    assert 'name="email"' not in text(page)
    refused = client.post("/events/closed/register", data=form())
    assert refused.status_code == 409 and message in text(refused)
    assert registrations() == [] and outbox() == []


def test_drafts_and_unknown_events_have_no_registration_page(client, make_event) -> None:
    make_event(slug="draft", status=EventStatus.DRAFT)

    for slug in ("draft", "nothing-here"):
        assert client.get(f"/events/{slug}/register").status_code == 404
        assert client.post(f"/events/{slug}/register", data=form()).status_code == 404
        assert client.get(f"/events/{slug}/register/done").status_code == 404
    assert registrations() == []


def test_the_privacy_notice_must_be_acknowledged(client, event) -> None:
    response = client.post("/events/mentoring/register", data=form(privacy_acknowledged=None))

    assert response.status_code == 422
    page = text(response)
    assert "Please confirm that you have read the privacy notice." in page
    assert 'id="error-summary"' in page
    assert 'value="Ana Silva"' in page and 'value="ana@probation.example"' in page, "input is kept"
    assert registrations() == [] and outbox() == []


def test_every_error_shows_at_once_with_aria_and_an_error_title(client, event) -> None:
    response = client.post(
        "/events/mentoring/register", data=form(name="", email="not-an-address", privacy_acknowledged=None, mode="")
    )

    assert response.status_code == 422
    page = text(response)
    summary = page[page.index('id="error-summary"') : page.index("</div>", page.index('id="error-summary"'))]
    assert 'href="#name"' in summary
    assert 'href="#email"' in summary and "Give a valid e-mail address" in summary
    assert (
        'href="#privacy_acknowledged"' in summary and "Please confirm that you have read the privacy notice." in summary
    )
    assert 'href="#mode"' in summary and "Choose whether you will attend on site or online." in summary
    for name in ("name", "email", "privacy_acknowledged"):
        tag = re.search(rf'<input[^>]*\bid="{name}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in tag, name
        assert f"{name}-error" in tag, name
        assert f'id="{name}-error"' in page
    modes = re.findall(r'<input[^>]*name="mode"[^>]*>', page)
    assert len(modes) == 2 and all('aria-invalid="true"' in tag for tag in modes)
    assert re.search(r"<title>Error: Register · [^<]*</title>", page)
    assert '<script src="/static/js/error-summary.js" defer></script>' in page
    assert registrations() == [] and outbox() == []


def test_a_fresh_form_has_no_error_title_nor_invalid_fields(client, event) -> None:
    page = text(client.get("/events/mentoring/register"))
    assert "<title>Register · " in page and "Error:" not in page
    # The browser's own checks would stop at the first empty field: the server lists them all.
    assert re.search(r'<form method="post" action="/events/mentoring/register"[^>]*novalidate>', page)
    assert 'aria-invalid="true"' not in page and "error-summary.js" not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-address"}, "Give a valid e-mail address"),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"mode": ""}, "Choose whether you will attend on site or online."),
        ({"stakeholder_group": "astronauts"}, "Not a valid choice"),
        ({"organisation_country": "XX"}, "Not a valid choice"),
        ({"name": "Ana\x00"}, "characters that cannot be stored"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_saves_nothing(client, event, overrides, message) -> None:
    response = client.post("/events/mentoring/register", data=form(**overrides))

    assert response.status_code == 422
    assert message in text(response)
    assert registrations() == [] and outbox() == []


def test_a_mode_the_event_does_not_offer_is_refused(client, make_event) -> None:
    make_event(slug="in-person", format=EventFormat.IN_PERSON, online_platform="", joining_url="")

    page = text(client.get("/events/in-person/register"))
    assert "How will you attend?" not in page, "only hybrid events ask"
    refused = client.post("/events/in-person/register", data=form(mode="online"))
    assert refused.status_code == 422
    assert "This event cannot be attended online." in text(refused)
    accepted = client.post("/events/in-person/register", data=form(mode=None))
    assert accepted.status_code == 302
    assert registrations()[0].mode is AttendanceMode.ONSITE


def test_optional_consents_are_stored_unticked_with_time_and_notice_version(client, event) -> None:
    client.post("/events/mentoring/register", data=form(consent_news="y"))

    [reg] = registrations()
    answers = {c.purpose: c for c in reg.consents}
    assert {p: c.given for p, c in answers.items()} == {
        ConsentPurpose.PRIVACY_NOTICE: True,
        ConsentPurpose.PHOTOS: False,
        ConsentPurpose.ATTENDEE_LIST: False,
        ConsentPurpose.NEWS: True,
    }
    assert {c.privacy_notice_version for c in reg.consents} == {1}
    assert all(c.recorded_at is not None for c in reg.consents)


def test_a_filled_honeypot_looks_like_success_and_saves_nothing(client, event) -> None:
    robot = client.post("/events/mentoring/register", data=form(website="http://spam.example"))
    person = client.post("/events/mentoring/register", data=form(email="real@example.org"))

    assert robot.status_code == 302 and robot.headers["Location"] == person.headers["Location"]
    assert [r.email for r in registrations()] == ["real@example.org"]
    assert [m.to_address for m in outbox()] == ["real@example.org"]


def test_the_cached_event_page_never_carries_a_csrf_token_but_the_form_does(app, client, event, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    assert "csrf_token" not in text(client.get("/events/mentoring"))
    assert 'name="csrf_token"' in text(client.get("/events/mentoring/register"))
    assert client.post("/events/mentoring/register", data=form()).status_code == 400, "no token, no entry"
    assert registrations() == []


@pytest.fixture
def limited_app(tmp_path):  # type: ignore[no-untyped-def]
    """Rate limits on. Flask-Limiter's switch is global to the process, so it is put back."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limited.db'}",
            "RATELIMIT_ENABLED": True,
            "REGISTRATION_RATE_LIMIT": "3 per minute",
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    limiter.reset()
    limiter.enabled = False


def test_registrations_from_one_address_are_slowed_down_across_form_and_api(limited_app) -> None:
    client = limited_app.test_client()
    statuses = [client.post("/events/none/register", data=form()).status_code for _ in range(2)]
    statuses.append(client.post("/api/v1/events/1/registrations", json={"name": "x"}).status_code)
    statuses.append(client.post("/events/none/register", data=form()).status_code)
    api = client.post("/api/v1/events/1/registrations", json={"name": "x"})

    assert statuses == [404, 404, 404, 429]
    assert "Too many attempts" in text(client.post("/events/none/register", data=form()))
    assert api.status_code == 429 and api.get_json()["error"]["code"] == "too_many_requests"
    assert client.get("/events/none/register").status_code == 404, "only sending is limited, not reading"


# --- the private link -------------------------------------------------------------------------


def test_private_page_shows_status_mode_and_details_and_keeps_the_token_private(client, event) -> None:
    reg = services.register(event, person(1, organisation="Probation Service Lisbon")).registration

    response = client.get(link(reg))
    page = text(response)
    assert response.status_code == 200
    assert "Confirmed" in page and "On site" in page and "Auditório Municipal" in page
    assert 'value="Probation Service Lisbon"' in page and "person1@example.org" in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_waiting_list_position_is_shown(client, event) -> None:
    services.register(event, person(1))
    services.register(event, person(2))
    third = services.register(event, person(3)).registration

    page = text(client.get(link(third)))
    assert "On the waiting list" in page and "you are number 2 on the waiting list" in page


def test_the_joining_link_is_shown_only_to_confirmed_online_attendees(client, event) -> None:
    confirmed = services.register(event, person(1, AttendanceMode.ONLINE)).registration
    waiting = services.register(event, person(2, AttendanceMode.ONLINE)).registration
    onsite = services.register(event, person(3, AttendanceMode.ONSITE)).registration

    assert "https://zoom.example/j/123456" in text(client.get(link(confirmed)))
    assert "https://zoom.example/j/123456" not in text(client.get(link(waiting)))
    assert "once your place is confirmed" in text(client.get(link(waiting)))
    assert "https://zoom.example/j/123456" not in text(client.get(link(onsite)))


def test_details_can_be_corrected(client, event) -> None:
    reg = services.register(event, person(1)).registration
    url = link(reg)

    response = client.post(
        f"{url}/details",
        data={"name": "Person One", "organisation": "Prison of Lisbon", "organisation_country": "ES",
              "stakeholder_group": "researchers", "access_needs": "Wheelchair access"},
    )  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert "Your details are saved." in text(client.get(url))
    db.session.refresh(reg)
    assert (reg.name, reg.organisation, reg.organisation_country, reg.stakeholder_group, reg.access_needs) == (
        "Person One", "Prison of Lisbon", "ES", "researchers", "Wheelchair access"
    )  # fmt: skip
    assert reg.email == "person1@example.org"


def test_broken_details_are_refused_with_the_input_kept(client, event) -> None:
    reg = services.register(event, person(1)).registration

    response = client.post(f"{link(reg)}/details", data={"name": "   ", "organisation": "Kept organisation"})
    assert response.status_code == 422
    assert "Give your name." in text(response) and 'value="Kept organisation"' in text(response)
    db.session.refresh(reg)
    assert (reg.name, reg.organisation) == ("Person 1", "Organisation 1")


def test_switching_mode_and_a_full_mode_gives_a_clear_message(client, event) -> None:
    services.register(event, person(1, AttendanceMode.ONLINE))
    reg = services.register(event, person(2, AttendanceMode.ONSITE)).registration
    url = link(reg)

    page = text(client.get(url))
    assert "Attend online instead" in page and "No seat is free online at the moment." in page
    full = client.post(f"{url}/mode", data={"mode": "online"})
    assert full.status_code == 422 and "There is no free seat online." in text(full)
    db.session.refresh(reg)
    assert reg.mode is AttendanceMode.ONSITE

    services.cancel_registration(services.find_by_token(services.private_token(registrations()[0])))
    moved = client.post(f"{url}/mode", data={"mode": "online"})
    assert moved.status_code == 302
    assert "You will now attend online." in text(client.get(url))
    db.session.refresh(reg)
    assert (reg.mode, reg.status) == (AttendanceMode.ONLINE, S.CONFIRMED)
    assert outbox("mode_changed")[-1].registration_id == reg.id


def test_cancelling_asks_first_then_promotes_the_first_waiting_person(client, event) -> None:
    reg = services.register(event, person(1)).registration
    first_waiting = services.register(event, person(2)).registration
    services.register(event, person(3))
    url = link(reg)

    confirm = client.get(f"{url}/cancel")
    assert confirm.status_code == 200 and "Yes, cancel my registration" in text(confirm)
    assert registrations()[0].status is S.CONFIRMED, "the confirmation page changes nothing"
    done = client.post(f"{url}/cancel")
    assert done.status_code == 302
    assert "Your registration is cancelled." in text(client.get(url))

    db.session.expire_all()
    assert [r.status for r in registrations()] == [S.CANCELLED, S.CONFIRMED, S.WAITLISTED]
    [promoted] = outbox("promoted")
    assert promoted.registration_id == first_waiting.id and promoted.to_address == "person2@example.org"
    assert "Confirmed" in text(client.get(link(first_waiting)))


def test_a_cancelled_registration_says_so_and_offers_to_register_again(client, event) -> None:
    reg = services.register(event, person(1, mode=AttendanceMode.ONLINE)).registration
    url = link(reg)
    client.post(f"{url}/cancel")

    page = text(client.get(url))
    assert "This registration is cancelled." in page
    assert "joining link" not in page.lower()
    assert "Changed your mind? Registration is still open" in page
    assert f'action="{url}/register-again"' in page and "Register again" in page
    assert "Cancel my registration" not in page

    response = client.post(f"{url}/register-again")
    assert response.status_code == 302
    page = text(client.get(url))
    assert "Your registration is confirmed." in page and "https://zoom.example/j/123456" in page
    db.session.expire_all()
    assert registrations()[0].status is S.CONFIRMED and registrations()[0].cancelled_at is None
    assert outbox("registration_confirmed")[-1].registration_id == reg.id


def test_register_again_joins_the_waiting_list_when_the_seat_was_taken(client, event) -> None:
    reg = services.register(event, person(1)).registration
    url = link(reg)
    client.post(f"{url}/cancel")
    services.register(event, person(2))  # takes the only on-site seat

    client.post(f"{url}/register-again")
    db.session.expire_all()
    assert [r.status for r in registrations()] == [S.WAITLISTED, S.CONFIRMED]
    assert "you are number 1 on the waiting list" in text(client.get(url))


def test_register_again_is_not_offered_once_registration_has_closed(client, event) -> None:
    reg = services.register(event, person(1)).registration
    url = link(reg)
    client.post(f"{url}/cancel")
    db.session.expire_all()
    event = registrations()[0].event
    event.registration_closes_at = event.created_at
    db.session.commit()

    page = text(client.get(url))
    assert "This registration is cancelled." in page and "Registration is closed." in page
    assert "Register again" not in page
    client.post(f"{url}/register-again")
    assert "Registration has closed." in text(client.get(url))
    db.session.expire_all()
    assert registrations()[0].status is S.CANCELLED


def test_my_data_downloads_as_json(client, event) -> None:
    reg = services.register(event, person(1, consent_photos=True)).registration

    response = client.get(f"{link(reg)}/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    data = json.loads(response.get_data())
    assert data["registration"]["email"] == "person1@example.org"
    assert data["registration"]["status"] == "confirmed"
    assert data["event"]["title"] == event.title
    assert {(c["purpose"], c["given"]) for c in data["consents"]} >= {("photos", True), ("news", False)}


def test_erasing_removes_personal_data_but_keeps_the_count(client, event) -> None:
    reg = services.register(event, person(1, organisation_country="PT")).registration
    waiting = services.register(event, person(2)).registration
    url = link(reg)

    assert "Yes, erase my data" in text(client.get(f"{url}/erase"))
    response = client.post(f"{url}/erase")
    assert response.status_code == 302 and response.headers["Location"].endswith("/events/mentoring")
    assert "Your personal data has been erased." in text(client.get(response.headers["Location"]))

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2
    erased = db.session.get(Registration, reg.id)
    assert (erased.name, erased.email, erased.organisation) == ("", None, "")
    assert (erased.status, erased.organisation_country) == (S.CANCELLED, "PT")
    assert db.session.get(Registration, waiting.id).status is S.CONFIRMED
    gone = client.get(url)
    assert gone.status_code == 404 and "This link does not work" in text(gone)


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("post", "/details"), ("post", "/mode"), ("get", "/cancel"), ("post", "/cancel"),
     ("post", "/register-again"), ("get", "/data.json"), ("get", "/erase"), ("post", "/erase")],
)  # fmt: skip
def test_unknown_tokens_get_a_clear_404_on_every_private_page(client, event, method, suffix) -> None:
    services.register(event, person(1))

    for token in ("not-a-token", "x" * 300, services.private_token(registrations()[0])[:-1]):
        response = getattr(client, method)(f"/r/{token}{suffix}", data={"mode": "online", "name": "Hacker"})
        assert response.status_code == 404
        assert "This link does not work" in text(response)
        assert response.headers["Referrer-Policy"] == "no-referrer"
    db.session.expire_all()
    [reg] = registrations()
    assert (reg.name, reg.status) == ("Person 1", S.CONFIRMED)


def test_a_token_shows_only_its_own_registration(client, event, make_event) -> None:
    other_event = make_event(slug="other", title="Another seminar")
    mine = services.register(event, person(1, name="Maria Mine")).registration
    services.register(event, person(2, name="Theo Theirs"))
    services.register(other_event, person(3, name="Olga Other"))

    page = text(client.get(link(mine)))
    data = text(client.get(f"{link(mine)}/data.json"))
    for content in (page, data):
        assert "Maria Mine" in content
        assert "Theo Theirs" not in content and "person2@example.org" not in content
        assert "Olga Other" not in content and "Another seminar" not in content


def test_permissions_can_be_given_and_withdrawn_later_and_each_change_is_kept(client, event) -> None:
    registration = services.register(event, person(1)).registration
    page = text(client.get(link(registration)))
    assert 'name="news"' in page and "Save my permissions" in page

    response = client.post(f"{link(registration)}/consents", data={"news": "y", "photos": "y"})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.consent_given(ConsentPurpose.NEWS) and registration.consent_given(ConsentPurpose.PHOTOS)

    client.post(f"{link(registration)}/consents", data={"news": "y"})
    db.session.refresh(registration)
    assert registration.consent_given(ConsentPurpose.NEWS) and not registration.consent_given(ConsentPurpose.PHOTOS)
    photos = [(c.given, c.privacy_notice_version) for c in registration.consents if c.purpose is ConsentPurpose.PHOTOS]
    assert photos == [(False, 1), (True, 1), (False, 1)], "every answer is kept, with the notice version"


def test_registering_again_and_again_sends_the_link_once_per_interval_with_the_same_answer(app, client, event) -> None:
    api = f"/api/v1/events/{event.id}/registrations"
    body = {k: v for k, v in form().items() if k != "privacy_acknowledged"} | {"privacy_acknowledged": True}
    first_page = client.post("/events/mentoring/register", data=form())
    first_api = client.post(api, json=body | {"email": "rui@probation.example"})
    pages = [client.post("/events/mentoring/register", data=form(name=f"Try {n}")) for n in range(11)]
    answers = [client.post(api, json=body | {"email": "RUI@probation.example"}) for n in range(11)]

    assert {(p.status_code, p.headers["Location"], p.get_data()) for p in pages} == {
        (first_page.status_code, first_page.headers["Location"], first_page.get_data())
    }
    assert {(a.status_code, a.get_data()) for a in answers} == {(first_api.status_code, first_api.get_data())}
    resent = outbox("link_again")
    assert sorted(m.to_address for m in resent) == ["ana@probation.example", "rui@probation.example"]

    interval = timedelta(minutes=app.config["REGISTRATION_LINK_RESEND_MINUTES"])
    for message in resent:
        message.created_at -= interval + timedelta(seconds=1)
    db.session.commit()
    again = client.post("/events/mentoring/register", data=form())
    assert again.get_data() == first_page.get_data()
    assert [m.to_address for m in outbox("link_again")][2:] == ["ana@probation.example"]
