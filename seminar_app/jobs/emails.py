"""The mails the due-job runner sends, queued in the outbox in the runner's transaction.

Each is written in the same language as the registration mails (the one the person
registered in, else the event's), with the event's texts in the person's language where
they are translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import render_template
from flask_babel import gettext as _

from seminar_app import i18n
from seminar_app.calendar.invitations import event_as_seen
from seminar_app.events.models import Event
from seminar_app.mail.services import queue_mail
from seminar_app.registration.emails import event_page_url, mail_language, private_link
from seminar_app.registration.models import Registration
from seminar_app.timefmt import format_span, zone_label


class Recipient(Protocol):
    """What a mail needs of its recipient: a registration, or a stand-in for a preview."""

    name: str
    language: str
    event: Event


@dataclass(frozen=True)
class ComposedMail:
    subject: str
    body_text: str
    body_html: str


def compose(registration: Recipient, kind: str, subject: str, **context: object) -> ComposedMail:
    """The mail rendered from templates/email/<kind>.txt|.html (call inside force_language)."""
    event = event_as_seen(registration)  # type: ignore[arg-type]
    context.update(
        registration=registration,
        event=event,
        when=format_span(event.starts_at, event.ends_at, event.timezone),
        zone=zone_label(event.starts_at, event.timezone),
        event_url=event_page_url(event),
    )
    return ComposedMail(
        subject=f"{subject} – {event.title}",
        body_text=render_template(f"email/{kind}.txt", **context),
        body_html=render_template(f"email/{kind}.html", **context),
    )


def _queue(registration: Registration, kind: str, subject: str, **context: object) -> None:
    """Queue the mail `compose` renders (call inside force_language)."""
    mail = compose(registration, kind, subject, **context)
    event = registration.event
    queue_mail(
        kind=kind,
        to_address=registration.email or "",
        to_name=registration.name,
        reply_to=event.partner.contact_email,
        subject=mail.subject,
        body_text=mail.body_text,
        body_html=mail.body_html,
        event_id=event.id,
        registration_id=registration.id,
    )


def queue_reminder(registration: Registration) -> None:
    """Before the event: when and where, the joining link for a confirmed online
    attendee, and the private link (to cancel, for instance, if plans changed)."""
    event = registration.event
    with i18n.force_language(mail_language(registration)):
        _queue(
            registration,
            "reminder",
            _("Reminder"),
            joining_url=event.joining_url if registration.may_join_online else "",
            link=private_link(registration),
        )


def compose_feedback_request(registration: Recipient, url: str, language: str) -> ComposedMail:
    """The feedback request as `registration` gets it in `language`, for a preview."""
    with i18n.force_language(language):
        return compose(registration, "feedback_request", _("Your feedback, please"), feedback_url=url)


def queue_feedback_request(registration: Registration, url: str) -> None:
    """After the event: the person's own link to the anonymous questionnaire."""
    with i18n.force_language(mail_language(registration)):
        _queue(registration, "feedback_request", _("Your feedback, please"), feedback_url=url)


def queue_feedback_reminder(registration: Registration, url: str) -> None:
    """A few days after the request, to someone who has not answered: the same link."""
    with i18n.force_language(mail_language(registration)):
        _queue(registration, "feedback_reminder", _("A reminder: your feedback"), feedback_url=url)
