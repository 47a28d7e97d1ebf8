"""Private links do not outlive delivery in the outbox: bodies are scrubbed once sent (so
the admin view shows no working link), delivered mail is purged after MAIL_RETENTION_DAYS
by the job runner, and the file backend's .eml copies of an erased person go with them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from seminar_app.accounts.models import User
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.tokens import give_link
from seminar_app.contacts import services as contact_services
from seminar_app.contacts.models import email_hash
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, InvitationStatus, OutboxStatus, Role
from seminar_app.extensions import db
from seminar_app.jobs.services import run_due_jobs
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import deliver_due
from seminar_app.mail.services import queue_mail
from seminar_app.registration import services as registration_services
from seminar_app.registration.emails import external_url

TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi10aGF0LW11c3QtZ28tMTIz"
PRIVATE_LINKS = [
    ("registration.private_page", {"token": TOKEN}),
    ("registration.cancel", {"token": TOKEN}),
    ("calendar.personal_ics", {"token": TOKEN}),
    ("attendance.qr_image", {"token": TOKEN}),
    ("attendance.qr_check_in", {"token": TOKEN}),
    ("feedback.answer", {"token": TOKEN}),
    ("campaigns.decline", {"token": TOKEN}),
    ("campaigns.unsubscribe", {"token": TOKEN}),
    ("registration.register", {"slug": "mentoring", "invitation": TOKEN}),
]


def person(name: str, email: str) -> registration_services.RegistrationInput:
    return registration_services.RegistrationInput(
        name=name, email=email, privacy_acknowledged=True, mode=AttendanceMode.ONLINE
    )


def stored_text(message: OutboxMessage) -> str:
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row is not None
    return " ".join(
        str(getattr(row, column.key) or "") for column in OutboxMessage.__table__.columns if column.key != "kind"
    )


@pytest.fixture
def admin(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.ADMIN)


@pytest.mark.parametrize(("endpoint", "values"), PRIVATE_LINKS)
def test_a_private_link_is_scrubbed_from_the_row_once_sent(  # type: ignore[no-untyped-def]
    app: Flask, smtp, client, login, admin, endpoint: str, values: dict[str, str]
) -> None:
    link = external_url(endpoint, **values)
    event_link = external_url("public.event_detail", slug="mentoring")
    message = queue_mail(
        kind="test",
        to_address="ana@example.org",
        subject="Your link",
        body_text=f"Open {link}\nThe event: {event_link}",
        body_html=f'<p><a href="{link}">your page</a> · <a href="{event_link}">the event</a></p>',
        calendar_ics=f"BEGIN:VCALENDAR\r\nURL:{link}\r\nDESCRIPTION:See {link}\r\n  folded\r\nEND:VCALENDAR\r\n",
        calendar_method="REQUEST",
    )
    message.list_unsubscribe = external_url("campaigns.unsubscribe_one_click", token=TOKEN)
    db.session.commit()

    deliver_due()

    [received] = smtp.messages
    assert link in received.get_body(preferencelist=("plain",)).get_content(), "the person gets the working link"
    assert TOKEN in str(received["List-Unsubscribe"])
    assert TOKEN not in stored_text(message)
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert event_link in row.body_text and event_link in row.body_html, "public links stay"
    page = login(admin).get(f"/admin/mail/{message.id}")
    assert page.status_code == 200 and TOKEN not in page.get_data(as_text=True)


def test_a_registration_confirmation_keeps_no_working_link_in_the_outbox(  # type: ignore[no-untyped-def]
    app: Flask, smtp, client, make_event
) -> None:
    event = make_event()
    outcome = registration_services.register(
        event,
        registration_services.RegistrationInput(
            name="Ana", email="ana@example.org", privacy_acknowledged=True, mode=AttendanceMode.ONLINE
        ),
    )
    token = registration_services.private_token(outcome.registration)
    deliver_due()
    assert smtp.messages and token in smtp.messages[0].get_body(preferencelist=("plain",)).get_content()
    for message in db.session.scalars(select(OutboxMessage)):
        assert message.status is OutboxStatus.SENT
        assert token not in stored_text(message)
    assert client.get(f"/r/{token}").status_code == 200, "the link in the person's mailbox still works"


def test_a_failed_message_keeps_its_links_so_that_it_can_be_sent_again(app: Flask, smtp) -> None:
    link = external_url("registration.private_page", token=TOKEN)
    message = queue_mail(kind="test", to_address="ana@example.org", subject="Link", body_text=link)
    db.session.commit()
    smtp.refuse_code = 550
    deliver_due()
    assert message.status is OutboxStatus.FAILED and TOKEN in message.body_text


def _sent(days_ago: int, **values: object) -> OutboxMessage:
    message = queue_mail(kind="test", to_address="ana@example.org", subject="Old", body_text="Old mail")
    message.status = OutboxStatus.SENT
    message.created_at = message.sent_at = utcnow() - timedelta(days=days_ago)
    for key, value in values.items():
        setattr(message, key, value)
    return message


def test_the_job_runner_purges_delivered_mail_after_the_retention_period(  # type: ignore[no-untyped-def]
    app: Flask, make_event, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    days = app.config["MAIL_RETENTION_DAYS"]
    old, recent = _sent(days + 1), _sent(days - 1)
    old_failed = _sent(days + 1, status=OutboxStatus.FAILED, sent_at=None)
    queued = queue_mail(kind="test", to_address="rui@example.org", subject="Due", body_text="Due")
    queued.created_at = utcnow() - timedelta(days=days + 5)
    event = make_event()
    counted = _sent(days + 1, event_id=event.id, subject="Invitation", body_text="Dear Ana")
    db.session.flush()
    db.session.add(
        Invitation(
            campaign=Campaign(event=event),
            event_id=event.id,
            email_hash=email_hash("x@example.org"),
            message_id=counted.id,
        )
    )
    db.session.commit()
    old_id, old_failed_id, recent_id, queued_id, counted_id = (old.id, old_failed.id, recent.id, queued.id, counted.id)
    for message in (old, recent):
        (tmp_path / f"20260101T000000000000Z-{message.id:09d}.eml").write_text("x")

    report = run_due_jobs()

    assert report.mail_purged == 3
    remaining = {m.id: m for m in db.session.scalars(select(OutboxMessage))}
    assert old_id not in remaining and old_failed_id not in remaining
    assert recent_id in remaining and queued_id in remaining
    kept = remaining[counted_id]
    assert (kept.status, kept.to_address, kept.subject, kept.body_text) == (OutboxStatus.SENT, "", "", ""), (
        "a campaign's mail still counts in its figures, with nothing personal left"
    )
    assert [p.name for p in tmp_path.glob("*.eml")] == [f"20260101T000000000000Z-{recent_id:09d}.eml"]
    assert run_due_jobs().mail_purged == 0


def test_erasing_a_registration_deletes_its_eml_copies(  # type: ignore[no-untyped-def]
    app: Flask, make_event, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    event = make_event()
    ana = registration_services.register(
        event,
        registration_services.RegistrationInput(
            name="Ana", email="ana@example.org", privacy_acknowledged=True, mode=AttendanceMode.ONLINE
        ),
    ).registration
    registration_services.register(
        event,
        registration_services.RegistrationInput(
            name="Rui", email="rui@example.org", privacy_acknowledged=True, mode=AttendanceMode.ONLINE
        ),
    )
    deliver_due()
    assert len(list(tmp_path.glob("*.eml"))) == 2

    registration_services.erase_registration(ana)

    left = [p.read_bytes() for p in tmp_path.glob("*.eml")]
    assert len(left) == 1 and b"rui@example.org" in left[0] and b"ana@example.org" not in left[0]


def test_erasing_an_address_deletes_its_invitation_eml_copies(  # type: ignore[no-untyped-def]
    app: Flask, make_event, make_user, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    event = make_event()
    actor = make_user(Role.ORGANISER, partners=[event.partner])
    invitation = Invitation(
        campaign=Campaign(event=event),
        event_id=event.id,
        email="ana@example.org",
        email_hash=email_hash("ana@example.org"),
        name="Ana",
        status=InvitationStatus.INVITED,
    )
    give_link(invitation)
    db.session.add(invitation)
    for address in ("ana@example.org", "rui@example.org"):
        queue_mail(kind="invitation", to_address=address, subject="Hello", body_text="Hello", event_id=event.id)
    db.session.commit()
    deliver_due()
    assert len(list(tmp_path.glob("*.eml"))) == 2

    contact_services.erase_address(event.partner.project, "ana@example.org", actor=actor)

    left = [p.read_bytes() for p in tmp_path.glob("*.eml")]
    assert len(left) == 1 and b"rui@example.org" in left[0]


def test_scrub_links_removes_the_links_of_mail_sent_by_an_older_version(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    link = external_url("registration.private_page", token=TOKEN)
    old = _sent(2, body_text=f"Open {link}", body_html=f'<a href="{link}">open</a>')
    queued = queue_mail(kind="test", to_address="rui@example.org", subject="Due", body_text=link)
    db.session.commit()

    result = runner.invoke(args=["mail", "scrub-links"])

    assert result.exit_code == 0 and "Private links removed from 1 sent message(s)." in result.output
    assert TOKEN not in stored_text(old)
    assert TOKEN in stored_text(queued), "mail still to be sent keeps its link"
