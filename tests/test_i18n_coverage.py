"""No English of the product's own on what a reader of another language sees.

For every shipped language, the public event page, the registration form with its errors, the
confirmation mail (text, HTML and the calendar invitation), the feedback form, the certificate
and the dashboard are rendered in that language and searched for the English source of every
catalogue entry that the language translates differently. Event content is test data and is
not searched for: only the interface's own sentences are.
"""

from __future__ import annotations

import html
import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from config import Config
from seminar_app import i18n
from seminar_app.attendance import evidence
from seminar_app.attendance import services as attendance_services
from seminar_app.enums import AttendanceMode, Role
from seminar_app.extensions import db
from seminar_app.feedback import services as feedback_services
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services as registration_services
from seminar_app.registration.services import RegistrationInput
from tests.test_attendance_evidence import end_an_hour_ago

TRANSLATIONS = Path(__file__).resolve().parent.parent / "seminar_app" / "translations"
SHIPPED = [code for code in Config.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"%\([A-Za-z_0-9]+\)[sd]|%[sd]|\{[A-Za-z_0-9]*\}|<[^>]+>")
WORD = re.compile(r"[A-Za-z]+")


@cache
def english_fragments(code: str) -> tuple[str, ...]:
    """The English phrases (two words or more, between placeholders) of every entry the
    language translates into something else: finding one on a page means English leaked."""
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    fragments: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source in sources:
            if source in strings:
                continue
            for part in PLACEHOLDER.split(source):
                part = part.strip(" .,:;–—()“”\"'")
                if len(WORD.findall(part)) >= 2:
                    fragments.add(part)
    return tuple(sorted(fragments, key=len, reverse=True))


def visible_text(page: str) -> str:
    """Text a person sees or hears: the page's text plus alt, title, aria-label and placeholder."""
    attributes = " ".join(re.findall(r'(?:alt|title|aria-label|placeholder)="([^"]*)"', page))
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(f"{text} {attributes}"))


def assert_no_english(code: str, where: str, text: str) -> None:
    text = re.sub(r"\s+", " ", text)
    # Whole words only: the English "as present" is not inside the Portuguese "as presentes".
    leaked = [
        fragment
        for fragment in english_fragments(code)
        if fragment in text and re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text)
    ]
    assert not leaked, f"{where} in {code} shows English: {leaked[:8]}"


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def world(make_project, make_partner, make_event, make_user):  # type: ignore[no-untyped-def]
    project = make_project()
    partner = make_partner(project=project, name="Centro de Prevenção Lisboa")
    event = make_event(partner, title="National seminar on mentoring in probation")
    manager = make_user(Role.MANAGER, projects=[project])
    return {"project": project, "partner": partner, "event": event, "manager": manager}


def speak(client: FlaskClient, code: str) -> None:
    assert client.get(f"/lang/{code}").status_code == 302, f"{code} is not offered"


@pytest.mark.parametrize("code", SHIPPED)
def test_public_pages_and_the_registration_form_with_errors_are_all_in_the_language(client, world, code) -> None:
    event = world["event"]
    speak(client, code)

    page = client.get(f"/events/{event.slug}")
    form = client.post(f"/events/{event.slug}/register", data={"name": "", "email": "not an address"})

    assert page.status_code == 200 and form.status_code == 422
    assert f'<html lang="{i18n.language_tag(code)}">' in page.get_data(as_text=True)
    assert_no_english(code, "the event page", visible_text(page.get_data(as_text=True)))
    assert_no_english(code, "the registration form", visible_text(form.get_data(as_text=True)))


@pytest.mark.parametrize("code", SHIPPED)
def test_the_confirmation_mail_and_its_invitation_are_in_the_registrants_language(world, code) -> None:
    data = RegistrationInput(
        name="Ana Reis", email="ana@example.org", mode=AttendanceMode.ONSITE, privacy_acknowledged=True, language=code
    )
    registration = registration_services.register(world["event"], data).registration

    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)).first()

    assert mail is not None
    assert_no_english(code, "the confirmation mail's subject", mail.subject)
    assert_no_english(code, "the confirmation mail's text", mail.body_text)
    assert_no_english(code, "the confirmation mail's HTML", visible_text(mail.body_html))
    unfolded = mail.calendar_ics.replace("\r\n ", "").replace("\\n", " ").replace("\\,", ",").replace("\\;", ";")
    assert_no_english(code, "the calendar invitation", unfolded)


@pytest.mark.parametrize("code", SHIPPED)
def test_the_feedback_form_and_the_certificate_are_in_the_registrants_language(client, world, code) -> None:
    event = world["event"]
    data = RegistrationInput(
        name="Ana Reis", email="ana@example.org", mode=AttendanceMode.ONSITE, privacy_acknowledged=True, language=code
    )
    registration = registration_services.register(event, data).registration
    end_an_hour_ago(event)
    attendance_services.check_in(registration, event.local_days[0])
    token = feedback_services.invitation_token(feedback_services.invite(registration))
    db.session.commit()

    feedback = client.get(f"/feedback/{token}")
    certificate = evidence.certificate_pdf(registration)

    assert feedback.status_code == 200
    assert f'<html lang="{i18n.language_tag(code)}">' in feedback.get_data(as_text=True)
    assert_no_english(code, "the feedback form", visible_text(feedback.get_data(as_text=True)))
    assert_no_english(code, "the certificate", pdf_text(certificate))


@pytest.mark.parametrize("code", SHIPPED)
def test_the_dashboard_is_in_the_readers_language(client, login, world, code) -> None:
    login(world["manager"])
    speak(client, code)

    page = client.get(f"/projects/{world['project'].slug}/dashboard")

    assert page.status_code == 200
    assert_no_english(code, "the dashboard", visible_text(page.get_data(as_text=True)))
