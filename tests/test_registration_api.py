"""POST /api/v1/events/<id>/registrations: same service and rules as the form, JSON in and out."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from seminar_app.enums import AttendanceMode, ConsentPurpose, EventFormat, EventStatus, RegistrationStatus
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration.models import Registration
from seminar_app.validation import storable


def body(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Ana Silva",
        "email": "ana@probation.example",
        "organisation": "Probation Service",
        "organisation_country": "PT",
        "stakeholder_group": "prison_probation",
        "mode": "online",
        "privacy_acknowledged": True,
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def registrations() -> list[Registration]:
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def outbox_kinds() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(capacity_onsite=1, capacity_online=1)


def url(event_id: int) -> str:
    return f"/api/v1/events/{event_id}/registrations"


def test_registering_through_the_api_uses_the_same_rules_as_the_form(client, event) -> None:
    response = client.post(url(event.id), json=body(consent_news=True), headers={"Accept-Language": "it"})

    assert response.status_code == 202
    assert response.get_json() == {  # in the language the request asked for
        "status": "received",
        "message": "Controlli la sua casella di posta: le abbiamo inviato un messaggio con il suo link privato.",
    }
    [reg] = registrations()
    assert (reg.status, reg.mode, reg.source, reg.language) == (
        RegistrationStatus.CONFIRMED, AttendanceMode.ONLINE, "api", "it"
    )  # fmt: skip
    assert reg.consent_given(ConsentPurpose.NEWS) and not reg.consent_given(ConsentPurpose.PHOTOS)
    assert {c.privacy_notice_version for c in reg.consents} == {1}
    second = client.post(url(event.id), json=body(email="rui@example.org", language="pt"))
    assert second.status_code == 202
    assert registrations()[1].status is RegistrationStatus.WAITLISTED
    assert registrations()[1].language == "pt"
    assert outbox_kinds() == ["registration_confirmed", "registration_waitlisted"]


def test_a_duplicate_gets_the_same_answer_and_the_link_again(client, event) -> None:
    first = client.post(url(event.id), json=body())
    again = client.post(url(event.id), json=body(name="Other Name", mode="onsite"))

    assert (first.status_code, first.get_data()) == (again.status_code, again.get_data())
    assert len(registrations()) == 1
    assert outbox_kinds() == ["registration_confirmed", "link_again"]


def test_only_json_is_accepted(client, event) -> None:
    response = client.post(url(event.id), data={"name": "Ana", "email": "ana@example.org"})

    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert registrations() == []


def test_malformed_json_is_a_400_with_a_code(client, event) -> None:
    for raw in ('{"name": "Ana",', "[" * 100_000):
        response = client.post(url(event.id), data=raw, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_json"
    assert registrations() == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (body(name=None), "name"),
        (body(email="not-an-address"), "email"),
        (body(privacy_acknowledged=False), "privacy_acknowledged"),
        (body(privacy_acknowledged=None), "privacy_acknowledged"),
        (body(mode="teleport"), "mode"),
        (body(name="x" * 201), "name"),
        (body(favourite_colour="blue"), "favourite_colour"),
        (body(name="Ana\x00"), "name"),
        (body(organisation="\ud800"), "organisation"),
        (body(stakeholder_group="astronauts"), "stakeholder_group"),
        (body(organisation_country="XX"), "organisation_country"),
        (body(mode=None), "mode"),
        (["not", "an", "object"], "_schema"),
    ],
)
def test_invalid_fields_are_422_with_per_field_errors_and_save_nothing(client, event, payload, field) -> None:
    response = client.post(url(event.id), json=payload)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["errors"] and error["errors"][field]
    assert registrations() == [] and outbox_kinds() == []


def test_a_mode_the_event_does_not_offer_is_a_422(client, make_event) -> None:
    event = make_event(format=EventFormat.ONLINE, venue_name="", address="", capacity_onsite=None)

    response = client.post(url(event.id), json=body(mode="onsite"))
    assert response.status_code == 422
    assert response.get_json()["error"]["errors"]["mode"] == ["This event cannot be attended on site."]
    assert client.post(url(event.id), json=body(mode=None)).status_code == 202


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"status": EventStatus.CANCELLED}, "This event is cancelled."),
        ({"days_ahead": -2}, "Registration is closed"),
    ],
)
def test_closed_events_are_409(client, make_event, setup, message) -> None:
    event = make_event(**setup)

    response = client.post(url(event.id), json=body())
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "registration_closed" and message in error["message"]
    assert registrations() == []


def test_drafts_and_unknown_events_are_404(client, make_event) -> None:
    draft = make_event(status=EventStatus.DRAFT)

    for event_id in (draft.id, 999_999):
        for request in ({"json": body()}, {"data": {"name": "Ana"}}):
            response = client.post(url(event_id), **request)
            assert response.status_code == 404
            assert response.get_json()["error"]["code"] == "not_found"
    assert registrations() == []


def test_openapi_documents_the_request_body_with_required_fields_and_allowed_values(client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()

    operation = doc["paths"]["/api/v1/events/{event_id}/registrations"]["post"]
    assert operation["requestBody"]["required"] is True
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"name", "email", "privacy_acknowledged"}
    properties = schema["properties"]
    assert {"onsite", "online"} <= set(properties["mode"]["enum"])
    assert properties["privacy_acknowledged"]["enum"] == [True]
    assert properties["stakeholder_group"]["type"] == "string"
    for consent in ("consent_photos", "consent_attendee_list", "consent_news"):
        assert properties[consent] == {**properties[consent], "type": "boolean", "default": False}
    assert properties["email"]["format"] == "email"
    assert schema["additionalProperties"] is False
    assert {"202", "400", "404", "409", "415", "422", "429"} <= set(operation["responses"])


def test_the_documented_example_body_is_accepted(client, event) -> None:
    """A client that builds its request from the document alone gets through."""
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["components"]["schemas"]["RegistrationRequest"]
    examples = {"string": "Ana Silva", "boolean": True}
    payload = {name: examples[schema["properties"][name]["type"]] for name in schema["required"]}
    payload["email"] = "ana@example.org"
    payload["mode"] = schema["properties"]["mode"]["enum"][0]

    assert client.post(url(event.id), json=payload).status_code == 202


def _request_schema(client) -> dict:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["RegistrationRequest"]


def test_the_document_states_which_text_the_api_refuses(client, event) -> None:
    """Whatever the document's patterns allow is accepted, and what they refuse is refused (422)."""
    properties = _request_schema(client)["properties"]
    for field in ("name", "organisation", "organisation_city", "function_role", "access_needs"):
        pattern = re.compile(properties[field]["pattern"])
        for character in map(chr, range(0x80)):
            assert bool(pattern.fullmatch(f"Ana{character}Silva")) == storable(character), (field, character)
    for text in ("Ana\x00Silva", "Ana\x1bSilva", "Ana\x7fSilva"):
        response = client.post(url(event.id), json=body(name=text, email="ana@example.org"))
        assert response.status_code == 422
        assert "name" in response.get_json()["error"]["errors"]
    assert client.post(url(event.id), json=body(name="Ana\tSilva", email="ana@example.org")).status_code == 202


def test_the_document_says_a_name_is_not_blank_and_which_countries_exist(client, event) -> None:
    properties = _request_schema(client)["properties"]

    assert not re.fullmatch(properties["name"]["pattern"], " \t")
    assert client.post(url(event.id), json=body(name=" \t")).status_code == 422
    assert {"", "PT", "RO"} <= set(properties["organisation_country"]["enum"])
    assert "ZZ" not in properties["organisation_country"]["enum"]
    assert client.post(url(event.id), json=body(organisation_country="ZZ")).status_code == 422
