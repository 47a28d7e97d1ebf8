"""Mails and calendar invitations show the event's texts in the reader's language where the
event is translated into it, in its main language otherwise."""

from __future__ import annotations

import icalendar

from seminar_app.campaigns.emails import render_invitation, save_the_date
from seminar_app.extensions import db
from seminar_app.jobs import emails as job_emails
from seminar_app.registration import services
from tests.content_translations import (
    ITEM_EN,
    ITEM_PT,
    SUMMARY_PT,
    TITLE_EN,
    TITLE_PT,
)
from tests.test_calendar_invitations import edit, vevent
from tests.test_registration_services import mails, person


def _mail_to(email: str, kind: str | None = None):  # type: ignore[no-untyped-def]
    (message,) = [m for m in mails(kind) if m.to_address == email]
    return message


def test_a_confirmation_in_the_registrants_translated_language(translated) -> None:
    services.register(translated, person(1, language="pt"))

    message = _mail_to("person1@probation.example")
    assert message.subject == f"Inscrição confirmada – {TITLE_PT}"
    assert TITLE_PT in message.body_text and TITLE_EN not in message.body_text
    assert '<html lang="pt-PT">' in message.body_html
    assert f'<strong lang="pt-PT">{TITLE_PT}</strong>' in message.body_html
    entry = vevent(message)
    assert str(entry["SUMMARY"]) == TITLE_PT and entry["SUMMARY"].params["LANGUAGE"] == "pt-PT"
    assert ITEM_PT in str(entry["DESCRIPTION"]) and SUMMARY_PT in str(entry["DESCRIPTION"])
    page = f"/events/{translated.slug}?lang=pt"
    assert page in message.body_text and str(entry["URL"]).endswith(page), "the event page in Portuguese"


def test_without_a_translation_in_their_language_the_main_language(translated) -> None:
    services.register(translated, person(1, language="pt"))
    services.register(translated, person(2, language="en"))
    services.register(translated, person(3, language="fi"))

    in_pt = _mail_to("person1@probation.example")
    for email in ("person2@probation.example", "person3@probation.example"):
        message = _mail_to(email)
        assert message.subject.endswith(f" – {TITLE_EN}")
        assert TITLE_EN in message.body_text and TITLE_PT not in message.body_text
        assert f'<strong lang="en-GB">{TITLE_EN}</strong>' in message.body_html
        entry = vevent(message)
        assert str(entry["SUMMARY"]) == TITLE_EN and ITEM_EN in str(entry["DESCRIPTION"])
        assert str(entry["URL"]).endswith(f"/events/{translated.slug}")
        assert entry["UID"] == vevent(in_pt)["UID"], "one entry per event, whatever the language"


def test_a_change_of_the_main_title_is_news_only_to_those_who_read_it(translated) -> None:
    services.register(translated, person(1, language="pt"))
    services.register(translated, person(2, language="en"))

    edit(translated, title="Mentoring seminar, second edition")

    in_pt = _mail_to("person1@probation.example", "event_changed")
    in_en = _mail_to("person2@probation.example", "event_changed")
    assert "Novo título" not in in_pt.body_text and TITLE_PT in in_pt.body_text
    assert str(vevent(in_pt)["SUMMARY"]) == TITLE_PT
    assert "New title: Mentoring seminar, second edition" in in_en.body_text
    assert str(vevent(in_en)["SUMMARY"]) == "Mentoring seminar, second edition"


def test_reminder_and_feedback_request_in_the_registrants_language(translated) -> None:
    portuguese = services.register(translated, person(1, language="pt")).registration
    english = services.register(translated, person(2, language="en")).registration

    for registration in (portuguese, english):
        job_emails.queue_reminder(registration)
        job_emails.queue_feedback_request(registration, "https://seminars.example/feedback/abc")
    db.session.commit()

    assert _mail_to("person1@probation.example", "reminder").subject == f"Lembrete – {TITLE_PT}"
    assert _mail_to("person2@probation.example", "reminder").subject == f"Reminder – {TITLE_EN}"
    request = _mail_to("person1@probation.example", "feedback_request")
    assert request.subject == f"A sua opinião, por favor – {TITLE_PT}"
    assert TITLE_PT in request.body_html and TITLE_EN not in request.body_html


def test_a_campaign_invitation_and_its_save_the_date_in_the_invitees_language(app, translated) -> None:
    with app.test_request_context("/"):
        in_pt = render_invitation(translated, name="Ana", personal_note="", token="t", language="pt")
        in_en = render_invitation(translated, name="Mary", personal_note="", token="t", language="en")
        calendars = {code: icalendar.Calendar.from_ical(save_the_date(translated, code)) for code in ("pt", "en")}

    assert in_pt.subject == f"Convite: {TITLE_PT}"
    assert SUMMARY_PT in in_pt.text and TITLE_EN not in in_pt.text
    assert in_en.subject == f"Invitation: {TITLE_EN}"
    (pt_entry,) = calendars["pt"].walk("VEVENT")
    (en_entry,) = calendars["en"].walk("VEVENT")
    assert (str(pt_entry["SUMMARY"]), str(en_entry["SUMMARY"])) == (TITLE_PT, TITLE_EN)
    assert pt_entry["UID"] == en_entry["UID"] and pt_entry["SEQUENCE"] == en_entry["SEQUENCE"]
