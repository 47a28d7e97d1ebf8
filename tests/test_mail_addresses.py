"""Addresses are accepted only when the sender can deliver to them (no SMTPUTF8: an ASCII
part before the @, at most 64 characters; IDN domains go out in their ASCII form), in every
place an address comes in; a message the sender can never deliver fails at once."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from seminar_app import validation
from seminar_app.accounts import services as account_services
from seminar_app.attendance import services as attendance_services
from seminar_app.contacts import import_services
from seminar_app.contacts import services as contact_services
from seminar_app.contacts.imports import guess_mapping, read_table
from seminar_app.enums import LegalBasis, OutboxStatus, Role
from seminar_app.errors import ValidationFailed
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import DeliveryReport, deliver_due
from seminar_app.mail.services import queue_mail
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration
from seminar_app.validation import is_email

UNSENDABLE = ["ä@example.org", "joão@example.org", "a" * 65 + "@example.org"]
BASIS = LegalBasis.LEGITIMATE_INTEREST.value


@pytest.mark.parametrize("address", UNSENDABLE)
def test_addresses_the_sender_cannot_send_to_are_not_email_addresses(address: str) -> None:
    assert not is_email(address)
    assert is_email(address, sendable=False), "an erasure still finds what was stored before"


def test_an_idn_domain_is_accepted_and_sent_in_its_ascii_form() -> None:
    assert is_email("ana@bücher.example")
    assert validation.sendable_address("ana@bücher.example") == "ana@xn--bcher-kva.example"
    assert is_email("a" * 64 + "@example.org")


@pytest.fixture
def organiser(make_user, make_partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[make_partner()])


def person(email: str) -> registration_services.RegistrationInput:
    return registration_services.RegistrationInput(name="Ana", email=email, privacy_acknowledged=True)


@pytest.mark.parametrize("address", UNSENDABLE)
def test_registration_form_and_api_refuse_them(client, make_event, address: str) -> None:  # type: ignore[no-untyped-def]
    event = make_event()
    page = client.post(
        f"/events/{event.slug}/register",
        data={"name": "Ana", "email": address, "privacy_acknowledged": "y", "mode": "online"},
    )
    assert page.status_code == 422
    assert "Give a valid e-mail address" in page.get_data(as_text=True)
    api = client.post(
        f"/api/v1/events/{event.id}/registrations",
        json={"name": "Ana", "email": address, "privacy_acknowledged": True, "mode": "online"},
    )
    assert api.status_code == 422
    assert api.get_json()["error"]["errors"]["email"]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


@pytest.mark.parametrize("address", UNSENDABLE)
def test_walk_ins_and_people_added_by_organisers_are_refused(make_event, organiser, address: str) -> None:  # type: ignore[no-untyped-def]
    event = make_event(organiser.partners[0], hours=3)
    with pytest.raises(ValidationFailed) as caught:
        registration_services.register(event, person(address), actor=organiser)
    assert "email" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        attendance_services.add_walk_in(
            event, attendance_services.WalkInInput(name="Rita", email=address), event.local_days[0], actor=organiser
        )
    assert "email" in caught.value.errors


@pytest.mark.parametrize("address", UNSENDABLE)
def test_contacts_by_hand_and_by_import_refuse_them(organiser, address: str) -> None:  # type: ignore[no-untyped-def]
    partner = organiser.partners[0]
    with pytest.raises(ValidationFailed) as caught:
        contact_services.create_contact(
            partner, contact_services.ContactInput(email=address, legal_basis=BASIS), actor=organiser
        )
    assert "email" in caught.value.errors
    table = read_table(f"email,name\r\n{address},Ana\r\nrui@example.org,Rui\r\n".encode())
    settings = import_services.ImportSettings(
        list_id=None, new_list_name="Imported", source="Conference", legal_basis=BASIS
    )
    result = import_services.apply_import(partner, table, guess_mapping(table.headers), settings, actor=organiser)
    assert [line for line, _reason in result.rejected] == [2]


@pytest.mark.parametrize("address", UNSENDABLE)
def test_user_accounts_refuse_them(address: str) -> None:
    data = account_services.UserInput(email=address, name="Ana", role=Role.ADMIN, password="a long password 1")
    with pytest.raises(ValidationFailed) as caught:
        account_services.create_user(data)
    assert "email" in caught.value.errors


def test_a_stored_address_that_cannot_be_sent_to_fails_at_once_without_retries(app: Flask, smtp) -> None:
    row = queue_mail(kind="test", to_address="ä@example.org", subject="Hello", body_text="Hello")
    db.session.commit()

    assert deliver_due() == DeliveryReport(failed=1)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert smtp.messages == []


def test_a_5xx_refusal_of_the_recipient_fails_at_once_and_the_batch_goes_on(app: Flask, smtp) -> None:
    smtp.refused_recipients = {"nobody@example.org"}
    queue_mail(kind="test", to_address="nobody@example.org", subject="Hello", body_text="Hello")
    queue_mail(kind="test", to_address="ana@example.org", subject="Hello", body_text="Hello")
    db.session.commit()

    assert deliver_due() == DeliveryReport(sent=1, failed=1)
    statuses = list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))
    assert statuses == [OutboxStatus.FAILED, OutboxStatus.SENT]
    assert [str(m["To"]) for m in smtp.messages] == ["ana@example.org"]


def test_an_idn_recipient_is_delivered_with_the_ascii_domain(app: Flask, smtp) -> None:
    queue_mail(kind="test", to_address="ana@bücher.example", subject="Hello", body_text="Hello")
    db.session.commit()
    assert deliver_due() == DeliveryReport(sent=1)
    assert str(smtp.messages[0]["To"]) == "ana@xn--bcher-kva.example"


def test_a_reply_to_that_cannot_be_written_does_not_stop_the_mail(app: Flask, smtp) -> None:
    queue_mail(kind="test", to_address="ana@example.org", reply_to="ç@partner.example", subject="Hi", body_text="Hi")
    db.session.commit()
    assert deliver_due() == DeliveryReport(sent=1)
    assert smtp.messages[0]["Reply-To"] is None
