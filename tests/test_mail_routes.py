"""The outbox admin pages: who may see them, what they show, and the retry button."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from seminar_app.accounts.models import User
from seminar_app.enums import OutboxStatus, Role
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.services import queue_mail


def outbox_row(status: OutboxStatus = OutboxStatus.QUEUED, **overrides: object) -> OutboxMessage:
    values: dict[str, object] = {
        "kind": "registration_confirmed",
        "to_address": "ana@example.org",
        "to_name": "Ana Sousa",
        "subject": "Registration confirmed – Mentoring seminar",
        "body_text": "Your place is confirmed.",
        "body_html": '<p>Your place is <b>confirmed</b>.</p><script>alert("x")</script>',
    }
    values.update(overrides)
    message = queue_mail(**values)  # type: ignore[arg-type]
    message.status = status
    if status is OutboxStatus.FAILED:
        message.attempts = 8
        message.last_error = "SMTPDataError: (451, b'Try again later')"
    db.session.commit()
    return message


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN)


@pytest.fixture
def as_admin(login: Callable[[User], FlaskClient], admin: User) -> FlaskClient:
    return login(admin)


def urls(message_id: int) -> list[tuple[str, str]]:
    return [("GET", "/admin/mail/"), ("GET", f"/admin/mail/{message_id}"), ("POST", f"/admin/mail/{message_id}/retry")]


def test_anonymous_visitors_are_sent_to_the_log_in_page(client: FlaskClient) -> None:
    message = outbox_row(OutboxStatus.FAILED)
    for method, url in urls(message.id):
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert message.status is OutboxStatus.FAILED


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.MANAGER])
def test_organisers_and_managers_are_refused(
    role: Role, make_user: Callable[..., User], login: Callable[[User], FlaskClient]
) -> None:
    client = login(make_user(role))
    message = outbox_row(OutboxStatus.FAILED)
    for method, url in urls(message.id):
        assert client.open(url, method=method).status_code == 403, url
    db.session.expire_all()
    assert message.status is OutboxStatus.FAILED


def test_the_outbox_lists_messages_newest_first_with_their_status_and_error(as_admin: FlaskClient) -> None:
    outbox_row(OutboxStatus.SENT, subject="First message", to_address="first@example.org")
    outbox_row(OutboxStatus.FAILED, subject="Second message", to_address="second@example.org")

    page = as_admin.get("/admin/mail/").get_data(as_text=True)

    assert page.index("Second message") < page.index("First message")
    assert "second@example.org" in page and "registration_confirmed" in page
    assert "Failed" in page and "Sent" in page
    assert "451" in page
    assert "2 messages" in page


def test_the_outbox_can_be_filtered_by_status(as_admin: FlaskClient) -> None:
    outbox_row(OutboxStatus.SENT, subject="Delivered one")
    outbox_row(OutboxStatus.FAILED, subject="Broken one")

    page = as_admin.get("/admin/mail/?status=failed").get_data(as_text=True)

    assert "Broken one" in page and "Delivered one" not in page
    assert '<option selected value="failed">' in page or 'value="failed" selected' in page


def test_the_outbox_is_paginated(as_admin: FlaskClient) -> None:
    for n in range(55):
        outbox_row(subject=f"Message number {n:02d}")
    first = as_admin.get("/admin/mail/").get_data(as_text=True)
    second = as_admin.get("/admin/mail/?page=2").get_data(as_text=True)
    assert "Message number 54" in first and "Message number 00" not in first
    assert "Message number 00" in second and "Message number 54" not in second


def test_the_outbox_says_where_eml_files_are_written_without_smtp(app: Flask, as_admin: FlaskClient) -> None:
    page = as_admin.get("/admin/mail/").get_data(as_text=True)
    assert app.config["MAIL_BACKEND"] == "file"
    assert app.config["MAIL_FILE_DIR"] in page and ".eml" in page


def test_a_message_shows_headers_text_and_html_without_letting_scripts_run(as_admin: FlaskClient) -> None:
    message = outbox_row(reply_to="seminars@partner.example")

    response = as_admin.get(f"/admin/mail/{message.id}")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Ana Sousa &lt;ana@example.org&gt;" in page
    assert "seminars@partner.example" in page
    assert message.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Your place is confirmed." in page
    assert '<iframe sandbox srcdoc="&lt;p&gt;Your place is &lt;b&gt;confirmed' in page
    assert "<script>" not in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_an_unknown_message_is_404(as_admin: FlaskClient) -> None:
    assert as_admin.get("/admin/mail/999999").status_code == 404
    assert as_admin.post("/admin/mail/999999/retry").status_code == 404


def test_retry_queues_a_failed_message_and_delivers_it_after_the_response(as_admin: FlaskClient, smtp) -> None:
    message = outbox_row(OutboxStatus.FAILED)
    assert "Send again" in as_admin.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    response = as_admin.post(f"/admin/mail/{message.id}/retry")
    assert smtp.messages == [], "nothing is sent before the response is finished"
    response.close()  # what a WSGI server does once the response is out; the test client leaves it to us

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/mail/{message.id}")
    assert smtp.wait_for(1, timeout=5)
    assert smtp.message_ids() == [message.message_id]
    db.session.expire_all()
    assert message.status is OutboxStatus.SENT
    page = as_admin.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "queued again" in page and "Send again" not in page


def test_inline_delivery_trouble_never_reaches_the_admin(as_admin: FlaskClient, smtp) -> None:
    message = outbox_row(OutboxStatus.FAILED)
    smtp.down()

    response = as_admin.post(f"/admin/mail/{message.id}/retry")
    response.close()

    assert response.status_code == 302
    db.session.expire_all()
    assert message.status is OutboxStatus.QUEUED
    assert message.attempts == 1 and message.last_error


def test_with_a_separate_worker_the_web_process_sends_nothing(
    app: Flask, as_admin: FlaskClient, smtp, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "worker")
    message = outbox_row(OutboxStatus.FAILED)

    as_admin.post(f"/admin/mail/{message.id}/retry").close()

    assert smtp.messages == []
    db.session.expire_all()
    assert message.status is OutboxStatus.QUEUED and message.attempts == 0


def test_a_message_that_did_not_fail_cannot_be_retried(as_admin: FlaskClient, smtp) -> None:
    message = outbox_row(OutboxStatus.SENT)

    response = as_admin.post(f"/admin/mail/{message.id}/retry", follow_redirects=True)

    assert "Only a message that failed can be sent again." in response.get_data(as_text=True)
    assert smtp.messages == []
    db.session.expire_all()
    assert message.status is OutboxStatus.SENT


def test_the_plain_text_part_keeps_its_line_breaks(as_admin: FlaskClient, client: FlaskClient) -> None:
    message = outbox_row(body_text="Dear Ana,\n\nYour place is confirmed.\n\n-- \nThe organisers <team>")

    page = as_admin.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    text_part = page.split('id="text-body">', 1)[1].split("</pre>", 1)[0]
    assert text_part == "Dear Ana,\n\nYour place is confirmed.\n\n-- \nThe organisers &lt;team&gt;"
    pre_tag = page.split('id="text-body">', 1)[0].rsplit("<pre", 1)[1]
    assert "mail-preview" in pre_tag and "text-wrap" not in pre_tag, "Bootstrap's text-wrap collapses the lines"
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "pre.mail-preview { white-space: pre-wrap;" in css
